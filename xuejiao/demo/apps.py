from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xuejiao.demo"
    label = "demo"
