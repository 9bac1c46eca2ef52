"""Helpers for the ledger tests: times, a theme day's fields, real small files."""

import io
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from xuejiao.ledger.models import ActivityKind


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}"))


THEME_DAY = {
    "kind": ActivityKind.THEME_DAY,
    "title": "六月主题党日",
    "first_agenda": True,
    "first_agenda_content": "学习习近平总书记在党史学习教育动员大会上的重要讲话",
    "expected": 20,
    "present": 18,
}


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 30), exif_orientation=None) -> bytes:
    picture = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif.tobytes()
    picture.save(out, fmt, **kwargs)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A minimal one-page PDF, written by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    # The browser's content type is deliberately ignored by the code under test.
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name="photo.png", **kwargs):
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def jpeg(name="photo.jpg", **kwargs):
    return upload(name, image_bytes("JPEG", **kwargs), "image/jpeg")
