"""The operator sees the bell's count, opens the list, follows a notice and marks all read."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.notify.models import Notice, NoticeKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_operator_follows_the_bell_to_the_notices(browser, live_server, tree, personas, viewport_name):
    operator = personas["zhengfei_operator"]
    for kind, title, body in (
        (NoticeKind.RECORD_RETURNED, "台账被退回：六月主题党日", "缺少签到表照片，请补充后重新提交。"),
        (NoticeKind.DOCUMENT_ACCEPTED, "材料已通过：报送专题组织生活会情况报告", ""),
        (NoticeKind.RECORD_VERIFIED, "台账已审核：五月主题党日", ""),
    ):
        Notice.objects.create(
            recipient=operator,
            kind=kind,
            title=title,
            body=body,
            url=reverse("ledger:activities"),
            organization=tree.zhengfei,
        )
    context = browser.new_context(viewport=DESKTOP if viewport_name == "desktop" else PHONE, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "zhengfei_operator", PASSWORD)
        assert page.locator(".app-bell-count").inner_text() == "3"
        screenshot(page, f"notices-topbar-{viewport_name}")
        page.locator(".app-bell").click()
        page.wait_for_url("**/notices/")
        assert page.locator(".app-notice-unread").count() == 3
        screenshot(page, f"notices-list-{viewport_name}")
        page.locator(".app-notice", has_text="五月主题党日").click()
        page.wait_for_url("**/ledger/")
        assert page.locator(".app-bell-count").inner_text() == "2"
        page.goto(f"{live_server.url}/notices/")
        page.locator("button", has_text="全部标为已读").click()
        page.wait_for_selector("text=所有通知已标为已读。")
        assert page.locator(".app-notice-unread").count() == 0
        assert page.locator(".app-bell-count").count() == 0
        screenshot(page, f"notices-read-{viewport_name}")
        assert errors == []
    finally:
        context.close()
