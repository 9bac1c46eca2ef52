"""Evidence: what a file is comes from its content; thumbnails; photo counts and completion;
files reachable only through the scope."""

import io
import random

import pytest
from django.urls import reverse
from PIL import Image

from xuejiao.audit.models import AuditEntry
from xuejiao.campaigns.models import Completion
from xuejiao.core import uploads
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, Evidence, EvidenceKind

from .helpers import image_bytes, jpeg, pdf_bytes, png, upload

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x21" + b"\x00" * 200
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x08free" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free" + b"\x00" * 100


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def draft(make_activity):
    return make_activity("zhengfei", actor="zhengfei_operator")


def attach(personas, activity, *files, kind="", actor="zhengfei_operator"):
    return services.add_evidence(actor=personas[actor], activity=activity, files=list(files), kind=kind)


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,content_type,kind",
    [
        ("a.jpg", image_bytes("JPEG"), "image/jpeg", EvidenceKind.PHOTO),
        ("b.png", image_bytes("PNG"), "image/png", EvidenceKind.PHOTO),
        ("c.webp", image_bytes("WEBP"), "image/webp", EvidenceKind.PHOTO),
        ("minutes.pdf", pdf_bytes(), "application/pdf", EvidenceKind.MINUTES),
        ("talk.mp3", MP3, "audio/mpeg", EvidenceKind.AUDIO),
        ("talk.m4a", M4A, "audio/mp4", EvidenceKind.AUDIO),
        ("clip.mp4", MP4, "video/mp4", EvidenceKind.VIDEO),
    ],
)
def test_allowed_files_are_recognised_by_their_content(personas, draft, name, content, content_type, kind):
    (evidence,) = attach(personas, draft, upload(name, content))
    assert evidence.content_type == content_type
    assert evidence.kind == kind
    assert evidence.size == len(content)
    assert evidence.original_name == name


def test_the_name_does_not_decide_a_png_named_jpg_is_stored_as_png(personas, draft):
    (evidence,) = attach(personas, draft, upload("photo.jpg", image_bytes("PNG")))
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")


def test_heic_photos_are_accepted_when_pillow_heif_can_write_them(personas, draft):
    pillow_heif = pytest.importorskip("pillow_heif")
    picture = Image.new("RGB", (64, 48), (10, 120, 200))
    out = io.BytesIO()
    try:
        pillow_heif.from_pillow(picture).save(out, format="HEIF", quality=60)
    except Exception as error:  # no HEVC encoder in this build
        pytest.skip(f"cannot encode HEIC here: {error}")
    (evidence,) = attach(personas, draft, upload("IMG_0001.HEIC", out.getvalue()))
    assert evidence.content_type == "image/heic"
    assert evidence.thumbnail


@pytest.mark.parametrize(
    "name,content,what",
    [
        ("photo.jpg", HTML, "网页"),
        ("photo.jpg", EXE, "程序"),
        ("scan.pdf", b"just some text, not a PDF at all" * 10, "不属于可接受的文件类型"),
    ],
)
def test_a_disguised_file_is_refused_with_a_precise_message_and_nothing_is_stored(
    personas, draft, evidence_root, name, content, what
):
    with pytest.raises(ServiceError) as refused:
        attach(personas, draft, upload(name, content, "image/jpeg"))
    message = str(refused.value)
    assert name in message
    assert what in message
    assert not Evidence.objects.exists()
    assert stored_files(evidence_root) == []


def test_an_image_header_with_garbage_after_it_is_refused(personas, draft, evidence_root):
    broken = image_bytes("JPEG")[:40] + b"\x00" * 300
    with pytest.raises(ServiceError, match="无法读取"):
        attach(personas, draft, upload("broken.jpg", broken))
    assert stored_files(evidence_root) == []


def test_an_oversized_file_is_refused_with_the_cap_and_nothing_is_stored(
    personas, draft, evidence_root, settings
):
    settings.EVIDENCE_MAX_IMAGE_BYTES = 1000
    noise = Image.frombytes("L", (100, 100), random.Random(1).randbytes(10_000))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 1000
    with pytest.raises(ServiceError) as refused:
        attach(personas, draft, upload("big.png", out.getvalue()))
    assert "big.png" in str(refused.value)
    assert "1000" in str(refused.value)
    assert not Evidence.objects.exists()
    assert stored_files(evidence_root) == []


