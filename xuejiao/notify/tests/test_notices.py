"""Who is told when the level above reviews a unit's record or document, and when."""

import pytest
from django.db import transaction
from django.urls import reverse

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns import services as campaign_services
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.roles import Role
from xuejiao.ledger import services as ledger_services
from xuejiao.notify.models import Notice, NoticeKind
from xuejiao.notify.services import notify, recorders_of

pytestmark = pytest.mark.django_db


def told(kind) -> list[str]:
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_the_recorders_of_a_unit_are_its_own_and_the_operators_above_it(personas, tree, linshan_operator):
    # 郑飞社区: its own operator, and the street's operator over its subtree; not the district
    # and city offices that review it, nor anyone elsewhere.
    names = sorted(recorders_of(tree.zhengfei).values_list("username", flat=True))
    assert names == ["street_operator", "zhengfei_operator"]
    assert sorted(recorders_of(tree.erqi).values_list("username", flat=True)) == ["erqi_admin"]
    assert list(recorders_of(tree.zhongyuan_street).values_list("username", flat=True)) == [
        "linshan_operator"
    ]


def test_an_operator_above_without_the_subtree_or_inactive_is_not_a_recorder(personas, tree):
    street = User.objects.create_user("renhe_only", password="x", home_organization=tree.renhe)
    RoleAssignment.objects.create(
        user=street, role=Role.OPERATOR, organization=tree.renhe, include_subtree=False
    )
    User.objects.filter(username="street_operator").update(is_active=False)
    assert list(recorders_of(tree.zhengfei).values_list("username", flat=True)) == ["zhengfei_operator"]
    assert list(recorders_of(tree.renhe).values_list("username", flat=True)) == ["renhe_only"]


def test_a_returned_record_tells_the_units_operators_once(
    personas, submitted, linshan_operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_services.return_activity(actor=personas["erqi_admin"], activity=submitted, reason="缺少照片")
    assert told(NoticeKind.RECORD_RETURNED) == ["street_operator", "zhengfei_operator"]
    notice = Notice.objects.get(recipient=personas["zhengfei_operator"])
    assert "六月主题党日" in notice.title and notice.body == "缺少照片"
    assert notice.url == reverse("ledger:activity_detail", args=[submitted.pk])
    assert notice.organization == submitted.organization and notice.read_at is None


def test_a_verified_record_tells_the_units_operators_not_the_reviewer(
    personas, submitted, linshan_operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_services.verify_activity(actor=personas["erqi_admin"], activity=submitted)
    assert told(NoticeKind.RECORD_VERIFIED) == ["street_operator", "zhengfei_operator"]
    assert Notice.objects.count() == 2


@pytest.mark.parametrize(
    "decision, kind", [("accept", NoticeKind.DOCUMENT_ACCEPTED), ("return", NoticeKind.DOCUMENT_RETURNED)]
)
def test_a_reviewed_document_tells_the_units_operators(
    personas, document, linshan_operator, django_capture_on_commit_callbacks, decision, kind
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.review_document(
            actor=personas["erqi_admin"], document=document, decision=decision, note="请补充签字页"
        )
    assert told(kind) == ["street_operator", "zhengfei_operator"]
    assert Notice.objects.count() == 2


def test_a_notice_is_written_only_after_commit(personas, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        ledger_services.return_activity(actor=personas["erqi_admin"], activity=submitted, reason="缺少照片")
    assert Notice.objects.count() == 0 and len(waiting) == 1


def test_a_rolled_back_return_tells_no_one(personas, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ledger_services.return_activity(actor=personas["erqi_admin"], activity=submitted, reason="缺")
        raise RuntimeError("the surrounding change failed")
    assert Notice.objects.count() == 0


def test_a_refused_return_tells_no_one(personas, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises((PermissionDenied, ServiceError)):
        ledger_services.return_activity(actor=personas["zhengfei_operator"], activity=submitted, reason="缺")
    assert Notice.objects.count() == 0


def test_notify_writes_one_notice_per_recipient(personas, tree, django_capture_on_commit_callbacks):
    user = personas["zhengfei_operator"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user, user.pk, user, None],
            kind=NoticeKind.RECORD_VERIFIED,
            title="t",
            url="/",
            organization=tree.zhengfei,
        )
    assert Notice.objects.filter(recipient=user).count() == 1
