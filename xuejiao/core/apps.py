from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xuejiao.core"
    label = "core"

    def ready(self):
        from . import lookups

        lookups.register()
