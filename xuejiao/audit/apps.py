from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xuejiao.audit"
    label = "audit"
