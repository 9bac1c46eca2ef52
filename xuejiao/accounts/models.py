"""Users, their role assignments and personal API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuejiao.core.fields import PathField
from xuejiao.core.roles import RANK, Role
from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import Organization, Person


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


copied_paths.register(User, "home_org_path", via="home_organization")
