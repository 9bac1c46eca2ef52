from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: `manage.py backup` and `manage.py restore` (docs/deploy.md, section 10)."""

    name = "xuejiao.ops"
    label = "ops"
