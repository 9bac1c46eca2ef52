"""The audit trail: who did what, when, from where, to which record, with what change.

It sits below the organisation tree and the accounts (every app writes to it), so it links
the user and the organisation by name only (settings.AUTH_USER_MODEL, "orgs.Organization").
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.core.fields import PathField


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    LOCKED_OUT = "locked_out", _("Locked out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    GRANT = "grant", _("Grant role")
    REVOKE = "revoke", _("Revoke role")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    EXPORT = "export", _("Export")
    MOVE = "move", _("Move")
    ARCHIVE = "archive", _("Archive")


class AuditEntry(models.Model):
    """Who did what, when, from where, to which record, with what change."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The log is history: it keeps the user's name and the organisation's path, and its two
    # links carry no database constraint (db_constraint=False). Writing an entry then neither
    # checks nor key-share-locks the user's and the organisation's rows; those checks were a
    # tenth of an import of 100,000 records, which writes an entry for each. Deleting a user
    # clears the link (on_delete, by Django, through the user index).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    # Nothing looks entries up by the organisation's id (the log is read by org_path): no
    # index, one less for every entry written. An entry keeps the id of an organisation
    # deleted since, as it keeps its path (DO_NOTHING: clearing it would read the whole log).
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Path of the organisation the entry concerns, so that the log is scoped like any list.
    org_path = PathField(max_length=255, blank=True, default="")
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    scope_path_field = "org_path"

    class Meta:
        # The table keeps the name it had when the log lived in accounts: moving the model
        # moved no row.
        db_table = "accounts_auditentry"
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["org_path"], name="audit_org_path"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}"
