"""Documents for document-rule actions: handing in from the checklist, review by the level
above, the list of documents to review, the scoped file, and the completion they drive.

The tree (conftest.py): 郑州市委 > 二七区 > 人和路街道 > 郑飞社区, and 中原区 beside 二七区.
The action applies to communities and districts, so 郑飞社区 (reviewed by 二七区's office,
the level above 人和路街道 and 郑飞社区) and 二七区 itself (reviewed by the city) hand in.
"""

import io
import zipfile
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.campaigns import services
from xuejiao.campaigns.models import (
    ActionDocument,
    Completion,
    CompletionRollup,
    DocumentStatus,
    RuleType,
)
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.ledger.models import evidence_storage
from xuejiao.ledger.tests.helpers import image_bytes, pdf_bytes
from xuejiao.orgs.models import Category

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Every test stores its files in its own folder, away from MEDIA_ROOT."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.EVIDENCE_ROOT


@contextmanager
def refused(match: str):
    """A ServiceError whose English message matches (pages may have switched to Chinese)."""
    with translation.override("en"), pytest.raises(ServiceError, match=match):
        yield


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def pdf(name="学习情况报告.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


def docx_bytes(entries=("[Content_Types].xml", "word/document.xml")) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            archive.writestr(entry, "<?xml version='1.0'?><w:document/>")
    return out.getvalue()


@pytest.fixture
def campaign(personas, tree):
    today = timezone.localdate()
    return services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
    )


@pytest.fixture
def report(personas, campaign):
    """Communities and districts hand in a report, due in a month."""
    return services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="报送专题组织生活会情况报告",
        categories=[Category.COMMUNITY, Category.DISTRICT],
        rule_type=RuleType.DOCUMENT,
        due_date=timezone.localdate() + timedelta(days=30),
    )


@pytest.fixture
def past_due(personas, campaign):
    """Communities should have handed in a plan ten days ago."""
    return services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="报送学习计划",
        categories=[Category.COMMUNITY],
        rule_type=RuleType.DOCUMENT,
        due_date=timezone.localdate() - timedelta(days=10),
    )


def submit(personas, action, org, user="zhengfei_operator", upload=None, **extra):
    return services.submit_document(
        actor=personas[user], action=action, organization=org, file=upload or pdf(), **extra
    )


def submit_url(campaign, action, org):
    return reverse("campaigns:document_submit", args=[campaign.pk, action.pk, org.pk])


def review_url(document):
    return reverse("campaigns:document_review", args=[document.action.campaign_id, document.pk])


def file_url(document):
    return reverse("campaigns:document_file", args=[document.action.campaign_id, document.pk])


def cell(action, org) -> Completion:
    return Completion.objects.get(action=action, organization=org)


def district_done(action, district, category=Category.COMMUNITY) -> int:
    rollup = CompletionRollup.objects.filter(action=action, organization=district, category=category).first()
    return rollup.done if rollup else 0


# --- handing in ------------------------------------------------------------------------


