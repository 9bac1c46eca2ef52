from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xuejiao.campaigns"
    label = "campaigns"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the tree signals)
