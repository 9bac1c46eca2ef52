"""Attaching and removing evidence: content sniffing, size caps, thumbnails, photo counts.

What a file is comes from its first bytes (magic numbers, read by the `filetype` library)
and, for images, from Pillow actually decoding it; the name the uploader gave is kept for
display only. A batch is all-or-nothing: one refused file and nothing of it is stored.
`Activity.photo_count` is recounted in the same transaction and the completion figures
follow, since required actions may ask for a minimum number of photos.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from filetype.types import archive, audio, document, image, video
from PIL import Image, ImageOps

from xuejiao.accounts import audit
from xuejiao.accounts.models import AuditAction
from xuejiao.campaigns.completion import refresh_organization
from xuejiao.core.errors import ServiceError

from ..models import COUNTING_STATUSES, Activity, Evidence, EvidenceKind, evidence_storage
from .rules import contents_refusal

try:  # HEIC photos (iPhones) decode only with libheif, which pillow-heif bundles.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the dependency is declared
    HEIC_SUPPORTED = False

IMAGE, PDF, AUDIO, VIDEO = "image", "pdf", "audio", "video"
THUMBNAIL_SIZE = 480
MAX_FILES_PER_UPLOAD = 20
SNIFF_BYTES = 8192

# (matcher, family, Pillow format for images). Order matters: M4A before MP4, since an M4A
# file may also list MP4 brands.
ALLOWED = [
    (image.Jpeg(), IMAGE, "JPEG"),
    (image.Png(), IMAGE, "PNG"),
    (image.Webp(), IMAGE, "WEBP"),
    *([(image.Heic(), IMAGE, "HEIF")] if HEIC_SUPPORTED else []),
    (archive.Pdf(), PDF, None),
    (audio.Mp3(), AUDIO, None),
    (audio.M4a(), AUDIO, None),
    (video.Mp4(), VIDEO, None),
    # Phones (iPhones especially) record QuickTime files; they play like MP4.
    (video.Mov(), VIDEO, None),
]

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
FAMILY_LABELS = {
    IMAGE: gettext_lazy("Photos"),
    PDF: gettext_lazy("PDF documents"),
    AUDIO: gettext_lazy("Audio recordings"),
    VIDEO: gettext_lazy("Videos"),
}


def size_cap(family: str) -> int:
    return {
        IMAGE: settings.EVIDENCE_MAX_IMAGE_BYTES,
        PDF: settings.EVIDENCE_MAX_PDF_BYTES,
        AUDIO: settings.EVIDENCE_MAX_AUDIO_BYTES,
        VIDEO: settings.EVIDENCE_MAX_VIDEO_BYTES,
    }[family]


def allowed_types_text() -> str:
    if HEIC_SUPPORTED:
        return _("JPEG, PNG, WebP or HEIC photos, PDF documents, MP3 or M4A audio, MP4 or MOV video")
    return _("JPEG, PNG or WebP photos, PDF documents, MP3 or M4A audio, MP4 or MOV video")


@dataclass
class Prepared:
    """A checked upload, ready to be stored."""

    upload: object
    name: str
    family: str
    content_type: str
    extension: str
    size: int
    sha256: str
    thumbnail: bytes | None = None


def _what_it_is(head: bytes) -> str | None:
    """A name for refused content, so the message says what the file really is."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<")):
        return _("a web page or other markup (HTML, SVG, XML)")
    kind = filetype.guess(head)
    if kind is None:
        return None
    if isinstance(kind, archive.Exe | archive.Elf):
        return _("a program (%(type)s)") % {"type": kind.extension.upper()}
    if isinstance(kind, document.Doc | document.Docx | document.Xls | document.Xlsx | document.Ppt):
        return _("an Office document (%(type)s); save it as PDF first") % {"type": kind.extension.upper()}
    if isinstance(kind, archive.Zip | archive.Rar | archive.SevenZ | archive.Gz | archive.Tar):
        return _("a compressed archive (%(type)s)") % {"type": kind.extension.upper()}
    return _("a %(type)s file, which is not accepted") % {"type": kind.extension.upper()}


def _refuse(name: str, head: bytes):
    what = _what_it_is(head)
    if what:
        message = _(
            "“%(name)s” was not saved: its content is %(what)s, whatever its name says. Allowed: %(allowed)s."
        ) % {"name": name, "what": what, "allowed": allowed_types_text()}
    else:
        message = _(
            "“%(name)s” was not saved: its content is not a file type we accept, whatever its name says. "
            "Allowed: %(allowed)s."
        ) % {"name": name, "allowed": allowed_types_text()}
    raise ServiceError(message)


def _thumbnail(upload, name: str, pillow_format: str) -> bytes:
    """Decode the whole image (a truncated or fake image fails here) and make a small JPEG,
    turned upright as the camera's EXIF orientation says."""
    unreadable = _(
        "“%(name)s” looks like a photo but cannot be read; it may be damaged. It was not saved."
    ) % {"name": name}
    try:
        with warnings.catch_warnings():
            # An image of absurd pixel size is a decompression bomb: refuse it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as opened:
                if opened.format != pillow_format:
                    raise ServiceError(unreadable)
                opened.verify()
            upload.seek(0)
            with Image.open(upload) as opened:
                opened.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
                picture = ImageOps.exif_transpose(opened)
                picture.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                if picture.mode in ("RGBA", "LA", "P"):
                    picture = picture.convert("RGBA")
                    background = Image.new("RGB", picture.size, "white")
                    background.paste(picture, mask=picture.getchannel("A"))
                    picture = background
                elif picture.mode != "RGB":
                    picture = picture.convert("RGB")
                out = BytesIO()
                picture.save(out, "JPEG", quality=80, optimize=True)
                return out.getvalue()
    except ServiceError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError(unreadable) from None
    finally:
        upload.seek(0)


def prepare(upload) -> Prepared:
    """Check one uploaded file by its content; raise ServiceError with a precise message."""
    name = getattr(upload, "name", "") or _("(unnamed)")
    size = upload.size
    if not size:
        raise ServiceError(_("“%(name)s” is empty. It was not saved.") % {"name": name})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    match = next(((m, family, fmt) for m, family, fmt in ALLOWED if m.match(bytearray(head))), None)
    if match is None:
        _refuse(name, head)
    matcher, family, pillow_format = match
    cap = size_cap(family)
    if size > cap:
        raise ServiceError(
            _("“%(name)s” is %(size)s; %(family)s may be at most %(cap)s each. It was not saved.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "family": FAMILY_LABELS[family],
                "cap": filesizeformat(cap),
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    thumbnail = _thumbnail(upload, name, pillow_format) if family == IMAGE else None
    return Prepared(
        upload=upload,
        name=name[:255],
        family=family,
        content_type=matcher.mime,
        extension=matcher.extension,
        size=size,
        sha256=digest.hexdigest(),
        thumbnail=thumbnail,
    )


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
        refresh_organization(activity.organization, activity.campaign)


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
