"""On a phone: a member scans the code and signs in by name and digits; the operator then
marks the rest of the roster, and the counts follow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD
from xuejiao.core.tests.browser import PHONE, screenshot
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind, Attendance
from xuejiao.ledger.services.signin import signin_token
from xuejiao.orgs.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting(personas, tree):
    Person.objects.create(organization=tree.zhengfei, name="王芳", phone="13600001234", sort_order=1)
    starts_at = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=10)
    return services.create_activity(
        actor=personas["zhengfei_operator"],
        organization=tree.zhengfei,
        kind=ActivityKind.THEME_DAY,
        title="“永远跟党走”主题党日",
        starts_at=starts_at,
        place="郑飞社区党群服务中心",
        expected=2,
    )


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_member_signs_in_by_phone_and_the_operator_marks_the_rest(browser, live_server, meeting):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server.url}/ledger/signin/{signin_token(meeting)}/")
        assert "“永远跟党走”主题党日" in page.inner_text("body")
        page.fill("#id_name", "张伟")
        page.fill("#id_digits", "3333")
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-signin-phone")
        page.click("form button[type=submit]")
        page.locator(".app-signin-done").wait_for()
        assert "张伟" in page.inner_text(".app-signin-done")
        screenshot(page, "ledger-signin-done-phone")
        assert Attendance.objects.get().person.name == "张伟"

        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "zhengfei_operator")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/ledger/{meeting.pk}/attendance/")
        wang = Person.objects.get(name="王芳")
        page.click(f"label[for=s-{wang.pk}-on_leave]")
        page.fill(f"input[name=reason-{wang.pk}]", "外出务工")
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-attendance-phone")
        page.click("form button[type=submit].btn-primary")
        page.wait_for_url(f"**/ledger/{meeting.pk}/#attendance")
        meeting.refresh_from_db()
        assert (meeting.expected, meeting.present, meeting.on_leave) == (2, 1, 1)
        assert "外出务工" in page.inner_text("#attendance")
        assert errors == []
    finally:
        context.close()
    assert Activity.objects.get(pk=meeting.pk).present == 1
