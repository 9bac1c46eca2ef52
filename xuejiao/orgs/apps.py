from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "xuejiao.orgs"
    label = "orgs"
