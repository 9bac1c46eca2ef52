"""Campaigns, their phases and required actions, and the computed completion.

A campaign is data: the 2021 Party-history campaign and the 2023 theme education are two
rows, each with its own list of required actions. Completion is never entered by hand: it
is computed from the ledger into `Completion` (one row per applicable organisation and
action) and summed into `CompletionRollup` (per action, ancestor and category), so that
every level sees its figures without scanning millions of activities.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.core.fields import PathField
from xuejiao.core.storage import private_storage
from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import Category, Organization, System


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    motto = models.CharField(_("motto"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    root = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("organised by")
    )
    root_path = PathField(max_length=255, editable=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["root_path"], name="campaign_root_path")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.root_path = self.root.path
        super().save(*args, **kwargs)


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.name


class RuleType(models.TextChoices):
    ACTIVITY_COUNT = "activity_count", _("At least N activities of given kinds")
    DOCUMENT = "document", _("A document accepted by the level above")


class RequiredAction(models.Model):
    """规定动作: what every organisation it applies to must do by the due date."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    phase = models.ForeignKey(Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    # Applicability: an organisation must match every non-empty criterion; an explicit
    # list, when given, is used instead of the criteria.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    org_kinds = models.JSONField(_("organisation kinds"), default=list, blank=True)
    depths = models.JSONField(_("tree levels"), default=list, blank=True)
    systems = models.ManyToManyField(System, blank=True, verbose_name=_("systems"))
    explicit_orgs = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("only these organisations")
    )
    # Completion rule.
    rule_type = models.CharField(
        _("completion rule"), max_length=20, choices=RuleType.choices, default=RuleType.ACTIVITY_COUNT
    )
    activity_kinds = models.JSONField(_("activity kinds"), default=list, blank=True)
    min_count = models.PositiveIntegerField(_("at least"), default=1)
    require_first_agenda = models.BooleanField(_("with the first agenda item"), default=False)
    topic_keyword = models.CharField(_("topic keyword"), max_length=50, blank=True)
    window_start = models.DateField(_("counted from"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    # Evidence a record needs before it counts.
    min_photos = models.PositiveIntegerField(_("minimum photos"), default=0)
    min_summary_length = models.PositiveIntegerField(_("minimum summary length"), default=0)
    min_attendance_rate = models.PositiveIntegerField(_("minimum attendance rate (%)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "due_date", "id"]
        verbose_name = _("required action")
        verbose_name_plural = _("required actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_attendance_rate__lte=100), name="action_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counted_from(self):
        return self.window_start or self.campaign.starts_on


class Completion(models.Model):
    """One applicable (organisation, action) pair and how far it is. No row: not applicable."""

    action = models.ForeignKey(RequiredAction, on_delete=models.CASCADE, related_name="completions")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    org_path = PathField(max_length=255)
    category = models.CharField(max_length=32, choices=Category.choices)
    count = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    # When the latest record that counts took place (set while the action is done).
    done_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "organization"], name="completion_once")]
        indexes = [
            # A subtree's cells (moving or rebuilding it).
            models.Index(fields=["org_path"], name="completion_org_path"),
            # "Not done yet" under a scope, for one action.
            models.Index(fields=["action", "done", "org_path"], name="completion_todo"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id}/{self.organization_id}: {self.count}"


class CompletionRollup(models.Model):
    """Sums of Completion for one action over the subtree of one organisation, per category."""

    action = models.ForeignKey(RequiredAction, on_delete=models.CASCADE, related_name="rollups")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    org_path = PathField(max_length=255)
    category = models.CharField(max_length=32, choices=Category.choices)
    applicable = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)  # count > 0 but not done

    scope_path_field = "org_path"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "org_path", "category"], name="rollup_once"),
        ]
        indexes = [models.Index(fields=["org_path", "action"], name="rollup_by_org")]

    def __str__(self) -> str:
        return f"{self.action_id}@{self.org_path}/{self.category}: {self.done}/{self.applicable}"


class DocumentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


def document_path(instance, filename):
    """documents/YYYY/MM/<action id>/<random>.<extension of the detected type>; the name the
    uploader gave is kept in `original_name` only."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"documents/{timezone.now():%Y/%m}/{instance.action_id}/{uuid.uuid4().hex}{suffix}"


class ActionDocument(models.Model):
    """A document an organisation hands in for a document-rule action; accepted by the level above.

    The file is stored with the ledger's evidence (settings.EVIDENCE_ROOT), outside MEDIA_ROOT
    and without a URL: it is served only by the scoped view campaigns:document_file.
    """

    action = models.ForeignKey(RequiredAction, on_delete=models.CASCADE, related_name="documents")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    org_path = PathField(max_length=255)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    # Detected from the file's content (magic bytes), never from its name.
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    status = models.CharField(max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.SUBMITTED)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["org_path"], name="document_org_path"),
            # The review list: documents of one status under a scope.
            models.Index(fields=["status", "org_path"], name="document_status_scope"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.org_path = self.organization.path
        super().save(*args, **kwargs)


copied_paths.register(Campaign, "root_path", via="root")
copied_paths.register(ActionDocument, "org_path", via="organization")
# Figures: recomputed by the completion receiver when a subtree moves (its ancestors' sums
# change with it), not rewritten in place.
copied_paths.register(Completion, "org_path", via="organization", recomputed=True)
copied_paths.register(CompletionRollup, "org_path", via="organization", recomputed=True)
