"""A hostile value posted to the organisation picker comes back as text: no script runs."""

import pytest

from conftest import PASSWORD
from xuejiao.core.tests.browser import DESKTOP, log_in

from .test_org_picker import HOSTILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hostile_posted_organisation_opens_no_dialog(browser, live_server, personas):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "city_admin", PASSWORD)
        for value in HOSTILE:
            page.goto(f"{live_server.url}/accounts/users/new/")
            # Post the form with the value in the picker's hidden field, as a forged request would.
            page.evaluate(
                """value => {
                    const form = document.querySelector('input[name=home_organization]').form;
                    form.querySelector('input[name=home_organization]').value = value;
                    form.submit();
                }""",
                value,
            )
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            assert dialogs == [], value
            assert errors == [], value
            # The picker started (Alpine bound the hidden field) with the value as plain text.
            page.wait_for_function(
                "v => document.querySelector('.app-org-picker input[type=hidden]').value === v", arg=value
            )
    finally:
        context.close()
