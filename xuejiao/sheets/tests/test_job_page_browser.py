"""The preview says which rows were hidden in Excel: they are imported like the others. A
job whose process died shows as failed, and "Try again" checks the kept file again."""

import socket
import subprocess

import openpyxl
import pytest

from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.orgs.models import Organization
from xuejiao.sheets.models import ImportJob, JobStatus

from .helpers import header, people_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def people_file(tmp_path, hidden=(3, 5)):
    street = Organization.objects.get(name="人和路街道")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header("people"))
    for index in range(6):
        sheet.append(people_row(org=street.code, name=f"隐藏测试{index}", phone=f"1370000100{index}"))
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    path = tmp_path / "people.xlsx"
    workbook.save(path)
    return path


def upload(page, base_url, path):
    page.goto(f"{base_url}/sheets/people/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/sheets/jobs/**")


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_the_preview_names_the_hidden_rows(browser, live_server, demo, tmp_path, viewport_name):
    path = people_file(tmp_path)

    context = browser.new_context(viewport=DESKTOP if viewport_name == "desktop" else PHONE, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "erqi_admin")
        upload(page, live_server.url, path)
        note = page.locator(".alert-warning")
        assert "第3、5行在 Excel 中是隐藏的" in note.inner_text()
        assert note.is_visible()
        screenshot(page, f"sheets-hidden-rows-{viewport_name}")
    finally:
        context.close()
    assert not errors


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_a_job_whose_process_died_is_tried_again(browser, live_server, demo, tmp_path, viewport_name):
    path = people_file(tmp_path, hidden=())
    context = browser.new_context(viewport=DESKTOP if viewport_name == "desktop" else PHONE, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "erqi_admin")
        upload(page, live_server.url, path)
        finished = subprocess.Popen(["true"])
        finished.wait()
        job = ImportJob.objects.latest("pk")
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.VALIDATING, progress=40, runner=f"{socket.gethostname()}:{finished.pid}"
        )
        page.reload()
        body = page.locator("body").inner_text()
        assert "处理这个文件的进程意外中止" in body, body
        screenshot(page, f"sheets-retry-{viewport_name}")
        page.get_by_role("button", name="重试").click()
        page.wait_for_load_state()
        assert "所有行均已通过校验" in page.locator("body").inner_text()
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.READY
    finally:
        context.close()
    assert not errors
