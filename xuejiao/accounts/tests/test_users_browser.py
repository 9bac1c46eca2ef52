"""A district admin opens a user who also holds a role on another district: seen, not changed."""

import pytest

from conftest import PASSWORD
from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.core.roles import Role
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def straddler(tree, personas):
    user = User.objects.create_user(
        username="straddler",
        password=PASSWORD,
        display_name="王跨区",
        home_organization=tree.zhongyuan_street,
        must_change_password=False,
    )
    RoleAssignment.objects.create(
        user=user, role=Role.OPERATOR, organization=tree.zhongyuan_street, include_subtree=False
    )
    RoleAssignment.objects.create(user=user, role=Role.INSPECTOR, organization=tree.erqi)
    return user


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_district_admin_sees_the_user_marked_and_without_actions_the_city_admin_with_them(
    browser, live_server, straddler, viewport_name
):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    for username, manageable in (("zhongyuan_admin", False), ("city_admin", True)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        try:
            log_in(page, live_server.url, username, PASSWORD)
            page.goto(f"{live_server.url}/accounts/users/")
            row = page.locator("tr", has_text="straddler")
            assert (row.locator("text=由上级管理").count() == 0) == manageable
            screenshot(page, f"users-{username}-{viewport_name}")
            page.goto(f"{live_server.url}/accounts/users/{straddler.pk}/")
            notice = page.locator("text=该用户持有超出您管理范围或高于您级别的角色，由上级管理。")
            assert (notice.count() == 0) == manageable
            for button in ("停用", "撤销", "授予角色", "设置密码"):
                assert (page.locator("button", has_text=button).count() > 0) == manageable, button
            screenshot(page, f"user-detail-{username}-{viewport_name}")
            assert errors == []
        finally:
            context.close()
