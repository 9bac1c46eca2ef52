from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xuejiao.campaigns"
    label = "campaigns"

    def ready(self):
        from . import receivers, sources  # noqa: F401  (connects the tree and ledger signals)
        from .rules import DocumentSource

        sources.register(DocumentSource())
