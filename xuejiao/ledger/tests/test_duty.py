"""Separation of duties and the record awaiting review.

Nobody verifies or returns a record they created or submitted; the reviewer's role is held
on an ancestor of the record's organisation (the level above), never on the organisation
itself. A submitted record is read-only to everyone until the level above returns it or
its unit withdraws it (a draft again): on the pages, through the API and for its evidence
and attendance.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.accounts.services import create_api_token
from xuejiao.audit.models import AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Completion, DocumentStatus, RuleType
from xuejiao.campaigns.views.documents import documents_awaiting
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.roles import Role
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Evidence
from xuejiao.orgs.models import Category, Person
from xuejiao.orgs.permissions import can_review

from .helpers import pdf_bytes, png, upload

AWAITING = "等待上级审核"  # the words every refusal of a change to a submitted record uses


def office_user(username, organization, subtree=True, role=Role.CAMPAIGN_OFFICE):
    user = User.objects.create_user(
        username=username, password="x", home_organization=organization, must_change_password=False
    )
    RoleAssignment.objects.create(user=user, role=role, organization=organization, include_subtree=subtree)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_html(client, activity) -> str:
    return client.get(reverse("ledger:activity_detail", args=[activity.pk])).content.decode()


# --- who reviews ------------------------------------------------------------------------------


def test_nobody_verifies_or_returns_a_record_they_created(personas, make_activity):
    # 二七区's office records for 郑飞社区 itself (it records for its whole district) ...
    activity = make_activity("zhengfei", actor="erqi_admin", submit=True)
    with pytest.raises(PermissionDenied, match="本人"):
        services.verify_activity(actor=personas["erqi_admin"], activity=activity)
    with pytest.raises(PermissionDenied, match="本人"):
        services.return_activity(actor=personas["erqi_admin"], activity=activity, reason="照片不清晰")
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.SUBMITTED
    # ... and someone else at the level above verifies it.
    services.verify_activity(actor=personas["city_admin"], activity=activity)
    assert Activity.objects.get(pk=activity.pk).verified_by == personas["city_admin"]


def test_nobody_verifies_a_record_they_submitted(personas, tree, make_activity):
    activity = make_activity("zhengfei", actor="zhengfei_operator")
    services.submit_activity(actor=personas["erqi_admin"], activity=activity)
    assert Activity.objects.get(pk=activity.pk).submitted_by == personas["erqi_admin"]
    with pytest.raises(PermissionDenied):
        services.verify_activity(actor=personas["erqi_admin"], activity=activity)
    colleague = office_user("erqi_admin2", tree.erqi)
    services.verify_activity(actor=colleague, activity=activity)
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.VERIFIED


def test_the_reviewer_role_is_held_on_an_ancestor_not_on_the_unit_itself(tree, make_activity):
    # An office of 郑飞社区 that also sits in 人和路街道 (that organisation alone, no subtree):
    # its scope covers the record and the record's parent, yet no role of it is held on an
    # ancestor that covers the unit, so it reviews neither the community nor anything in it.
    both = office_user("zhengfei_office", tree.zhengfei)
    RoleAssignment.objects.create(
        user=both, role=Role.CAMPAIGN_OFFICE, organization=tree.renhe, include_subtree=False
    )
    activity = make_activity("zhengfei", submit=True)
    assert not can_review(both, tree.zhengfei)
    with pytest.raises(PermissionDenied):
        services.verify_activity(actor=both, activity=activity)
    # The street's office, over the whole street, does review the community.
    street = office_user("renhe_office", tree.renhe)
    assert can_review(street, tree.zhengfei)
    assert not can_review(street, tree.renhe)
    services.verify_activity(actor=street, activity=activity)


def test_verify_and_return_are_hidden_from_the_creator_and_the_submitter(personas, tree, make_activity):
    activity = make_activity("zhengfei", actor="erqi_admin", submit=True)
    html = detail_html(logged_in(personas["erqi_admin"]), activity)
    assert f"/ledger/{activity.pk}/verify/" not in html
    assert f"/ledger/{activity.pk}/return/" not in html
    html = detail_html(logged_in(personas["city_admin"]), activity)
    assert f"/ledger/{activity.pk}/verify/" in html
    assert f"/ledger/{activity.pk}/return/" in html
    # Posting anyway is refused, and nothing changes.
    response = logged_in(personas["erqi_admin"]).post(reverse("ledger:activity_verify", args=[activity.pk]))
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.SUBMITTED


def test_a_verified_record_is_not_corrected_by_who_created_it(personas, make_activity):
    activity = make_activity("zhengfei", actor="erqi_admin", submit=True)
    services.verify_activity(actor=personas["city_admin"], activity=activity)
    with pytest.raises(PermissionDenied):
        services.update_activity(actor=personas["erqi_admin"], activity=activity, reason="补登", present=19)
    assert Activity.objects.get(pk=activity.pk).present == 18


# --- a record awaiting review is read-only ------------------------------------------------------


@pytest.fixture
def submitted(personas, make_activity):
    activity = make_activity("zhengfei", actor="zhengfei_operator")
    services.add_evidence(actor=personas["zhengfei_operator"], activity=activity, files=[png()])
    return services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)


def test_the_services_refuse_every_change_to_a_record_awaiting_review(personas, submitted):
    operator = personas["zhengfei_operator"]
    with pytest.raises(ServiceError, match=AWAITING):
        services.update_activity(actor=operator, activity=submitted, title="改了")
    with pytest.raises(ServiceError, match=AWAITING):
        services.add_evidence(actor=operator, activity=submitted, files=[png("second.png", color=(1, 2, 3))])
    with pytest.raises(ServiceError, match=AWAITING):
        services.delete_evidence(actor=operator, evidence=submitted.evidence.get())
    person = Person.objects.filter(organization_id=submitted.organization_id).first()
    with pytest.raises(ServiceError, match=AWAITING):
        services.mark_attendance(actor=operator, activity=submitted, marks={person.pk: ("present", "")})
    # The level above does not edit it either: it returns it.
    with pytest.raises(ServiceError, match=AWAITING):
        services.update_activity(actor=personas["erqi_admin"], activity=submitted, title="改了")
    current = Activity.objects.get(pk=submitted.pk)
    assert (current.title, current.version, current.photo_count) == (submitted.title, submitted.version, 1)
    assert not current.attendances.exists()


def test_the_pages_refuse_changes_to_a_record_awaiting_review_with_a_message(personas, submitted):
    client = logged_in(personas["zhengfei_operator"])
    detail = reverse("ledger:activity_detail", args=[submitted.pk])
    edit = reverse("ledger:activity_edit", args=[submitted.pk])
    for response in (
        client.get(edit, follow=True),
        client.post(edit, {"title": "改了", "version": submitted.version}, follow=True),
        client.post(
            reverse("ledger:evidence_upload", args=[submitted.pk]),
            {"files": [png("second.png", color=(1, 2, 3))]},
            follow=True,
        ),
        client.post(reverse("ledger:evidence_delete", args=[submitted.evidence.get().pk]), follow=True),
        client.get(reverse("ledger:attendance", args=[submitted.pk]), follow=True),
    ):
        assert response.redirect_chain[-1][0].split("#")[0] == detail
        assert AWAITING in response.content.decode()
    current = Activity.objects.get(pk=submitted.pk)
    assert (current.title, current.version) == (submitted.title, submitted.version)
    assert Evidence.objects.filter(activity=submitted).count() == 1
    # Nor does the page offer them.
    html = detail_html(client, submitted)
    for hidden in ("edit/", "evidence/", "attendance/", "delete/"):
        assert f"/ledger/{submitted.pk}/{hidden}" not in html
    assert 'id="evidence-files"' not in html


@pytest.fixture
def call(personas):
    tokens = {}

    def make(username, method, path, body=None):
        if username not in tokens:
            tokens[username] = create_api_token(user=personas[username], name="t")[1]
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {tokens[username]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(Client(), method)(f"/api/v1{path}", **kwargs)

    return make


def test_the_api_refuses_to_patch_a_record_awaiting_review_with_409(call, submitted):
    response = call(
        "zhengfei_operator",
        "patch",
        f"/activities/{submitted.pk}",
        {"version": submitted.version, "title": "改"},
    )
    assert response.status_code == 409
    assert AWAITING in response.json()["detail"]
    assert Activity.objects.get(pk=submitted.pk).title == submitted.title


# --- withdrawing ------------------------------------------------------------------------------


def test_the_unit_withdraws_a_submitted_record_to_a_draft_with_an_audit_entry(
    personas, submitted, client_for
):
    client = client_for("zhengfei_operator")
    html = detail_html(client, submitted)
    assert f"/ledger/{submitted.pk}/withdraw/" in html
    # The level above and a reader are offered no withdrawal, and cannot.
    assert f"/ledger/{submitted.pk}/withdraw/" not in detail_html(client_for("erqi_admin"), submitted)
    url = reverse("ledger:activity_withdraw", args=[submitted.pk])
    assert client_for("city_leader").post(url).status_code == 403
    assert client_for("zhongyuan_admin").post(url).status_code == 404
    response = client.post(url, follow=True)
    assert "撤回" in response.content.decode()
    current = Activity.objects.get(pk=submitted.pk)
    assert current.status == ActivityStatus.DRAFT
    assert current.version == submitted.version + 1
    entry = AuditEntry.objects.filter(object_type="activity", object_id=str(submitted.pk)).latest("pk")
    assert entry.user == personas["zhengfei_operator"]
    assert entry.changes["status"] == ["submitted", "draft"]
    # A draft again: the unit edits it.
    services.update_activity(actor=personas["zhengfei_operator"], activity=current, title="改过的标题")
    assert Activity.objects.get(pk=submitted.pk).title == "改过的标题"


def test_only_a_record_awaiting_review_can_be_withdrawn(personas, submitted):
    services.verify_activity(actor=personas["erqi_admin"], activity=submitted)
    with pytest.raises(ServiceError):
        services.withdraw_activity(actor=personas["zhengfei_operator"], activity=submitted)
    assert Activity.objects.get(pk=submitted.pk).status == ActivityStatus.VERIFIED


def test_the_api_withdraws(call, submitted):
    assert call("city_leader", "post", f"/activities/{submitted.pk}/withdraw").status_code == 403
    assert call("zhongyuan_admin", "post", f"/activities/{submitted.pk}/withdraw").status_code == 404
    response = call("zhengfei_operator", "post", f"/activities/{submitted.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    again = call("zhengfei_operator", "post", f"/activities/{submitted.pk}/withdraw")
    assert again.status_code == 400 and again.json()["detail"]


# --- documents of required actions: the same rule ----------------------------------------------


def test_documents_of_required_actions_are_reviewed_by_the_same_rule(personas, tree, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    today = timezone.localdate()
    campaign = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=60),
    )
    report = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="报送专题组织生活会情况报告",
        categories=[Category.COMMUNITY],
        rule_type=RuleType.DOCUMENT,
        due_date=today + timedelta(days=30),
    )
    # 二七区's office hands in 郑飞社区's report itself: it does not accept it.
    document = campaign_services.submit_document(
        actor=personas["erqi_admin"],
        action=report,
        organization=tree.zhengfei,
        file=upload("报告.pdf", pdf_bytes()),
    )
    with pytest.raises(PermissionDenied):
        campaign_services.review_document(actor=personas["erqi_admin"], document=document, decision="accept")
    both = office_user("zhengfei_office", tree.zhengfei)
    RoleAssignment.objects.create(
        user=both, role=Role.CAMPAIGN_OFFICE, organization=tree.renhe, include_subtree=False
    )
    assert documents_awaiting(both, campaign) == 0
    with pytest.raises(PermissionDenied):
        campaign_services.review_document(actor=both, document=document, decision="accept")
    street = office_user("renhe_office", tree.renhe)
    assert documents_awaiting(street, campaign) == 1
    campaign_services.review_document(actor=street, document=document, decision="accept")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED


def test_a_withdrawn_record_stops_counting_until_submitted_again(personas, tree, make_activity, campaign):
    action = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="开展主题党日",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        due_date=campaign.ends_on,
    )
    operator = personas["zhengfei_operator"]
    activity = make_activity("zhengfei", actor="zhengfei_operator", campaign=campaign, submit=True)

    def done():
        return Completion.objects.get(action=action, organization=tree.zhengfei).done

    assert done()
    services.withdraw_activity(actor=operator, activity=activity)
    assert not done()
    services.submit_activity(actor=operator, activity=activity)
    assert done()
