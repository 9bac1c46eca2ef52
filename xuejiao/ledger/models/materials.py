"""The online theme day (线上主题党日) the WeChat-group way: a study material pushed to chosen
organisations with a deadline, members' reflections (学习感悟) on a material or an
activity, and make-up study tasks (补学) for members who missed an activity."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import OrgScopedModel, Person

from .activity import Activity, AttendanceStatus
from .evidence import evidence_storage


class MaterialKind(models.TextChoices):
    TEXT = "text", _("Text")
    LINK = "link", _("Link")
    VIDEO = "video", _("Video")
    FILE = "file", _("File")


def material_upload_to(instance, filename: str) -> str:
    # A random name: the original one is kept in file_name and shown, never trusted as a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"materials/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Material(OrgScopedModel):
    """A study material published by `organization` (the publisher) and pushed to recipients."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices, default=MaterialKind.TEXT)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    # Stored with the evidence, outside MEDIA_ROOT and without a URL: served only by the
    # scoped view ledger:material_file.
    file = models.FileField(
        _("file"), storage=evidence_storage, upload_to=material_upload_to, max_length=200, blank=True
    )
    file_name = models.CharField(max_length=200, blank=True, editable=False)
    # Sniffed from the bytes on upload, never taken from the browser.
    file_type = models.CharField(max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(default=0, editable=False)
    deadline = models.DateField(_("deadline"))
    # Kept with the record so that a list page shows progress without counting.
    recipient_count = models.PositiveIntegerField(default=0, editable=False)
    reflection_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        indexes = [models.Index(fields=["org_path", "-created_at"], name="material_scope_time")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=MaterialKind.LINK) | ~Q(url=""), name="material_link_has_url"
            ),
            models.CheckConstraint(
                condition=~Q(kind=MaterialKind.FILE) | ~Q(file=""), name="material_file_has_file"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """The deadline has passed (the whole deadline day counts, in local time)."""
        return timezone.localdate() > self.deadline

    @property
    def is_video_file(self) -> bool:
        return self.file_type.startswith("video/")

    @property
    def is_image_file(self) -> bool:
        """A picture every browser shows (HEIC photos are offered as a download)."""
        return self.file_type in ("image/jpeg", "image/png", "image/webp")


class MaterialAssignment(OrgScopedModel):
    """A material pushed to one organisation (the recipient), whose members study it."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="assignments")
    reflection_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material pushed")
        verbose_name_plural = _("materials pushed")
        indexes = [
            # "Materials to study" for the organisations in a scope, newest first.
            models.Index(fields=["org_path", "-created_at"], name="assignment_scope_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["material", "organization"], name="assignment_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.material} → {self.organization}"


class Reflection(OrgScopedModel):
    """A member's reflection (学习感悟), on exactly one of: a material pushed to their
    organisation, or an activity. `organization` is the assignment's or the activity's."""

    MIN_LENGTH = 20

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reflections")
    assignment = models.ForeignKey(
        MaterialAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="reflections"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="reflections"
    )
    text = models.TextField(_("reflection"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        indexes = [
            models.Index(fields=["org_path"], name="reflection_org_path"),
            models.Index(fields=["assignment", "-created_at"], name="reflection_assignment_time"),
            models.Index(fields=["activity", "-created_at"], name="reflection_activity_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignment__isnull=False, activity__isnull=True)
                | Q(assignment__isnull=True, activity__isnull=False),
                name="reflection_on_one_thing",
            ),
            models.UniqueConstraint(
                fields=["person", "assignment"],
                condition=Q(assignment__isnull=False),
                name="reflection_once_per_material",
            ),
            models.UniqueConstraint(
                fields=["person", "activity"],
                condition=Q(activity__isnull=False),
                name="reflection_once_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.text[:20]}"


class MakeUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Done")


class MakeUpTask(OrgScopedModel):
    """Make-up study (补学) for a member who was absent from or on leave for an activity.
    `organization` is the activity's. Closed by the member's reflection on that activity."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="make_up_tasks")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="make_up_tasks")
    # The attendance that made the task (absent or on leave), as it was then.
    reason = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=MakeUpStatus.choices, default=MakeUpStatus.OPEN
    )
    closed_by = models.ForeignKey(
        Reflection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("make-up study task")
        verbose_name_plural = _("make-up study tasks")
        indexes = [
            models.Index(fields=["org_path"], name="makeup_org_path"),
            models.Index(fields=["person", "status"], name="makeup_person_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="makeup_once_per_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"

    @property
    def is_open(self) -> bool:
        return self.status == MakeUpStatus.OPEN


for model in (Material, MaterialAssignment, Reflection, MakeUpTask):
    copied_paths.register(model, "org_path", via="organization")
