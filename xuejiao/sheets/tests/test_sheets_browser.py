"""The district office exports one street's ledger from the sheet page, then uploads the
file again: the check finds every row unchanged. A list too large for one file is refused
with the way out, and nothing is downloaded."""

import openpyxl
import pytest

from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.ledger.models import Activity
from xuejiao.orgs.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick_the_street(page):
    """By its pinyin initials, from what the district sees."""
    page.fill("#export-org", "rhl")
    page.locator(".app-picker-menu .dropdown-item", has_text="人和路街道").first.click()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_a_district_exports_a_streets_ledger_and_imports_it_again_unchanged(
    browser, live_server, demo, settings, tmp_path, viewport_name
):
    street = Organization.objects.get(name="人和路街道")
    in_street = Activity.objects.filter(org_path__startswith=street.path).count()
    in_district = Activity.objects.filter(org_path__startswith=street.path[:-4]).count()
    assert 0 < in_street < in_district
    context = browser.new_context(
        viewport=DESKTOP if viewport_name == "desktop" else PHONE, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "erqi_admin")
        page.goto(f"{live_server.url}/sheets/activities/")
        pick_the_street(page)
        screenshot(page, f"sheets-export-{viewport_name}")
        with page.expect_download() as download:
            page.get_by_role("button", name="导出Excel").click()
        exported = tmp_path / download.value.suggested_filename
        download.value.save_as(exported)
        rows = list(openpyxl.load_workbook(exported).worksheets[0].iter_rows(min_row=2, values_only=True))
        assert len(rows) == in_street

        # The same file back: checked, and every row is unchanged.
        page.goto(f"{live_server.url}/sheets/activities/")
        page.set_input_files("input[type=file]", str(exported))
        page.get_by_role("button", name="上传并校验").click()
        page.wait_for_url("**/sheets/jobs/**")
        body = page.locator("body").inner_text()
        assert f"本次导入将新增0条、修改0条，{in_street}条保持不变" in body.replace(",", ""), body
        screenshot(page, f"sheets-export-reimported-{viewport_name}")

        # More than one file may hold: refused with the way out, nothing downloaded, and the
        # street stays chosen for picking one further down.
        settings.SHEETS_EXPORT_MAX_ROWS = in_street - 1
        page.goto(f"{live_server.url}/sheets/activities/")
        pick_the_street(page)
        with page.expect_navigation():
            page.get_by_role("button", name="导出Excel").click()
        assert page.url.endswith(f"/sheets/activities/?org={street.pk}")
        alert = page.locator(".alert").first
        assert f"超过 {in_street - 1:,} 行" in alert.inner_text()
        assert page.input_value("#export-org") == "人和路街道"
        screenshot(page, f"sheets-export-too-large-{viewport_name}")
        assert errors == []
    finally:
        context.close()
