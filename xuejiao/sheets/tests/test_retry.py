"""A job whose process died is marked failed, and a failed job is tried again from its kept
upload, without uploading the file again. Hidden rows are imported, and the preview says so."""

import io
import socket
import subprocess

import openpyxl
import pytest
from django.db import OperationalError
from django.urls import reverse

from xuejiao.orgs.models import Person
from xuejiao.sheets.models import ImportJob, JobStatus
from xuejiao.sheets.spec import get_spec

from .helpers import check, header, people_row, xlsx

FIVE_PEOPLE = xlsx(
    [header("people"), *[people_row(name=f"人员{i}", phone=f"1381111000{i}") for i in range(5)]]
)


def dead_runner() -> str:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return f"{socket.gethostname()}:{finished.pid}"


@pytest.mark.parametrize("status", [JobStatus.VALIDATING, JobStatus.IMPORTING])
def test_a_job_whose_process_died_is_failed_and_tried_again(personas, client_for, status):
    admin = personas["city_admin"]
    job = check("people", admin, FIVE_PEOPLE)
    ImportJob.objects.filter(pk=job.pk).update(status=status, runner=dead_runner(), progress=40)

    client = client_for("city_admin")
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "进程意外中止" in job.failure and "进程意外中止" in page
    assert reverse("sheets:retry", args=[job.pk]) in page

    response = client.post(reverse("sheets:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.failure) == (JobStatus.READY, 5, "")
    client.post(reverse("sheets:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Person.objects.filter(name__startswith="人员").count() == 5
    assert ImportJob.objects.count() == 1  # nothing uploaded again


def test_a_job_at_work_in_a_live_process_is_left_alone(personas, client_for):
    import os

    job = check("people", personas["city_admin"], FIVE_PEOPLE)
    runner = f"{socket.gethostname()}:{os.getpid()}"
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.VALIDATING, runner=runner)
    client_for("city_admin").get(reverse("sheets:progress", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.VALIDATING


def test_an_import_that_failed_is_tried_again_without_uploading(personas, client_for, monkeypatch):
    admin = personas["city_admin"]
    job = check("people", admin, FIVE_PEOPLE)
    spec = get_spec("people")
    original = type(spec).apply

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(type(spec), "apply", locked)
    client = client_for("city_admin")
    client.post(reverse("sheets:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not Person.objects.filter(name__startswith="人员").exists()

    monkeypatch.setattr(type(spec), "apply", original)
    # Who sees the job (its file names only 二七区's people) may not try it again; who does not
    # see it gets nothing.
    assert client_for("erqi_admin").post(reverse("sheets:retry", args=[job.pk])).status_code == 403
    assert client_for("zhongyuan_admin").post(reverse("sheets:retry", args=[job.pk])).status_code == 404
    client.post(reverse("sheets:retry", args=[job.pk]))
    client.post(reverse("sheets:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Person.objects.filter(name__startswith="人员").count() == 5


def test_only_a_failed_job_is_tried_again(personas, client_for):
    job = check("people", personas["city_admin"], FIVE_PEOPLE)
    client = client_for("city_admin")
    response = client.post(reverse("sheets:retry", args=[job.pk]), follow=True)
    assert "只有失败的任务才能重试" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.READY


def hidden_rows_file() -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(FIVE_PEOPLE))
    sheet = workbook.active
    for number in (3, 5):
        sheet.row_dimensions[number].hidden = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_hidden_rows_are_imported_and_the_preview_says_so(personas, client_for):
    job = check("people", personas["city_admin"], hidden_rows_file())
    assert job.status == JobStatus.READY and job.created_count == 5
    assert job.notes == [
        "第3、5行在 Excel 中是隐藏的。它们和其他行一样会被检查和导入："
        "请取消隐藏查看其内容，或删除不应导入的行。"
    ]
    page = client_for("city_admin").get(job.get_absolute_url()).content.decode()
    assert "第3、5行在 Excel 中是隐藏的" in page


def test_the_list_of_imports_shows_a_dead_job_as_failed(personas, client_for):
    job = check("people", personas["city_admin"], FIVE_PEOPLE)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.IMPORTING, runner=dead_runner())
    page = client_for("city_admin").get(reverse("sheets:jobs")).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "失败" in page


def test_a_job_stuck_without_a_recorded_process_fails_after_the_set_time(personas, client_for, settings):
    """Jobs left checking before processes were recorded, or by a worker on another host."""
    import datetime as dt

    from django.utils import timezone

    job = check("people", personas["city_admin"], FIVE_PEOPLE)
    long_ago = timezone.now() - dt.timedelta(hours=7)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.VALIDATING, runner="", started_at=long_ago)
    client = client_for("city_admin")
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED

    other = check("people", personas["city_admin"], FIVE_PEOPLE)
    ImportJob.objects.filter(pk=other.pk).update(
        status=JobStatus.IMPORTING, runner="elsewhere:1", started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    client.get(other.get_absolute_url())
    other.refresh_from_db()
    assert other.status == JobStatus.IMPORTING  # still at work, for all anyone here can tell
