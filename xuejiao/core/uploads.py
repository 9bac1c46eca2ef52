"""Checking an uploaded file by its content before it goes to the private storage.

What a file is comes from its first bytes (magic numbers, read by the `filetype` library)
and, for images, from Pillow actually decoding it; the name the uploader gave is kept for
display only. Evidence, study materials and handed-in documents all pass through `prepare`.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from filetype.types import archive, audio, document, image, video
from PIL import Image, ImageOps

from .errors import ServiceError

try:  # HEIC photos (iPhones) decode only with libheif, which pillow-heif bundles.
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the dependency is declared
    HEIC_SUPPORTED = False

IMAGE, PDF, AUDIO, VIDEO = "image", "pdf", "audio", "video"
THUMBNAIL_SIZE = 480
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
