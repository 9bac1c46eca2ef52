"""Users, their role assignments, personal API tokens and the audit trail."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.orgs import copied_paths
from xuejiao.orgs.fields import PathField
from xuejiao.orgs.models import Organization, Person

from .roles import RANK, Role


class User(AbstractUser):
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("person"),
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    # Organisation the user belongs to (for scoping the user list); usually the person's unit.
    home_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    home_org_path = PathField(max_length=255, blank=True, default="", editable=False)

    scope_path_field = "home_org_path"

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["home_org_path"], name="user_home_org_path")]

    def save(self, *args, **kwargs):
        self.home_org_path = self.home_organization.path if self.home_organization_id else ""
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.display_name or self.username

    def assignments(self) -> list[tuple[str, str, bool]]:
        """(role, organisation path, covers subtree) of each assignment, read once per request."""
        cache = self.__dict__.get("_assignment_cache")
        if cache is None:
            # The organisations' names come along for the page header (assignment_org_name).
            rows = list(
                self.role_assignments.values_list(
                    "role",
                    "organization__path",
                    "include_subtree",
                    "organization__short_name",
                    "organization__name",
                )
            )
            cache = [(role, path, subtree) for role, path, subtree, _short, _name in rows]
            self.__dict__["_assignment_cache"] = cache
            self.__dict__["_assignment_names"] = {path: short or name for _r, path, _s, short, name in rows}
        return cache

    def assignment_org_name(self, path: str) -> str:
        """The display name of the organisation of one of the user's assignments."""
        self.assignments()
        return self.__dict__["_assignment_names"].get(path, "")

    def forget_assignments(self) -> None:
        for key in ("_assignment_cache", "_assignment_names", "_scope_cache"):
            self.__dict__.pop(key, None)

    def roles(self) -> set[str]:
        return {role for role, _path, _subtree in self.assignments()}

    def has_role(self, role: str) -> bool:
        return role in self.roles()

    @property
    def top_rank(self) -> int:
        if self.is_superuser:
            return RANK[Role.ADMIN]
        return max((RANK[Role(role)] for role in self.roles()), default=0)


class RoleAssignment(models.Model):
    """A role over an organisation, alone or with its whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    include_subtree = models.BooleanField(_("covers the subtree"), default=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "organization__path"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.organization}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "xj_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


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
        Organization,
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
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["org_path"], name="audit_org_path"),
            models.Index(fields=["action", "created_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action}"


copied_paths.register(User, "home_org_path", via="home_organization")
copied_paths.register(AuditEntry, "org_path", via="organization")
