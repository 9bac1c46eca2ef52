"""A date filter outside the plausible range: the ledger list says why, on a desktop and
on a phone, and keeps the other filters."""

import pytest

from conftest import PASSWORD
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_ledger_list_says_why_a_date_is_refused(browser, live_server, personas, viewport, name):
    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=viewport is PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "city_admin", PASSWORD)
        response = page.goto(f"{live_server.url}/ledger/?date_to=9999-12-31&kind=theme_day")
        assert response.status == 400
        alert = page.locator(".alert-danger")
        assert "9999-12-31 超出允许的范围（2000-01-01 至 2100-12-31）" in alert.inner_text()
        assert page.locator("#id_date_to").input_value() == "9999-12-31"
        assert page.locator("#id_kind").input_value() == "theme_day"
        screenshot(page, f"ledger-list-refused-date-{name}")
    finally:
        context.close()
