"""An import job: one uploaded workbook on its way from validation to import."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.orgs import copied_paths
from xuejiao.orgs.models import OrgScopedModel


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class Named(models.TextChoices):
    """What the file names, which decides who sees the job besides its uploader."""

    NOTHING = "nothing", _("Nothing yet")  # not read yet, or no organisation it names exists
    ONE = "one", _("One organisation")  # the job's organisation
    BELOW = "below", _("Organisations at and below one")  # the job's organisation and below


RUNNING = (JobStatus.UPLOADED, JobStatus.VALIDATING, JobStatus.IMPORTING)


def upload_path(job, filename: str) -> str:
    # The user's file name is kept in original_name; on disk only a random name.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJob(OrgScopedModel):
    """Seen by its uploader, and by those whose scope covers every organisation the file
    names (services.visible_jobs). Until the file is read, organization is the uploader's
    home and `named` NOTHING: the uploader alone sees the job. Once read, organization is
    the narrowest organisation above everything the file names, kept with the tree by the
    org_path copy (OrgScopedModel), and `named` says whether the file names it alone or
    organisations below it too. The uploader's home never widens who sees a file: a user
    homed in one district may hold a role on another."""

    spec = models.CharField(_("sheet"), max_length=50)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    # The uploader's language: reasons are written in it, also by the background worker.
    language = models.CharField(max_length=10, default="zh-hans")
    named = models.CharField(max_length=10, choices=Named.choices, default=Named.NOTHING)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # Before the import: what it will do; after: what it did.
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    error_file = models.FileField(max_length=200, blank=True)
    # SHA-256 of the parsed rows kept from a clean check (parsed_rows_file), so the import
    # neither reads the workbook again nor loads a file this code did not write.
    parsed_digest = models.CharField(max_length=64, blank=True)
    failure = models.TextField(blank=True)
    # What the preview should say besides the errors (hidden rows that will be imported).
    notes = models.JSONField(default=list, blank=True)
    # "host:pid" of the process checking or importing the file: a job left checking or
    # importing by a process that no longer runs is marked failed (services.fail_abandoned).
    runner = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["org_path", "created_at"], name="importjob_scope_time")]

    def __str__(self) -> str:
        return f"{self.spec}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("sheets:job", args=[self.pk])

    @property
    def sheet_title(self) -> str:
        """The sheet's name as its page shows it (the stored key if the sheet is gone)."""
        from .spec import get_spec

        spec = get_spec(self.spec)
        return str(spec.title) if spec is not None else self.spec

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def nothing_written(self) -> bool:
        return self.status in (JobStatus.INVALID, JobStatus.FAILED)

    def progress_file(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{self.pk}.txt"

    def parsed_rows_file(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / "parsed" / f"{self.pk}.pickle"

    def current_progress(self) -> int:
        """During the import transaction progress goes to a side file (the row is locked in it)."""
        if self.status == JobStatus.IMPORTING:
            try:
                return int(self.progress_file().read_text())
            except (OSError, ValueError):
                return self.progress
        return self.progress


copied_paths.register(ImportJob, "org_path", via="organization")