def test_a_recorder_hands_in_a_pdf_from_the_checklist(client_for, tree, campaign, report, evidence_root):
    response = client_for("zhengfei_operator").post(
        submit_url(campaign, report, tree.zhengfei), {"file": pdf(), "title": "郑飞社区组织生活会报告"}
    )
    assert response.status_code == 302
    assert response.url == reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk]) + (
        f"#action-{report.pk}"
    )
    document = ActionDocument.objects.get()
    assert document.organization == tree.zhengfei
    assert document.org_path == tree.zhengfei.path
    assert document.status == DocumentStatus.SUBMITTED
    assert document.title == "郑飞社区组织生活会报告"
    assert document.original_name == "学习情况报告.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(pdf_bytes())
    # Stored privately under EVIDENCE_ROOT with a random name, never in MEDIA_ROOT.
    assert document.file.name.startswith(f"documents/{timezone.now():%Y/%m}/{report.pk}/")
    assert document.file.name.endswith(".pdf")
    assert stored_files(evidence_root) == [evidence_root / document.file.name]
    assert document.file.storage is evidence_storage
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - no public URL
    entry = AuditEntry.objects.filter(object_type="actiondocument", object_id=str(document.pk)).get()
    assert entry.action == AuditAction.CREATE
    assert entry.organization == tree.zhengfei
    # Handed in, not yet accepted: the action is not done.
    assert not cell(report, tree.zhengfei).done


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("zhengfei_operator", 302),  # the unit's own recorder
        ("street_operator", 302),  # a recorder whose scope covers the unit
        ("erqi_admin", 302),  # the campaign office above also records
        ("city_leader", 403),  # sees the unit, records nothing
        ("inspector1", 403),  # sees 二七区, records nothing
        ("zhongyuan_admin", 404),  # outside scope
        ("lecturer1", 404),  # 人和路街道 only, not its subtree
    ],
)
def test_who_may_hand_in(client_for, tree, campaign, report, evidence_root, user, expected):
    response = client_for(user).post(submit_url(campaign, report, tree.zhengfei), {"file": pdf()})
    assert response.status_code == expected
    assert ActionDocument.objects.count() == (1 if expected == 302 else 0)
    if expected != 302:
        assert stored_files(evidence_root) == []


def test_a_reader_is_refused_before_the_file_is_looked_at(personas, tree, report):
    with pytest.raises(PermissionDenied):
        submit(personas, report, tree.zhengfei, user="city_leader", upload=SimpleUploadedFile("x.pdf", b""))


def test_html_renamed_pdf_is_refused_and_nothing_is_stored(client_for, tree, campaign, report, evidence_root):
    page = SimpleUploadedFile(
        "报告.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf"
    )
    response = client_for("zhengfei_operator").post(
        submit_url(campaign, report, tree.zhengfei), {"file": page}
    )
    assert response.status_code == 302
    assert ActionDocument.objects.count() == 0
    assert stored_files(evidence_root) == []
    assert not AuditEntry.objects.filter(object_type="actiondocument").exists()
    with refused("web page"):
        services.prepare_document(SimpleUploadedFile("报告.pdf", b"<html><body>hi</body></html>"))


def test_the_refusal_is_shown_on_the_checklist(client_for, tree, campaign, report):
    client = client_for("zhengfei_operator")
    page = SimpleUploadedFile("报告.pdf", b"<html><body>hi</body></html>")
    response = client.post(submit_url(campaign, report, tree.zhengfei), {"file": page}, follow=True)
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    assert "报告.pdf" in str(message)
    assert str(message) in response.content.decode()
    assert ActionDocument.objects.count() == 0


def test_word_docx_and_pictures_are_accepted_by_their_content(
    personas, tree, report, past_due, evidence_root
):
    document = submit(personas, report, tree.zhengfei, upload=SimpleUploadedFile("报告.docx", docx_bytes()))
    assert document.content_type == DOCX_TYPE
    assert document.file.name.endswith(".docx")
    picture = submit(
        personas, past_due, tree.zhengfei, upload=SimpleUploadedFile("签到表.jpg", image_bytes("PNG"))
    )
    assert picture.content_type == "image/png"  # what the bytes are, not what the name says


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.docx", docx_bytes(entries=("[Content_Types].xml", "xl/workbook.xml")), "other than Word"),
        ("报告.docx", docx_bytes(entries=("word/document.xml", "word/vbaProject.bin")), "macros"),
        ("报告.docx", b"PK\x03\x04not really a zip at all", "other than Word"),
        ("报告.pdf", b"MZ\x90\x00" + b"\x00" * 60, "not a file type we accept|program"),
        ("报告.pdf", b"", "empty"),
    ],
)
def test_other_content_is_refused(personas, tree, report, evidence_root, name, content, message):
    with refused(message):
        submit(personas, report, tree.zhengfei, upload=SimpleUploadedFile(name, content))
    assert ActionDocument.objects.count() == 0
    assert stored_files(evidence_root) == []


