"""Attaching and removing evidence: kinds, photo counts, the file checks of core.uploads.

Each file is checked by its content (xuejiao.core.uploads.prepare: magic bytes, size caps,
pictures decoded); the name the uploader gave is kept for display only. A batch is
all-or-nothing: one refused file and nothing of it is stored.
`Activity.photo_count` is recounted in the same transaction and the completion figures
follow, since required actions may ask for a minimum number of photos.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.errors import ServiceError
from xuejiao.core.uploads import AUDIO, IMAGE, PDF, VIDEO, Prepared, prepare

from ..completion import announce_changes
from ..models import COUNTING_STATUSES, Activity, Evidence, EvidenceKind, evidence_storage
from .rules import contents_refusal

MAX_FILES_PER_UPLOAD = 20

# What each kind of evidence may be.
KIND_ACCEPTS = {
    EvidenceKind.PHOTO: {IMAGE},
    EvidenceKind.SIGN_IN_SHEET: {IMAGE, PDF},
    EvidenceKind.MINUTES: {PDF, IMAGE},
    EvidenceKind.AUDIO: {AUDIO},
    EvidenceKind.VIDEO: {VIDEO},
    EvidenceKind.OTHER: {IMAGE, PDF, AUDIO, VIDEO},
}
DEFAULT_KIND = {
    IMAGE: EvidenceKind.PHOTO,
    PDF: EvidenceKind.MINUTES,
    AUDIO: EvidenceKind.AUDIO,
    VIDEO: EvidenceKind.VIDEO,
}


def _check_kind(prepared: Prepared, kind: str) -> str:
    if not kind:
        return DEFAULT_KIND[prepared.family]
    if prepared.family not in KIND_ACCEPTS[EvidenceKind(kind)]:
        raise ServiceError(
            _("“%(name)s” is not accepted as “%(kind)s”: choose another kind, or “Detect from the file”.")
            % {"name": prepared.name, "kind": EvidenceKind(kind).label}
        )
    return kind


def _lock(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("organization", "campaign")
        .get(pk=activity.pk)
    )


def check_can_change_evidence(actor, activity: Activity) -> None:
    refusal = contents_refusal(
        actor, activity, _("This record is verified: its evidence can no longer be changed.")
    )
    if refusal is not None:
        raise refusal


def recount_photos(activity: Activity) -> None:
    """Keep photo_count equal to the photos attached, and the completion figures with it."""
    count = Evidence.objects.filter(activity_id=activity.pk, kind=EvidenceKind.PHOTO).count()
    if count == activity.photo_count:
        return
    activity.photo_count = count
    activity.save(update_fields=["photo_count", "updated_at"])
    if activity.status in COUNTING_STATUSES:
        announce_changes(activity.campaign, [activity.organization])


def add_evidence(*, actor, activity: Activity, files, kind: str = "", request=None) -> list[Evidence]:
    """Attach several files at once to a record that may still change."""
    files = list(files)
    if not files:
        raise ServiceError(_("Choose at least one file."))
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ServiceError(_("Upload at most %(n)d files at a time.") % {"n": MAX_FILES_PER_UPLOAD})
    if kind and kind not in EvidenceKind.values:
        raise ServiceError(_("Choose what kind of evidence this is."))
    # Permission first, so that a reader is told so before any file is looked at.
    check_can_change_evidence(actor, activity)
    prepared = [prepare(upload) for upload in files]
    kinds = [_check_kind(p, kind) for p in prepared]
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _lock(activity)
            check_can_change_evidence(actor, current)
            seen = set(Evidence.objects.filter(activity=current).values_list("sha256", flat=True))
            created = []
            for item, item_kind in zip(prepared, kinds, strict=True):
                if item.sha256 in seen:
                    raise ServiceError(
                        _("“%(name)s” is already attached to this record. Nothing was saved.")
                        % {"name": item.name}
                    )
                seen.add(item.sha256)
                evidence = Evidence(
                    activity=current,
                    kind=item_kind,
                    original_name=item.name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    uploaded_by=actor,
                )
                evidence.file.save(f"evidence.{item.extension}", item.upload, save=False)
                stored.append(evidence.file.name)
                if item.thumbnail is not None:
                    evidence.thumbnail.save("thumb.jpg", ContentFile(item.thumbnail), save=False)
                    stored.append(evidence.thumbnail.name)
                evidence.save()
                created.append(evidence)
            recount_photos(current)
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                request=request,
                obj=current,
                summary=_("Attached %(n)d files to “%(title)s”")
                % {"n": len(created), "title": current.title},
                changes={"evidence": [f"{e.get_kind_display()}: {e.original_name}" for e in created]},
            )
    except BaseException:
        for name in stored:
            evidence_storage.delete(name)
        raise
    return created


def delete_evidence(*, actor, evidence: Evidence, request=None) -> None:
    with transaction.atomic():
        current = _lock(evidence.activity)
        check_can_change_evidence(actor, current)
        evidence = Evidence.objects.get(pk=evidence.pk, activity=current)
        label = f"{evidence.get_kind_display()}: {evidence.original_name}"
        evidence.delete()  # the files go once the transaction commits
        recount_photos(current)
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            request=request,
            obj=current,
            summary=_("Removed “%(name)s” from “%(title)s”")
            % {"name": evidence.original_name, "title": current.title},
            changes={"evidence": [label]},
        )
