"""Every persona logs in, opens the tree, expands a node and searches by pinyin initials."""

import pytest

from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot

PERSONAS = [
    "city_admin",
    "city_leader",
    "erqi_admin",
    "zhongyuan_admin",
    "zhengfei_operator",
    "inspector1",
    "lecturer1",
    "judge1",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("username", PERSONAS)
def test_a_persona_browses_the_tree_and_finds_by_pinyin(browser, live_server, demo, username, viewport_name):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, username)
        screenshot(page, f"{username}-home-{viewport_name}")
        page.goto(f"{live_server.url}/orgs/")
        first_toggle = page.locator(".app-tree-toggle").first
        if first_toggle.count():
            first_toggle.click()
            page.locator(".app-tree-children .app-tree-node").first.wait_for()
            assert page.locator(".app-tree-children .app-tree-node").count() > 0
        else:
            # A unit without sub-units: the tree is the unit itself.
            assert page.locator(".app-tree-node").count() >= 1
        page.fill("#org-search", "zfsq")
        results = page.locator("#search-results")
        results.locator("text=郑飞社区").or_(results.locator("text=不在您的范围")).or_(
            results.locator(".text-secondary")
        ).first.wait_for()
        screenshot(page, f"{username}-tree-{viewport_name}")
        sees_zhengfei = username in {
            "city_admin",
            "city_leader",
            "erqi_admin",
            "zhengfei_operator",
            "inspector1",
        }
        assert (results.locator("a", has_text="郑飞社区").count() > 0) == sees_zhengfei
        assert errors == []
    finally:
        context.close()