def test_documents_have_a_size_cap(settings, personas, tree, report, evidence_root):
    settings.EVIDENCE_MAX_PDF_BYTES = 100
    with refused("at most"):
        submit(personas, report, tree.zhengfei)
    with refused("at most"):
        submit(personas, report, tree.zhengfei, upload=SimpleUploadedFile("报告.docx", docx_bytes()))
    assert stored_files(evidence_root) == []


def test_one_document_at_a_time_and_none_after_acceptance(personas, tree, report):
    first = submit(personas, report, tree.zhengfei)
    with refused("awaiting review"):
        submit(personas, report, tree.zhengfei)
    services.review_document(actor=personas["erqi_admin"], document=first, decision="accept")
    with refused("already been accepted"):
        submit(personas, report, tree.zhengfei)


def test_only_where_the_action_applies(personas, tree, report, campaign):
    with refused("does not apply"):
        submit(personas, report, tree.renhe, user="street_operator")  # a street
    lecture = services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="讲好专题党课",
        categories=[Category.COMMUNITY],
        activity_kinds=["party_lecture"],
        due_date=report.due_date,
    )
    with refused("not by a document"):
        submit(personas, lecture, tree.zhengfei)


def test_a_record_count_action_has_no_hand_in_page(client_for, personas, tree, campaign, report):
    lecture = services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="讲好专题党课",
        categories=[Category.COMMUNITY],
        activity_kinds=["party_lecture"],
        due_date=report.due_date,
    )
    response = client_for("zhengfei_operator").post(
        submit_url(campaign, lecture, tree.zhengfei), {"file": pdf()}
    )
    assert response.status_code == 404


# --- review by the level above ----------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("erqi_admin", 302),  # the level above 人和路街道 and 郑飞社区
        ("city_admin", 302),
        ("zhengfei_operator", 403),  # the unit itself
        ("street_operator", 403),  # records, does not review
        ("city_leader", 403),
        ("zhongyuan_admin", 404),
        ("lecturer1", 404),
    ],
)
def test_who_may_review_a_community_document(client_for, personas, tree, report, user, expected):
    document = submit(personas, report, tree.zhengfei)
    response = client_for(user).post(review_url(document), {"decision": "accept"})
    assert response.status_code == expected
    document.refresh_from_db()
    assert document.status == (DocumentStatus.ACCEPTED if expected == 302 else DocumentStatus.SUBMITTED)


def test_a_unit_cannot_accept_its_own_document(client_for, personas, tree, report):
    """二七区's office hands in 二七区's report; only the city accepts it."""
    document = submit(personas, report, tree.erqi, user="erqi_admin")
    assert client_for("erqi_admin").post(review_url(document), {"decision": "accept"}).status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED
    assert not cell(report, tree.erqi).done
    with pytest.raises(PermissionDenied):
        services.review_document(actor=personas["erqi_admin"], document=document, decision="accept")
    assert client_for("city_admin").post(review_url(document), {"decision": "accept"}).status_code == 302
    assert cell(report, tree.erqi).done


