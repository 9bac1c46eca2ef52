"""Large files go to the background worker (django-tasks); the job page follows them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from xuejiao.orgs.models import Person
from xuejiao.sheets import services
from xuejiao.sheets.models import ImportJob, JobStatus

from .helpers import check, header, people_row, xlsx

FIVE_PEOPLE = xlsx(
    [header("people"), *[people_row(name=f"人员{i}", phone=f"1381111000{i}") for i in range(5)]]
)


@pytest.fixture
def small_inline(settings):
    settings.SHEETS_INLINE_ROWS = 2


def test_large_file_goes_through_the_task(personas, small_inline):
    admin = personas["city_admin"]
    job = check("people", admin, FIVE_PEOPLE)
    assert job.task_id  # checked by the task (the immediate backend runs it at once in tests)
    assert job.status == JobStatus.READY and job.created_count == 5
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == JobStatus.DONE
    assert Person.objects.filter(name__startswith="人员").count() == 5


@pytest.mark.django_db(transaction=True)  # the worker commits and checks its connection, as in production
def test_database_backend_and_the_worker(personas, small_inline, settings, client_for):
    """With the real backend nothing happens until `manage.py db_worker` picks the task up;
    meanwhile the page says it is waiting, and can be left and revisited."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    admin = personas["city_admin"]
    job = check("people", admin, FIVE_PEOPLE)
    assert job.status == JobStatus.UPLOADED
    page = client_for("city_admin").get(job.get_absolute_url()).content.decode()
    assert "等待后台处理" in page and reverse("sheets:progress", args=[job.pk]) in page

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.READY, job.errors

    job = services.confirm_import(job=job, actor=admin)
    assert job.status == JobStatus.IMPORTING
    assert not Person.objects.filter(name__startswith="人员").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Person.objects.filter(name__startswith="人员").count() == 5


def test_progress_inside_the_import_transaction_goes_to_a_side_file(personas):
    job = check("people", personas["city_admin"], FIVE_PEOPLE)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.IMPORTING, progress=0)
    job.refresh_from_db()
    writer = services.ProgressWriter(job, to_file=True)
    writer.set(42)
    assert job.current_progress() == 42
    assert ImportJob.objects.get(pk=job.pk).progress == 0
    writer.discard()
    assert job.current_progress() == 0


@pytest.mark.django_db(transaction=True)  # the import commits, as in production
def test_sqlite_log_checkpoint_comes_after_the_job_is_done(personas, monkeypatch):
    """On SQLite the import's commit leaves the log checkpoint to the end of the job, after
    the job is marked done; the connection's automatic checkpoint is restored."""
    from contextlib import contextmanager

    from django.db import connection

    from xuejiao.core import checkpoints

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write-ahead log")

    def autocheckpoint():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    before = autocheckpoint()
    assert before > 0
    admin = personas["city_admin"]
    job = check("people", admin, FIVE_PEOPLE)
    during, at_checkpoint = [], []
    spec_class = type(services.get_spec("people"))
    apply = spec_class.apply

    def watched_apply(self, *args, **kwargs):
        during.append(autocheckpoint())
        return apply(self, *args, **kwargs)

    @contextmanager
    def watched_checkpoint_after():
        with checkpoints.checkpoint_after():
            yield
            at_checkpoint.append(ImportJob.objects.get(pk=job.pk).status)  # the checkpoint runs next

    monkeypatch.setattr(spec_class, "apply", watched_apply)
    monkeypatch.setattr(services, "checkpoint_after", watched_checkpoint_after)
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == JobStatus.DONE
    assert during == [0]  # no automatic checkpoint at the import's commit
    assert at_checkpoint == [JobStatus.DONE]
    assert autocheckpoint() == before
