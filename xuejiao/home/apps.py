from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "xuejiao.home"
    label = "home"