def test_accepting_completes_the_action_and_moves_the_district_roll_up(client_for, personas, tree, report):
    document = submit(personas, report, tree.zhengfei)
    assert not cell(report, tree.zhengfei).done
    assert district_done(report, tree.erqi) == 0
    assert district_done(report, tree.city) == 0
    response = client_for("erqi_admin").post(review_url(document), {"decision": "accept", "note": "内容完整"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert document.reviewed_by == personas["erqi_admin"]
    assert document.reviewed_at is not None
    assert document.review_note == "内容完整"
    done = cell(report, tree.zhengfei)
    assert done.done and done.count == 1
    assert done.done_at == document.submitted_at
    assert district_done(report, tree.erqi) == 1
    assert district_done(report, tree.city) == 1
    assert district_done(report, tree.zhongyuan) == 0
    entry = AuditEntry.objects.filter(object_type="actiondocument", action=AuditAction.UPDATE).get()
    assert entry.user == personas["erqi_admin"]
    assert entry.changes["status"] == ["submitted", "accepted"]
    # The checklist says so.
    page = client_for("zhengfei_operator").get(
        reverse("campaigns:checklist", args=[report.campaign_id, tree.zhengfei.pk])
    )
    body = page.content.decode()
    assert "app-status-done" in body
    assert 'name="file"' not in body  # nothing more to hand in


def test_a_document_awaiting_review_says_so_wherever_the_unit_is_listed(client_for, personas, tree, past_due):
    """Handed in, not reviewed yet: the next step is the level above's, even past the due date."""
    client = client_for("erqi_admin")
    pages = {
        "checklist": reverse("campaigns:checklist", args=[past_due.campaign_id, tree.zhengfei.pk]),
        "matrix": reverse("campaigns:progress", args=[past_due.campaign_id]) + f"?org={tree.zhengfei.pk}",
        "not done": reverse("campaigns:not_done", args=[past_due.campaign_id, past_due.pk]),
    }

    def badges(url) -> tuple[int, int]:
        body = client.get(url).content.decode()
        return body.count("app-status-overdue"), body.count("app-status-awaiting_review")

    before = {name: badges(url) for name, url in pages.items()}
    submit(personas, past_due, tree.zhengfei)
    for name, url in pages.items():
        overdue, awaiting = before[name]
        assert overdue >= 1, name
        assert badges(url) == (overdue - 1, awaiting + 1), name
    assert "待审核" in client.get(pages["checklist"]).content.decode()


def test_returning_needs_a_note_and_the_unit_hands_in_again(client_for, personas, tree, campaign, report):
    document = submit(personas, report, tree.zhengfei)
    reviewer = client_for("erqi_admin")
    reviewer.post(review_url(document), {"decision": "return", "note": "  "})
    document.refresh_from_db()
    assert document.status == DocumentStatus.SUBMITTED  # no note, not returned
    response = reviewer.post(
        review_url(document), {"decision": "return", "note": "缺少会议记录，请补充后重新报送"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.RETURNED
    assert document.review_note == "缺少会议记录，请补充后重新报送"
    assert not cell(report, tree.zhengfei).done
    assert district_done(report, tree.erqi) == 0
    # Reviewed once: it cannot be accepted afterwards.
    with refused("already been reviewed"):
        services.review_document(actor=personas["erqi_admin"], document=document, decision="accept")

    unit = client_for("zhengfei_operator")
    checklist = unit.get(
        reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk])
    ).content.decode()
    assert "缺少会议记录，请补充后重新报送" in checklist
    assert submit_url(campaign, report, tree.zhengfei) in checklist  # the form is back
    assert (
        unit.post(submit_url(campaign, report, tree.zhengfei), {"file": pdf("第二稿.pdf")}).status_code == 302
    )
    again = ActionDocument.objects.get(status=DocumentStatus.SUBMITTED)
    assert again.pk != document.pk
    services.review_document(actor=personas["erqi_admin"], document=again, decision="accept")
    assert cell(report, tree.zhengfei).done
    assert district_done(report, tree.erqi) == 1


def test_a_document_handed_in_after_the_due_date_does_not_count(
    client_for, personas, tree, campaign, past_due
):
    document = submit(personas, past_due, tree.zhengfei)
    assert services.is_late(document)
    services.review_document(actor=personas["erqi_admin"], document=document, decision="accept")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    assert not cell(past_due, tree.zhengfei).done
    assert district_done(past_due, tree.erqi) == 0
    page = client_for("zhengfei_operator").get(
        reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk])
    )
    assert "app-status-overdue" in page.content.decode()


def test_a_document_handed_in_on_time_counts_even_if_accepted_later(personas, tree, past_due):
    document = submit(personas, past_due, tree.zhengfei)
    # Handed in the day before the due date, accepted today.
    ActionDocument.objects.filter(pk=document.pk).update(submitted_at=timezone.now() - timedelta(days=11))
    document.refresh_from_db()
    assert not services.is_late(document)
    services.review_document(actor=personas["erqi_admin"], document=document, decision="accept")
    assert cell(past_due, tree.zhengfei).done


