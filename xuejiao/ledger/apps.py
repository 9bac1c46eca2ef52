from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "xuejiao.ledger"
    label = "ledger"
