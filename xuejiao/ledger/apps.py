from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "xuejiao.ledger"
    label = "ledger"

    def ready(self):
        from xuejiao.campaigns import sources

        from .completion import ActivitySource

        # Completion counts activity records for the actions that ask for them.
        sources.register(ActivitySource())
