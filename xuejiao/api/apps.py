from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xuejiao.api"
    label = "api"
