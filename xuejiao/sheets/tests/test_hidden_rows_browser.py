"""The preview says which rows were hidden in Excel: they are imported like the others."""

import openpyxl
import pytest

from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.orgs.models import Organization

from .helpers import header, people_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_preview_names_the_hidden_rows(browser, live_server, demo, tmp_path, viewport_name):
    street = Organization.objects.get(name="人和路街道")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header("people"))
    for index in range(6):
        sheet.append(people_row(org=street.code, name=f"隐藏测试{index}", phone=f"1370000100{index}"))
    for number in (3, 5):
        sheet.row_dimensions[number].hidden = True
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    context = browser.new_context(viewport=DESKTOP if viewport_name == "desktop" else PHONE, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "erqi_admin")
        page.goto(f"{live_server.url}/sheets/people/")
        page.set_input_files("input[type=file]", str(path))
        page.get_by_role("button", name="上传并校验").click()
        page.wait_for_url("**/sheets/jobs/**")
        note = page.locator(".alert-warning")
        assert "第3、5行在 Excel 中是隐藏的" in note.inner_text()
        assert note.is_visible()
        screenshot(page, f"sheets-hidden-rows-{viewport_name}")
    finally:
        context.close()
    assert not errors
