"""Evidence attached to a ledger record: photos, sign-in sheets, minutes, audio, video.

Files live in their own storage (settings.EVIDENCE_ROOT), outside MEDIA_ROOT and without a
URL: they are served only by the scoped view `ledger:evidence_file`, so a record outside
a user's scope never leaks through a guessable address.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.core.storage import private_storage

from .activity import Activity

# Evidence lives in the private storage shared with study materials and action documents.
evidence_storage = private_storage


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    SIGN_IN_SHEET = "sign_in_sheet", _("Sign-in sheet")
    MINUTES = "minutes", _("Minutes")
    AUDIO = "audio", _("Audio recording")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


def evidence_path(instance, filename):
    """YYYY/MM/<activity id>/<random>.<extension of the detected type>; the name given by
    the uploader is kept in `original_name` only."""
    now = timezone.now()
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{now:%Y/%m}/{instance.activity_id}/{uuid.uuid4().hex}{suffix}"


def thumbnail_path(instance, filename):
    now = timezone.now()
    return f"{now:%Y/%m}/{instance.activity_id}/thumbs/{uuid.uuid4().hex}.jpg"


class Evidence(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    # Detected from the file's content (magic bytes), never from its name.
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    thumbnail = models.FileField(
        storage=evidence_storage, upload_to=thumbnail_path, max_length=200, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Evidence is scoped by its activity's organisation.
    scope_path_field = "activity__org_path"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            # The same file attached twice to one record would count as two photos.
            models.UniqueConstraint(fields=["activity", "sha256"], name="evidence_once_per_activity"),
        ]
        indexes = [
            # photo_count: the photos of one activity.
            models.Index(fields=["activity", "kind"], name="evidence_activity_kind"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@receiver(post_delete, sender=Evidence)
def _delete_files(sender, instance, **kwargs):
    """Remove the stored files once the deletion is committed (also when the activity goes)."""
    names = [f.name for f in (instance.file, instance.thumbnail) if f and f.name]

    def remove():
        for name in names:
            evidence_storage.delete(name)

    transaction.on_commit(remove)