def test_one_bad_file_in_a_batch_stores_nothing(personas, draft, evidence_root):
    with pytest.raises(ServiceError):
        attach(personas, draft, png("good.png"), upload("bad.jpg", HTML))
    assert not Evidence.objects.exists()
    assert stored_files(evidence_root) == []


def test_the_same_photo_twice_is_refused(personas, draft):
    attach(personas, draft, png("a.png"))
    with pytest.raises(ServiceError, match="a.png"):
        attach(personas, draft, png("a.png"))
    assert Evidence.objects.count() == 1


def test_a_kind_that_does_not_fit_the_content_is_refused(personas, draft):
    with pytest.raises(ServiceError):
        attach(personas, draft, upload("m.pdf", pdf_bytes()), kind=EvidenceKind.PHOTO)
    (sheet,) = attach(personas, draft, upload("sheet.pdf", pdf_bytes()), kind=EvidenceKind.SIGN_IN_SHEET)
    assert sheet.kind == EvidenceKind.SIGN_IN_SHEET


# --- thumbnails and counts ------------------------------------------------------------------


def test_images_get_an_upright_thumbnail(personas, draft):
    # EXIF orientation 6: the camera was turned; the picture must be shown rotated 90°.
    (evidence,) = attach(personas, draft, jpeg("turned.jpg", size=(200, 100), exif_orientation=6))
    with evidence.thumbnail.open("rb") as thumb, Image.open(thumb) as picture:
        assert picture.format == "JPEG"
        assert picture.size == (100, 200)


def test_a_large_photo_gets_a_small_thumbnail(personas, draft):
    (evidence,) = attach(personas, draft, png("large.png", size=(2000, 1500)))
    with evidence.thumbnail.open("rb") as thumb, Image.open(thumb) as picture:
        assert max(picture.size) == uploads.THUMBNAIL_SIZE


def test_photo_count_follows_the_photos_and_completion_follows_photo_count(
    personas, tree, make_activity, campaign, theme_day_action
):
    activity = make_activity("zhengfei", campaign=campaign)
    attach(personas, activity, png("1.png", color=(1, 2, 3)), upload("m.pdf", pdf_bytes()))
    assert Activity.objects.get(pk=activity.pk).photo_count == 1
    services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)
    cell = Completion.objects.get(action=theme_day_action, organization=tree.zhengfei)
    assert not cell.done
    # Evidence changes while the record is the unit's; the figures follow once it counts.
    services.withdraw_activity(actor=personas["zhengfei_operator"], activity=activity)
    attach(personas, activity, jpeg("2.jpg", color=(4, 5, 6)))
    assert Activity.objects.get(pk=activity.pk).photo_count == 2
    services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)
    cell.refresh_from_db()
    assert cell.done
    services.return_activity(actor=personas["erqi_admin"], activity=activity, reason="照片须为活动现场")
    photo = Evidence.objects.filter(activity=activity, kind=EvidenceKind.PHOTO).first()
    services.delete_evidence(actor=personas["zhengfei_operator"], evidence=photo)
    assert Activity.objects.get(pk=activity.pk).photo_count == 1
    services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)
    cell.refresh_from_db()
    assert not cell.done


def test_evidence_changes_are_audited(personas, draft):
    (evidence,) = attach(personas, draft, png())
    services.delete_evidence(actor=personas["zhengfei_operator"], evidence=evidence)
    entries = AuditEntry.objects.filter(object_type="activity", object_id=str(draft.pk)).order_by("pk")
    assert [e.action for e in entries][-2:] == ["create", "delete"]
    assert "photo.png" in str(entries.last().changes)


# --- who may -------------------------------------------------------------------------------


