from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "xuejiao.sheets"
    label = "sheets"

    def ready(self):
        from .spec import register
        from .specs.activities import ActivitySheet
        from .specs.orgs import OrganizationSheet
        from .specs.people import PeopleSheet

        register(OrganizationSheet())
        register(PeopleSheet())
        register(ActivitySheet())
