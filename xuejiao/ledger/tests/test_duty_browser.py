"""The record awaiting review on a phone and on a desktop: the unit sees only "withdraw",
the level above verifies or returns; withdrawing makes it a draft the unit edits again."""

import pytest

from conftest import PASSWORD
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityStatus

from .helpers import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def awaiting(personas, make_activity):
    activity = make_activity("zhengfei", actor="zhengfei_operator", summary="学习“七一”重要讲话，交流体会。")
    services.add_evidence(
        actor=personas["zhengfei_operator"],
        activity=activity,
        files=[png("1.png", size=(800, 600)), png("2.png", size=(800, 600), color=(30, 90, 200))],
    )
    return services.submit_activity(actor=personas["zhengfei_operator"], activity=activity)


def test_the_unit_withdraws_and_the_level_above_reviews(browser, live_server, awaiting):
    url = f"{live_server.url}/ledger/{awaiting.pk}/"
    errors = []
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for username in ("zhengfei_operator", "erqi_admin"):
            context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=name == "phone")
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            try:
                log_in(page, live_server.url, username, PASSWORD)
                page.goto(url)
                page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
                assert no_horizontal_scroll(page)
                if username == "zhengfei_operator":
                    assert page.locator("#withdraw-activity").is_visible()
                    assert page.locator(f"a[href='/ledger/{awaiting.pk}/edit/']").count() == 0
                    assert page.locator("#evidence-files").count() == 0
                    assert "等待上级审核" in page.inner_text("body")
                    screenshot(page, f"ledger-detail-awaiting-{name}")
                else:
                    assert page.locator("#review button.btn-success").is_visible()
                    assert page.locator("#withdraw-activity").count() == 0
                    screenshot(page, f"ledger-detail-review-{name}")
            finally:
                context.close()

    # The unit withdraws it on the phone: a draft again, with its edit and upload back.
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        log_in(page, live_server.url, "zhengfei_operator", PASSWORD)
        page.goto(url)
        page.click("#withdraw-activity")
        page.locator(".alert-success").wait_for()
        assert Activity.objects.get(pk=awaiting.pk).status == ActivityStatus.DRAFT
        assert page.locator("#submit-activity").is_visible()
        assert page.locator("#evidence-files").count() == 1
        screenshot(page, "ledger-detail-withdrawn-phone")
    finally:
        context.close()
    assert errors == []