def test_review_decisions_are_checked(personas, tree, report):
    document = submit(personas, report, tree.zhengfei)
    with refused("accept or return"):
        services.review_document(actor=personas["erqi_admin"], document=document, decision="maybe")


# --- withdrawing ------------------------------------------------------------------------


def test_the_unit_withdraws_a_document_awaiting_review(
    client_for, personas, tree, report, evidence_root, django_capture_on_commit_callbacks
):
    document = submit(personas, report, tree.zhengfei)
    url = reverse("campaigns:document_withdraw", args=[report.campaign_id, document.pk])
    assert client_for("city_leader").post(url).status_code == 403
    assert client_for("zhongyuan_admin").post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for("zhengfei_operator").post(url).status_code == 302
    assert not ActionDocument.objects.exists()
    assert stored_files(evidence_root) == []
    assert AuditEntry.objects.filter(object_type="actiondocument", action=AuditAction.DELETE).exists()
    # Reviewed documents stay.
    kept = submit(personas, report, tree.zhengfei)
    services.review_document(actor=personas["erqi_admin"], document=kept, decision="return", note="重写")
    with refused("awaiting review"):
        services.withdraw_document(actor=personas["zhengfei_operator"], document=kept)


# --- the file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("zhengfei_operator", 200),
        ("street_operator", 200),
        ("erqi_admin", 200),
        ("city_leader", 200),
        ("inspector1", 200),
        ("zhongyuan_admin", 404),
        ("lecturer1", 404),
    ],
)
def test_the_file_is_served_only_inside_scope(client_for, personas, tree, report, user, expected):
    document = submit(personas, report, tree.zhengfei)
    response = client_for(user).get(file_url(document))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_word_files_are_always_downloaded(client_for, personas, tree, report):
    document = submit(personas, report, tree.zhengfei, upload=SimpleUploadedFile("报告.docx", docx_bytes()))
    response = client_for("erqi_admin").get(file_url(document))
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment")


def test_a_document_is_not_found_through_another_campaign(client_for, personas, tree, report):
    document = submit(personas, report, tree.zhengfei)
    today = timezone.localdate()
    other = services.create_campaign(
        actor=personas["city_admin"], root=tree.city, name="主题教育", starts_on=today, ends_on=today
    )
    url = reverse("campaigns:document_file", args=[other.pk, document.pk])
    assert client_for("city_admin").get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, personas, tree, report):
    document = submit(personas, report, tree.zhengfei)
    response = client.get(file_url(document))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_moved_unit_takes_its_documents_scope_along(client_for, personas, tree, report):
    from xuejiao.orgs.services import move_organization

    document = submit(personas, report, tree.zhengfei)
    move_organization(
        actor=personas["city_admin"], organization=tree.zhengfei, new_parent=tree.zhongyuan_street
    )
    document.refresh_from_db()
    tree.zhengfei.refresh_from_db()
    assert document.org_path == tree.zhengfei.path
    assert client_for("zhongyuan_admin").get(file_url(document)).status_code == 200
    assert client_for("erqi_admin").get(file_url(document)).status_code == 404


# --- the checklist and the list to review ----------------------------------------------


def test_the_checklist_shows_the_form_to_recorders_and_the_buttons_to_the_level_above(
    client_for, personas, tree, campaign, report
):
    url = reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk])
    recorder = client_for("zhengfei_operator").get(url).content.decode()
    assert submit_url(campaign, report, tree.zhengfei) in recorder
    assert 'enctype="multipart/form-data"' in recorder
    reader = client_for("city_leader").get(url).content.decode()
    assert submit_url(campaign, report, tree.zhengfei) not in reader

    document = submit(personas, report, tree.zhengfei)
    recorder = client_for("zhengfei_operator").get(url).content.decode()
    assert document.title in recorder
    assert file_url(document) in recorder
    assert submit_url(campaign, report, tree.zhengfei) not in recorder  # one at a time
    assert review_url(document) not in recorder
    assert reverse("campaigns:document_withdraw", args=[campaign.pk, document.pk]) in recorder
    reviewer = client_for("erqi_admin").get(url).content.decode()
    assert review_url(document) in reviewer
    assert 'value="accept"' in reviewer and 'value="return"' in reviewer
    reader = client_for("city_leader").get(url).content.decode()
    assert file_url(document) in reader
    assert review_url(document) not in reader


