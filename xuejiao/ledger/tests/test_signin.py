"""QR sign-in (window, name + digits, idempotency, rate limit) and attendance marks."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from xuejiao.audit.models import AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Completion
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, Attendance, AttendanceStatus
from xuejiao.ledger.services import signin
from xuejiao.orgs.models import Person

from .helpers import at

START = at("2021-06-05", 9)


@pytest.fixture
def meeting(make_activity, tree):
    """A theme day of 郑飞社区 at 09:00, whose roster is 张伟 (13800003333) and two more."""
    Person.objects.create(organization=tree.zhengfei, name="王芳", phone="13600001234", sort_order=1)
    Person.objects.create(organization=tree.zhengfei, name="李娜", phone="", sort_order=2)
    return make_activity(
        "zhengfei", actor="zhengfei_operator", expected=3, present=0, place="郑飞社区党群服务中心"
    )


def signin_url(activity):
    return reverse("ledger:signin", args=[signin.signin_token(activity)])


def counts(activity):
    activity.refresh_from_db()
    return (activity.expected, activity.present, activity.on_leave, activity.absent)


# --- the window ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offset,opens",
    [
        (timedelta(minutes=-31), False),
        (timedelta(minutes=-29), True),
        (timedelta(0), True),
        (timedelta(minutes=29), True),
        (timedelta(minutes=31), False),
    ],
)
def test_sign_in_is_open_from_30_minutes_before_to_30_minutes_after_the_start(meeting, offset, opens):
    with time_machine.travel(START + offset, tick=False):
        if opens:
            result = services.sign_in(activity=meeting, name="张伟", digits="3333")
            assert result.person.name == "张伟"
        else:
            with pytest.raises(signin.SignInRefused):
                services.sign_in(activity=meeting, name="张伟", digits="3333")
            assert not Attendance.objects.exists()


def test_the_page_says_when_sign_in_opens_and_when_it_closed(meeting, client):
    url = signin_url(meeting)
    with time_machine.travel(START - timedelta(minutes=31), tick=False):
        early = client.get(url).content.decode()
        assert "签到尚未开始" in early
        assert "08:30" in early
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        late = client.post(url, {"name": "张伟", "digits": "3333"}).content.decode()
        assert "09:30" in late
    assert not Attendance.objects.exists()


# --- who signs in ------------------------------------------------------------------------------


def test_a_member_signs_in_with_name_and_digits_without_logging_in(meeting, client):
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        page = client.get(signin_url(meeting))
        assert page.status_code == 200
        assert "六月主题党日" in page.content.decode()
        response = client.post(signin_url(meeting), {"name": "王芳", "digits": "1234"})
    assert response.status_code == 200
    assert "王芳" in response.content.decode()
    attendance = Attendance.objects.get()
    assert attendance.person.name == "王芳"
    assert attendance.status == AttendanceStatus.PRESENT
    assert attendance.signed_in_at is not None
    assert counts(meeting) == (3, 1, 0, 0)
    assert AuditEntry.objects.filter(
        object_type="activity", object_id=str(meeting.pk), summary__contains="王芳"
    )


def test_wrong_digits_or_a_stranger_are_refused_without_saying_which(meeting, client):
    with time_machine.travel(START, tick=False):
        wrong_digits = client.post(signin_url(meeting), {"name": "王芳", "digits": "0000"}).content.decode()
        stranger = client.post(signin_url(meeting), {"name": "陈静", "digits": "5555"}).content.decode()
        no_phone = client.post(signin_url(meeting), {"name": "李娜", "digits": "0000"}).content.decode()
    assert not Attendance.objects.exists()
    # The same message for all three, so the page tells nothing about the roster.
    message = "姓名和号码与本单位人员名册不符"
    assert message in wrong_digits and message in stranger and message in no_phone


def test_members_of_another_unit_cannot_sign_in(meeting, client):
    # 刘洋 is on the roster of the branch below 郑飞社区, not of 郑飞社区 itself.
    with time_machine.travel(START, tick=False):
        client.post(signin_url(meeting), {"name": "刘洋", "digits": "4444"})
    assert not Attendance.objects.exists()


def test_signing_in_twice_changes_nothing(meeting, client):
    with time_machine.travel(START - timedelta(minutes=10), tick=False):
        client.post(signin_url(meeting), {"name": "张伟", "digits": "3333"})
    first = Attendance.objects.get().signed_in_at
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        again = client.post(signin_url(meeting), {"name": "张伟", "digits": "3333"})
    assert "08:50" in again.content.decode()
    assert Attendance.objects.count() == 1
    assert Attendance.objects.get().signed_in_at == first
    assert counts(meeting) == (3, 1, 0, 0)


def test_a_logged_in_member_signs_in_with_one_button(meeting, personas, tree, client_for):
    user = personas["zhengfei_operator"]
    user.person = Person.objects.get(name="张伟")
    user.save()
    client = client_for("zhengfei_operator")
    with time_machine.travel(START, tick=False):
        page = client.get(signin_url(meeting)).content.decode()
        assert 'name="me"' in page
        assert "张伟" in page
        client.post(signin_url(meeting), {"me": "1"})
    assert Attendance.objects.get().person.name == "张伟"


def test_after_ten_wrong_tries_even_the_right_digits_are_refused_for_a_while(meeting, client):
    url = signin_url(meeting)
    with time_machine.travel(START, tick=False):
        for attempt in range(10):
            client.post(url, {"name": "王芳", "digits": f"{attempt:04d}"})
        blocked = client.post(url, {"name": "王芳", "digits": "1234"})
    assert blocked.status_code == 429
    assert not Attendance.objects.exists()
    # Another address is not blocked.
    with time_machine.travel(START, tick=False):
        other = client.post(url, {"name": "王芳", "digits": "1234"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert Attendance.objects.count() == 1


def test_a_tampered_or_guessed_token_is_404(meeting, client):
    token = signin.signin_token(meeting)
    other_id = str(meeting.pk + 1) + token[token.index(":") :]
    assert client.get(reverse("ledger:signin", args=[other_id])).status_code == 404
    assert client.get(reverse("ledger:signin", args=[str(meeting.pk)])).status_code == 404


def test_a_verified_record_takes_no_more_sign_ins(meeting, personas):
    services.submit_activity(actor=personas["zhengfei_operator"], activity=meeting)
    services.verify_activity(actor=personas["erqi_admin"], activity=meeting)
    with time_machine.travel(START, tick=False), pytest.raises(signin.SignInRefused):
        services.sign_in(activity=Activity.objects.get(pk=meeting.pk), name="张伟", digits="3333")


def test_sign_ins_move_completion_when_an_action_asks_for_attendance(personas, tree, make_activity, campaign):
    from datetime import date

    from xuejiao.ledger.models import ActivityKind
    from xuejiao.orgs.models import Category

    action = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="主题党日参学率不低于50%",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        min_attendance_rate=50,
        due_date=date(2021, 6, 30),
    )
    activity = make_activity("zhengfei", campaign=campaign, submit=True, expected=2, present=0)
    Person.objects.create(organization=tree.zhengfei, name="王芳", phone="13600001234")
    cell = Completion.objects.get(action=action, organization=tree.zhengfei)
    assert not cell.done
    with time_machine.travel(START, tick=False):
        services.sign_in(activity=activity, name="张伟", digits="3333")
    cell.refresh_from_db()
    assert cell.done


# --- the QR page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,status",
    [
        ("zhengfei_operator", 200),
        ("street_operator", 200),
        ("erqi_admin", 200),
        ("city_leader", 403),
        ("inspector1", 403),
        ("zhongyuan_admin", 404),
        ("judge1", 404),
    ],
)
def test_the_qr_page_is_for_recorders_and_reviewers(persona, status, meeting, client_for):
    response = client_for(persona).get(reverse("ledger:qr", args=[meeting.pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "<svg" in html
        assert signin.signin_token(meeting) in html
        assert "六月主题党日" in html and "郑飞社区党群服务中心" in html
        assert "08:30" in html and "09:30" in html


# --- attendance marks --------------------------------------------------------------------------


def test_marks_from_the_roster_fill_the_counts(meeting, personas, client_for):
    people = {p.name: p for p in Person.objects.filter(organization=meeting.organization)}
    client = client_for("zhengfei_operator")
    url = reverse("ledger:attendance", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "王芳" in page.content.decode()
    response = client.post(
        url,
        {
            f"status-{people['张伟'].pk}": "present",
            f"status-{people['王芳'].pk}": "on_leave",
            f"reason-{people['王芳'].pk}": "外出务工",
            f"status-{people['李娜'].pk}": "absent",
        },
    )
    assert response.status_code == 302
    assert counts(meeting) == (3, 1, 1, 1)
    assert Attendance.objects.get(person=people["王芳"]).reason == "外出务工"
    # Clearing a mark lowers the counts; the edit form no longer asks for them.
    client.post(url, {f"status-{people['张伟'].pk}": "present", f"status-{people['王芳'].pk}": "on_leave"})
    assert counts(meeting) == (3, 1, 1, 0)
    form = client.get(reverse("ledger:activity_edit", args=[meeting.pk])).context["form"]
    assert "present" not in form.fields


def test_marks_raise_expected_when_more_people_are_marked(meeting, personas):
    meeting.expected = 1
    meeting.save()
    marks = {p.pk: ("present", "") for p in Person.objects.filter(organization=meeting.organization)}
    services.mark_attendance(actor=personas["zhengfei_operator"], activity=meeting, marks=marks)
    assert counts(meeting) == (3, 3, 0, 0)


def test_only_the_roster_can_be_marked_and_only_by_recorders(meeting, personas, tree):
    outsider = Person.objects.get(name="陈静")
    with pytest.raises(ServiceError):
        services.mark_attendance(
            actor=personas["zhengfei_operator"], activity=meeting, marks={outsider.pk: ("present", "")}
        )
    with pytest.raises(PermissionDenied):
        services.mark_attendance(actor=personas["city_leader"], activity=meeting, marks={})


@pytest.mark.parametrize(
    "persona,status", [("city_leader", 403), ("inspector1", 403), ("zhongyuan_admin", 404)]
)
def test_the_attendance_page_is_403_for_readers_and_404_outside(persona, status, meeting, client_for):
    assert client_for(persona).get(reverse("ledger:attendance", args=[meeting.pk])).status_code == status


def test_digits_match_a_phone_typed_with_dashes_or_spaces(meeting, tree):
    Person.objects.create(organization=tree.zhengfei, name="赵敏", phone="138-0000 9876")
    with time_machine.travel(START, tick=False):
        result = services.sign_in(activity=meeting, name="赵敏", digits="9876")
    assert result.person.name == "赵敏"