def test_readers_cannot_attach_and_verified_records_are_locked(personas, make_activity):
    activity = make_activity("zhengfei")
    with pytest.raises(PermissionDenied):
        attach(personas, activity, png(), actor="city_leader")
    (evidence,) = attach(personas, activity, png())
    services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)
    services.verify_activity(actor=personas["erqi_admin"], activity=activity)
    with pytest.raises(ServiceError, match="已审核"):
        attach(personas, activity, png("other.png", color=(9, 9, 9)))
    with pytest.raises(ServiceError):
        services.delete_evidence(actor=personas["zhengfei_operator"], evidence=evidence)


def test_deleting_the_activity_removes_its_files(
    personas, draft, evidence_root, django_capture_on_commit_callbacks
):
    attach(personas, draft, png())
    assert stored_files(evidence_root)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_activity(actor=personas["zhengfei_operator"], activity=draft)
    assert stored_files(evidence_root) == []


# --- pages -----------------------------------------------------------------------------------


def test_uploading_several_photos_from_the_page(draft, client_for):
    client = client_for("zhengfei_operator")
    response = client.post(
        reverse("ledger:evidence_upload", args=[draft.pk]),
        {"files": [png("a.png", color=(1, 1, 1)), jpeg("b.jpg", color=(2, 2, 2))], "kind": ""},
    )
    assert response.status_code == 302
    assert Activity.objects.get(pk=draft.pk).photo_count == 2
    detail = client.get(response["Location"])
    html = detail.content.decode()
    for evidence in Evidence.objects.all():
        assert reverse("ledger:evidence_thumbnail", args=[evidence.pk]) in html
    assert "已上传2个附件。" in html


def test_a_refused_upload_shows_the_message_on_the_page(draft, client_for, evidence_root):
    client = client_for("zhengfei_operator")
    response = client.post(
        reverse("ledger:evidence_upload", args=[draft.pk]), {"files": [upload("x.jpg", HTML)]}, follow=True
    )
    assert "x.jpg" in response.content.decode()
    assert "网页" in response.content.decode()
    assert stored_files(evidence_root) == []


@pytest.mark.parametrize(
    "persona,status",
    [
        ("zhengfei_operator", 200),
        ("erqi_admin", 200),
        ("city_leader", 200),
        ("inspector1", 200),
        ("zhongyuan_admin", 404),
        ("lecturer1", 404),
        ("judge1", 404),
    ],
)
def test_a_file_is_served_only_inside_scope(persona, status, personas, draft, client_for):
    (evidence,) = attach(personas, draft, png())
    client = client_for(persona)
    response = client.get(reverse("ledger:evidence_file", args=[evidence.pk]))
    assert response.status_code == status
    assert client.get(reverse("ledger:evidence_thumbnail", args=[evidence.pk])).status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == image_bytes("PNG")
        assert "sandbox" in response["Content-Security-Policy"]


def test_anonymous_visitors_get_no_file(personas, draft, client):
    (evidence,) = attach(personas, draft, png())
    response = client.get(reverse("ledger:evidence_file", args=[evidence.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_evidence_has_no_public_url(personas, draft):
    (evidence,) = attach(personas, draft, png())
    with pytest.raises(NotImplementedError):
        evidence.file.url  # noqa: B018


def test_a_byte_range_is_served_for_players(personas, draft, client_for):
    (evidence,) = attach(personas, draft, upload("clip.mp4", MP4))
    response = client_for("zhengfei_operator").get(
        reverse("ledger:evidence_file", args=[evidence.pk]), HTTP_RANGE="bytes=4-11"
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(response.streaming_content) == MP4[4:12]


@pytest.mark.parametrize("persona,status", [("city_leader", 403), ("zhongyuan_admin", 404)])
def test_uploading_and_removing_are_for_recorders(persona, status, personas, draft, client_for):
    (evidence,) = attach(personas, draft, png())
    client = client_for(persona)
    assert client.post(
        reverse("ledger:evidence_upload", args=[draft.pk]), {"files": [png("z.png")]}
    ).status_code == (status)
    assert client.post(reverse("ledger:evidence_delete", args=[evidence.pk])).status_code == status
    assert Evidence.objects.count() == 1


def test_removing_from_the_page(personas, draft, client_for):
    (evidence,) = attach(personas, draft, png())
    response = client_for("zhengfei_operator").post(reverse("ledger:evidence_delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert Activity.objects.get(pk=draft.pk).photo_count == 0