def test_the_list_to_review_is_scoped_filtered_and_paginated(
    client_for, personas, tree, campaign, report, past_due, settings
):
    community = submit(personas, report, tree.zhengfei)
    district = submit(personas, report, tree.erqi, user="erqi_admin")
    plan = submit(personas, past_due, tree.zhengfei)
    url = reverse("campaigns:documents", args=[campaign.pk])

    erqi = client_for("erqi_admin").get(url)
    assert erqi.status_code == 200
    body = erqi.content.decode()
    for document in (community, district, plan):
        assert file_url(document) in body
    assert review_url(community) in body and review_url(plan) in body
    assert review_url(district) not in body  # 二七区's own: for the city
    mine = client_for("erqi_admin").get(url, {"mine": "1"}).content.decode()
    assert file_url(district) not in mine and file_url(community) in mine

    city = client_for("city_admin").get(url).content.decode()
    assert review_url(district) in city

    zhongyuan = client_for("zhongyuan_admin").get(url)
    assert zhongyuan.status_code == 200
    assert "郑飞社区" not in zhongyuan.content.decode()
    judge = client_for("judge1").get(url)  # sees the city's campaign, and only the city itself
    assert judge.status_code == 200
    assert judge.context["page_obj"].paginator.count == 0

    only_plan = client_for("erqi_admin").get(url, {"action": past_due.pk}).content.decode()
    assert file_url(plan) in only_plan and file_url(community) not in only_plan
    assert client_for("erqi_admin").get(url, {"action": 999999}).status_code == 404
    below_renhe = client_for("erqi_admin").get(url, {"org": tree.renhe.pk}).content.decode()
    assert file_url(community) in below_renhe and file_url(district) not in below_renhe
    assert client_for("erqi_admin").get(url, {"org": tree.zhongyuan.pk}).status_code == 404

    services.review_document(actor=personas["erqi_admin"], document=community, decision="accept")
    waiting = client_for("erqi_admin").get(url).content.decode()
    assert file_url(community) not in waiting  # the default shows what awaits review
    accepted = client_for("erqi_admin").get(url, {"status": "accepted"}).content.decode()
    assert file_url(community) in accepted and file_url(plan) not in accepted
    everything = client_for("erqi_admin").get(url, {"status": ""}).content.decode()
    assert all(file_url(d) in everything for d in (community, district, plan))

    settings.PAGE_SIZE = 1
    first = client_for("erqi_admin").get(url, {"status": ""})
    assert len(first.context["page_obj"].object_list) == 1
    assert first.context["page_obj"].has_next()
    second = client_for("erqi_admin").get(url, {"status": "", "page": 2})
    assert second.context["page_obj"].object_list[0] != first.context["page_obj"].object_list[0]


def test_reviewing_from_the_list_returns_to_it(client_for, personas, tree, campaign, report):
    document = submit(personas, report, tree.zhengfei)
    back = reverse("campaigns:documents", args=[campaign.pk]) + "?mine=1"
    response = client_for("erqi_admin").post(review_url(document), {"decision": "accept", "next": back})
    assert response.url == back
    other = submit(personas, report, tree.erqi, user="erqi_admin")
    response = client_for("city_admin").post(
        review_url(other), {"decision": "accept", "next": "https://evil.example/"}
    )
    assert response.url.startswith(reverse("campaigns:checklist", args=[campaign.pk, tree.erqi.pk]))


