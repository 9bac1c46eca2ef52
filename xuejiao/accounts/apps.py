from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xuejiao.accounts"
    label = "accounts"

    def ready(self):
        from xuejiao.orgs.scope import register_grant_provider

        from . import idle, login_audit  # noqa: F401  (connect the login signals)
        from .scope_grants import role_assignment_grants

        register_grant_provider(role_assignment_grants)
