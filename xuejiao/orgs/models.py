"""The organisation tree, the systems that cut across it, and the people roster."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from xuejiao.audit.models import AuditEntry
from xuejiao.core.fields import PathField

from . import copied_paths
from .pinyin import search_text_for


class Category(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    MUNICIPAL_UNIT = "municipal_unit", _("Municipal unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Public institution")
    STREET = "street", _("Street")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    BRANCH = "branch", _("Branch")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    LEADING_GROUP = "leading_group", _("Party leadership group")
    AGENCY = "agency", _("Government agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Public institution")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    OTHER = "other", _("Other")


class System(models.Model):
    """A vertical line such as education, health or state assets that cuts across the tree."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self) -> str:
        return self.name


class Organization(MP_Node):
    """A node of the tree. An organisation with records is archived, never deleted."""

    # Four characters of 0-9A-Z per level: 1.6 million children per node, 63 levels deep.
    steplen = 4
    path = PathField(max_length=255, unique=True)

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.BRANCH)
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.OTHER
    )
    systems = models.ManyToManyField(
        System, blank=True, related_name="organizations", verbose_name=_("systems")
    )
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_archived = models.BooleanField(_("archived"), default=False)
    # Empty means "existed before any campaign"; an organisation set up mid-campaign is not
    # held to required actions that fell due before it existed.
    established_on = models.DateField(_("established on"), null=True, blank=True)
    # Lower-case name, code, full pinyin and pinyin initials, so that one LIKE finds
    # "郑飞社区" by "zfsq", "zhengfei" or its code. Kept up to date in save().
    search_text = models.CharField(max_length=600, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # Children of a node in display order: the tree browser's expand.
            models.Index(fields=["depth", "path"], name="org_depth_path"),
            models.Index(fields=["category", "path"], name="org_category_path"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text_for(self.name, self.short_name, self.code)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class OrgScopedModel(models.Model):
    """A record that belongs to one organisation.

    It carries a copy of the organisation's path so that the scope filter is one indexed
    range on the record's own table, with no join. Moving an organisation rewrites the
    copies (orgs.services.move_organization), so they never drift.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    # Each model declares an index leading with org_path in its Meta.indexes (a plain one,
    # or a composite that also serves its pages); xuejiao/core/tests/test_path_indexes.py
    # checks that none is missing.
    org_path = PathField(max_length=255, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.org_path = self.organization.path
        super().save(*args, **kwargs)


class Person(OrgScopedModel):
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # A scoped roster page: range on org_path, then the page in a stable order. It
            # serves every other range on the path too (a count, a move).
            models.Index(fields=["org_path", "sort_order", "id"], name="person_scope_order"),
        ]
        constraints = [
            # The roster's key (the people sheet finds a person by it): two people of one
            # organisation with the same name and phone could not be told apart.
            models.UniqueConstraint(fields=["organization", "name", "phone"], name="person_roster_key"),
        ]

    def __str__(self) -> str:
        return self.name


copied_paths.register(Person, "org_path", via="organization")
# The audit log sits below orgs and cannot declare its copy itself.
copied_paths.register(AuditEntry, "org_path", via="organization")