def test_the_progress_page_links_to_the_documents_awaiting_review(
    client_for, personas, tree, campaign, report
):
    url = reverse("campaigns:progress", args=[campaign.pk])
    documents = reverse("campaigns:documents", args=[campaign.pk])
    assert documents in client_for("erqi_admin").get(url).content.decode()
    submit(personas, report, tree.zhengfei)
    response = client_for("erqi_admin").get(url)
    assert response.context["documents_awaiting"] == 1
    assert f"{documents}?mine=1" in response.content.decode()
    assert client_for("zhongyuan_admin").get(url).context["documents_awaiting"] == 0
    assert client_for("zhengfei_operator").get(url).context["documents_awaiting"] == 0


def test_no_link_when_the_campaign_asks_for_no_documents(client_for, campaign):
    response = client_for("city_admin").get(reverse("campaigns:progress", args=[campaign.pk]))
    assert response.context["documents_awaiting"] is None
    assert reverse("campaigns:documents", args=[campaign.pk]) not in response.content.decode()


# --- in a real browser --------------------------------------------------------------------

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_checklist_with_documents_in_the_browser(
    browser, live_server, personas, tree, campaign, report, past_due, tmp_path, viewport_name
):
    """二七区's office on 郑飞社区's checklist: one report awaiting its review, one plan
    returned with a note and handed in again from the page; then the report accepted."""
    from conftest import PASSWORD
    from xuejiao.core.tests.browser import screenshot

    pending = submit(personas, report, tree.zhengfei, title="郑飞社区专题组织生活会情况报告")
    returned = submit(personas, past_due, tree.zhengfei, title="郑飞社区党史学习教育学习计划")
    services.review_document(
        actor=personas["erqi_admin"],
        document=returned,
        decision="return",
        note="缺少学习时间安排和责任人，请补充后重新报送。",
    )
    second_draft = tmp_path / "学习计划（修改稿）.pdf"
    second_draft.write_bytes(pdf_bytes())

    context = browser.new_context(viewport=VIEWPORTS[viewport_name], locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    checklist = f"{base}{reverse('campaigns:checklist', args=[campaign.pk, tree.zhengfei.pk])}"
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "erqi_admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(checklist)
        plan = page.locator(f"#action-{past_due.pk}")
        assert "缺少学习时间安排和责任人" in plan.inner_text()
        assert plan.locator("input[type=file]").count() == 1
        assert page.locator(f"#action-{report.pk} .app-document-review").count() == 1
        assert page.locator(f"#action-{report.pk} .app-status-awaiting_review").inner_text() == "待审核"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"campaign-checklist-documents-{viewport_name}")

        # Hand in the second draft of the plan from the page.
        plan.locator("input[type=file]").set_input_files(str(second_draft))
        plan.locator("input[name=title]").fill("郑飞社区学习计划（修改稿）")
        plan.locator(".app-document-upload button[type=submit]").click()
        page.wait_for_url(f"**#action-{past_due.pk}")
        plan = page.locator(f"#action-{past_due.pk}")
        assert "郑飞社区学习计划（修改稿）" in plan.inner_text()
        assert plan.locator("input[type=file]").count() == 0

        # Accept the report: the action is done.
        item = page.locator(f"#action-{report.pk}")
        item.locator("textarea[name=note]").fill("材料齐全，同意。")
        item.locator("button[value=accept]").click()
        page.wait_for_url(f"**#action-{report.pk}")
        assert page.locator(f"#action-{report.pk} .app-status-done").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"campaign-checklist-documents-reviewed-{viewport_name}")

        page.goto(f"{base}{reverse('campaigns:documents', args=[campaign.pk])}")
        assert page.locator(".app-document").count() == 1  # the second draft awaits review
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, f"campaign-documents-to-review-{viewport_name}")
        assert errors == []
    finally:
        context.close()
    assert ActionDocument.objects.get(pk=pending.pk).status == DocumentStatus.ACCEPTED
    assert cell(report, tree.zhengfei).done
