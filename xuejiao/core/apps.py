from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xuejiao.core"
    label = "core"
