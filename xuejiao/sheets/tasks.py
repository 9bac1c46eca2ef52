"""Background work for large files (django-tasks; the worker is `manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def validate_job(job_id: int) -> None:
    services.run_validation(job_id)


@task()
def import_job(job_id: int) -> None:
    services.run_import(job_id)
