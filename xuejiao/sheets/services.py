"""Import jobs from upload to import, and exports. Views and tasks call only these.

    start_validation   store the upload, check it (inline when small, else in the background)
    confirm_import     the uploader confirms the preview; the import runs (inline or background)
    export_sheet       a scoped list as a workbook in the template's format
    visible_jobs       the jobs a user may see: every page and endpoint showing a job asks it

The import re-checks every row inside its transaction, so what is written is exactly what a
check of the current data allows, all rows or none. Reading and parsing the cells depends on
the file alone, so a clean check keeps the parsed rows (keep_rows) and the import starts from
them; only the checks against the data (the spec's plan) run again.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import logging
import os
import pickle
import socket
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.audit.services import record_export
from xuejiao.core.checkpoints import checkpoint_after
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.exports import export_file
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import Scope, manage_scope

from . import reader
from .errorfile import build_error_file
from .lookups import chunked
from .models import ImportJob, JobStatus, Named
from .spec import Plan, Report, Row, SheetSpec, get_spec
from .workbook import write_workbook

log = logging.getLogger(__name__)

PREVIEW_ROWS = 20


def inline_rows() -> int:
    """Files of at most this many rows are checked and imported inside the request."""
    return int(getattr(settings, "SHEETS_INLINE_ROWS", 2000))


def export_max_rows() -> int:
    return int(getattr(settings, "SHEETS_EXPORT_MAX_ROWS", 200_000))


# --- progress ------------------------------------------------------------------------------


class ProgressWriter:
    """The job's overall percentage, written a few times a second at most.

    Outside a transaction it goes to the job's row. Inside the import transaction the row
    is invisible to other connections until the commit (and on SQLite a second writer
    would wait for the lock), so it goes to a small file beside the uploads instead.
    """

    def __init__(self, job: ImportJob, to_file: bool = False):
        self.job_id = job.pk
        self.path = job.progress_file() if to_file else None
        self.last = -1
        self.last_time = 0.0

    def set(self, percent: float) -> None:
        percent = max(0, min(99, int(percent)))
        now = time.monotonic()
        if percent <= self.last or now - self.last_time < 0.3:
            return
        self.last, self.last_time = percent, now
        if self.path is None:
            ImportJob.objects.filter(pk=self.job_id).update(progress=percent)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".tmp")
            partial.write_text(str(percent))
            partial.replace(self.path)

    def phase(self, start: float, end: float):
        """A progress(done, total) callback covering [start, end] of the whole."""
        return lambda done, total: self.set(start + (end - start) * done / max(total, 1))

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


@contextmanager
def collector_paused():
    """Python's cycle collector paused for one job's work. Its full passes walk every live
    object, and a job of 100,000 rows holds millions (cells, parsed rows, plans): they were
    a sixth of an import's time. The job's own objects hold no cycles, so nothing piles up."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- checking a file ------------------------------------------------------------------------


@dataclass
class Outcome:
    report: Report
    rows: list[Row] = field(default_factory=list)
    plan: Plan | None = None
    shown: list = field(default_factory=list)
    readable: bool = True  # the cells could be read, so a marked copy of the file makes sense


def check_file(path: Path, spec: SheetSpec, actor, progress: ProgressWriter, span=(0, 100)) -> Outcome:
    """Read, parse and plan the file; every problem goes into the outcome's report."""
    start, end = span
    at = lambda share: start + (end - start) * share  # noqa: E731
    report = Report(spec)
    try:
        package = reader.open_package(path)
        progress.set(at(0.1))
        rows, shown = reader.read_rows(path, spec, package, report, progress.phase(at(0.2), at(0.5)))
    except reader.FileRejected as rejected:
        report.add(str(rejected))
        return Outcome(report, readable=False)
    if report and not rows:  # the header, merged cells or formulas: rows were not read
        return Outcome(report, shown=shown)
    if not rows:
        report.add(_("The sheet has its header but no rows to import."), row=2)
        return Outcome(report)
    return check_rows(rows, spec, actor, report, progress.phase(at(0.5), at(1.0)), shown)


def check_rows(rows: list[Row], spec: SheetSpec, actor, report: Report, progress, shown=None) -> Outcome:
    """The checks of parsed rows: duplicate keys, then the spec's plan against the data."""
    reader.check_duplicate_keys(rows, spec, report)
    good = [row for row in rows if row.number not in report.bad_rows]
    plan = spec.plan(good, actor=actor, report=report, progress=progress)
    return Outcome(report, rows, plan, shown if shown is not None else [])


# --- parsed rows kept from the check for the import ------------------------------------------


def keep_rows(job: ImportJob, rows: list[Row]) -> str:
    """Write the parsed rows of a clean check beside the uploads; returns their digest."""
    data = pickle.dumps([(row.number, row.values) for row in rows], protocol=pickle.HIGHEST_PROTOCOL)
    path = job.parsed_rows_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(data)
    partial.replace(path)
    return hashlib.sha256(data).hexdigest()


def kept_rows(job: ImportJob) -> list[Row] | None:
    """The rows keep_rows wrote for this job, or None (then the file is read again). The
    digest stored in the job's row is compared first: pickle runs code, so only the exact
    bytes this code wrote are loaded."""
    if not job.parsed_digest:
        return None
    try:
        data = job.parsed_rows_file().read_bytes()
    except OSError:
        return None
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), job.parsed_digest):
        log.warning("import job %s: the kept rows do not match their digest; reading the file again", job.pk)
        return None
    return [Row(number, values) for number, values in pickle.loads(data)]  # the digest matched


def discard_kept_rows(job: ImportJob) -> None:
    job.parsed_rows_file().unlink(missing_ok=True)


def job_organization(actor) -> Organization:
    organization = actor.home_organization
    if organization is None:
        organization = Organization.get_first_root_node()
    if organization is None:
        raise ServiceError(_("Create the organisation tree before importing."))
    return organization


# --- who sees a job ---------------------------------------------------------------------------


def visible_jobs(user) -> QuerySet:
    """The jobs `user` may see, with their preview, problems and marked copy of the file: those
    they uploaded, and those whose file names only organisations they manage (all of them).
    The job's organisation is the narrowest one above everything the file names: a file
    naming it alone is seen by whoever manages it; a file naming organisations below it too,
    only by those who manage its whole subtree. A file not read yet, or naming no
    organisation that exists, is its uploader's alone."""
    managed = manage_scope(user)
    if managed.everything:
        return ImportJob.objects.all()
    whole_subtrees = Scope.of(grant for grant in managed.grants if grant.subtree)
    return ImportJob.objects.filter(
        Q(uploaded_by=user)
        | Q(named=Named.ONE) & managed.q("org_path")
        | Q(named=Named.BELOW) & whole_subtrees.q("org_path")
    )


def job_or_404(user, pk) -> ImportJob:
    """The job if `user` may see it; 404 whether it is missing or not theirs."""
    job = visible_jobs(user).select_related("uploaded_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    # A job whose process died is shown as failed, with the way to try again.
    return fail_abandoned(job)


def named_organizations(spec: SheetSpec, rows: list[Row]) -> tuple[Organization | None, str]:
    """The narrowest organisation above every existing organisation the rows name (by the
    codes in the spec's org_columns), and whether they name it alone (Named.ONE) or
    organisations below it too (Named.BELOW); (None, Named.NOTHING) when they name none."""
    codes = sorted(
        {
            value
            for row in rows
            for column in spec.org_columns
            if isinstance(value := row.values.get(column), str)
        }
        - {""}
    )
    paths: set[str] = set()
    for batch in chunked(codes):
        paths.update(Organization.objects.filter(code__in=batch).values_list("path", flat=True))
    if not paths:
        return None, Named.NOTHING
    # The common ancestor of a set of paths is that of its first and last in path order.
    common = os.path.commonprefix([min(paths), max(paths)])
    common = common[: len(common) - len(common) % Organization.steplen]
    organization = Organization.objects.filter(path=common).first() if common else None
    if organization is None:  # organisations under different roots: above them is no one
        return None, Named.NOTHING
    return organization, Named.ONE if paths == {common} else Named.BELOW


# --- upload and validation -------------------------------------------------------------------


def start_validation(*, spec: SheetSpec, upload, actor, request=None) -> ImportJob:
    """Store the uploaded file as a job and check it: inline when small, else in the background."""
    if not spec.can_import(actor):
        raise PermissionDenied(_("You may not import this sheet."))
    try:
        reader.check_size(upload.size)
    except reader.FileRejected as rejected:
        raise ServiceError(str(rejected)) from None
    organization = job_organization(actor)
    with transaction.atomic():
        job = ImportJob(
            spec=spec.name,
            original_name=(upload.name or "")[:200],
            size=upload.size,
            uploaded_by=actor,
            organization=organization,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            file=upload,
        )
        job.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=job,
            organization=organization,
            summary=_("Uploaded %(file)s to import as %(sheet)s")
            % {"file": job.original_name, "sheet": spec.title},
        )
    validate_now_or_later(job)
    job.refresh_from_db()
    return job


def validate_now_or_later(job: ImportJob) -> None:
    """Check the job's file inside the request when it is small, else in the background."""
    rows = reader.rows_hint(Path(job.file.path))
    small = rows <= inline_rows() + 1 if rows is not None else job.size <= 200 * 1024
    if small:
        run_validation(job.pk)
    else:
        from .tasks import validate_job

        ImportJob.objects.filter(pk=job.pk).update(task_id=str(validate_job.enqueue(job.pk).id))


def run_validation(job_id: int) -> None:
    """Check the job's file and store the outcome (errors, error file, preview, counts)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.UPLOADED).update(
        status=JobStatus.VALIDATING, started_at=timezone.now(), progress=0, runner=runner_id()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    spec = get_spec(job.spec)
    progress = ProgressWriter(job)
    with translation.override(job.language), collector_paused():
        try:
            outcome = check_file(Path(job.file.path), spec, job.uploaded_by, progress, span=(0, 90))
            error_file = None
            if outcome.report and outcome.readable:
                error_file = build_error_file(job.file.path, outcome.report.errors, len(outcome.rows))
        except Exception as error:
            log.exception("checking import job %s failed", job_id)
            fail(job, error)
            return
        if not outcome.report:
            job.parsed_digest = keep_rows(job, outcome.rows)
        store_outcome(job, outcome, error_file)


def store_outcome(job: ImportJob, outcome: Outcome, error_file: bytes | None = None) -> None:
    plan = outcome.plan or Plan()
    # Who sees the job from now on (visible_jobs): the organisations its rows name.
    named, job.named = named_organizations(get_spec(job.spec), outcome.rows)
    if named is not None:
        job.organization = named
    job.rows_total = len(outcome.rows)
    job.created_count, job.updated_count, job.unchanged_count = plan.created, plan.updated, plan.unchanged
    # Whole-file problems first, then by row and column, as the user reads the sheet.
    job.errors = sorted(outcome.report.errors, key=lambda e: (e["row"] or 0, len(e["col"]), e["col"]))
    job.error_count = outcome.report.total
    if outcome.report.notes:
        job.notes = outcome.report.notes
    if outcome.shown:
        job.preview = [
            {"row": cells[0], "cells": cells[1:], "action": plan.actions.get(cells[0], "")}
            for cells in outcome.shown
        ]
    else:  # checked again from the kept rows: the cells shown are those of the first check
        for line in job.preview:
            line["action"] = plan.actions.get(line["row"], "")
    job.status = JobStatus.INVALID if outcome.report else JobStatus.READY
    job.progress = 100
    job.finished_at = timezone.now()
    if error_file:
        job.error_file.save(f"imports/errors/{uuid.uuid4().hex}.xlsx", ContentFile(error_file), save=False)
    job.save()


def fail(job: ImportJob, error: Exception) -> None:
    if isinstance(error, ServiceError):
        message = str(error)
    else:
        message = _(
            "An unexpected error stopped the work; nothing was written. "
            "Try again, or send the file to your administrator."
        )
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, failure=message, progress=100, finished_at=timezone.now()
    )


# --- import ----------------------------------------------------------------------------------


class ChangedSinceCheck(Exception):
    def __init__(self, outcome: Outcome):
        super().__init__("the data changed since the check")
        self.outcome = outcome


def confirm_import(*, job: ImportJob, actor, request=None) -> ImportJob:
    """The uploader confirms the preview: import everything, in one transaction."""
    spec = get_spec(job.spec)
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    if spec is None or not spec.can_import(actor):
        raise PermissionDenied(_("You may not import this sheet."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.IMPORTING, progress=0, started_at=timezone.now(), finished_at=None
    )
    if not claimed:
        status = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first()
        if status == JobStatus.DONE:
            raise ServiceError(_("This file has already been imported."))
        if status == JobStatus.IMPORTING:
            raise ServiceError(_("This file is being imported now."))
        raise ServiceError(_("This file is not ready to be imported."))
    if job.rows_total <= inline_rows():
        run_import(job.pk)
    else:
        from .tasks import import_job

        ImportJob.objects.filter(pk=job.pk).update(task_id=str(import_job.enqueue(job.pk).id))
    job.refresh_from_db()
    return job


def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("uploaded_by", "organization").get(pk=job_id)
    if job.status != JobStatus.IMPORTING:
        return
    ImportJob.objects.filter(pk=job_id).update(runner=runner_id())
    spec, actor = get_spec(job.spec), job.uploaded_by
    progress = ProgressWriter(job, to_file=True)
    # The database's housekeeping after a large write (ANALYZE on PostgreSQL, SQLite's log
    # checkpoint) comes after the job is marked done.
    with translation.override(job.language), collector_paused(), checkpoint_after():
        try:
            with transaction.atomic():
                wait_for_overlapping_imports(job)
                rows = kept_rows(job)
                if rows is None:
                    outcome = check_file(Path(job.file.path), spec, actor, progress, span=(0, 40))
                else:
                    outcome = check_rows(rows, spec, actor, Report(spec), progress.phase(0, 20))
                if outcome.report:
                    raise ChangedSinceCheck(outcome)
                spec.apply(outcome.plan, actor=actor, progress=progress.phase(40, 100))
                plan = outcome.plan
                audit.record(
                    AuditAction.CREATE,
                    actor=actor,
                    obj=job,
                    organization=job.organization,
                    summary=_(
                        "Imported %(file)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged"
                    )
                    % {
                        "file": job.original_name,
                        "created": plan.created,
                        "updated": plan.updated,
                        "unchanged": plan.unchanged,
                    },
                    changes={
                        "sheet": spec.name,
                        "created": plan.created,
                        "updated": plan.updated,
                        "unchanged": plan.unchanged,
                    },
                )
        except ChangedSinceCheck as changed:
            store_outcome(job, changed.outcome)
            ImportJob.objects.filter(pk=job.pk).update(
                failure=_(
                    "The data changed since the file was checked, and these rows no longer fit. "
                    "Nothing was written."
                )
            )
        except Exception as error:
            if not isinstance(error, ServiceError):
                log.exception("import job %s failed", job_id)
            fail(job, error)
        else:
            job.rows_total = len(outcome.rows)
            job.created_count, job.updated_count, job.unchanged_count = (
                plan.created,
                plan.updated,
                plan.unchanged,
            )
            job.status, job.progress, job.finished_at = JobStatus.DONE, 100, timezone.now()
            job.save(
                update_fields=[
                    "rows_total",
                    "created_count",
                    "updated_count",
                    "unchanged_count",
                    "status",
                    "progress",
                    "finished_at",
                ]
            )
            analyze_after(spec, plan)
        finally:
            progress.discard()
            discard_kept_rows(job)


def wait_for_overlapping_imports(job: ImportJob) -> None:
    """Hold, until the import's transaction ends, the lock that makes imports of one sheet
    over overlapping parts of the tree run one after the other: the second then checks its
    rows against what the first wrote (a person it created is found, not written twice).

    The part of the tree a file touches is the subtree of the job's organisation (the
    narrowest one above everything the file names). Two such subtrees overlap only when one
    holds the other, so on PostgreSQL an import takes a shared lock on each ancestor of its
    organisation and the sheet as a whole, then an exclusive one on the organisation itself,
    always from the top down (no deadlock): imports of 二七区 and 中原区 run side by side,
    one of 二七区 waits for one of the city. SQLite has a single writer: a first write takes
    its lock for the whole transaction, so a second import waits there (busy timeout) and
    reads only once the first has committed.
    """
    if connection.vendor != "postgresql":
        ImportJob.objects.filter(pk=job.pk).update(progress=0)
        return
    path = job.org_path if job.named != Named.NOTHING else ""
    step = Organization.steplen
    with connection.cursor() as cursor:
        for length in range(0, len(path), step):
            cursor.execute(
                "SELECT pg_advisory_xact_lock_shared(%s)", [import_lock_key(job.spec, path[:length])]
            )
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [import_lock_key(job.spec, path)])


def import_lock_key(sheet: str, path: str) -> int:
    """A 64-bit advisory lock key for (sheet, part of the tree); a collision only makes two
    imports wait for each other."""
    digest = hashlib.blake2b(f"xuejiao-import:{sheet}:{path}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def analyze_after(spec: SheetSpec, plan: Plan) -> None:
    """Fresh planner statistics after a large import (docs/architecture.md: counts slow down otherwise)."""
    if connection.vendor != "postgresql" or plan.created + plan.updated < 10_000:
        return
    with connection.cursor() as cursor:
        for table in spec.analyze_tables:
            cursor.execute(f'ANALYZE "{table}"')


# --- a job whose process died, and trying again ---------------------------------------------


def runner_id() -> str:
    """The process doing a job's work, as stored in the job ("host:pid")."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def abandoned_after() -> int:
    """Seconds after which a job checked or imported on another host counts as abandoned
    (its process cannot be looked at from here)."""
    return int(getattr(settings, "SHEETS_JOB_ABANDONED_AFTER", 6 * 3600))


def process_gone(runner: str) -> bool:
    host, _sep, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_abandoned(job: ImportJob) -> bool:
    """Left "checking" or "importing" by a process that no longer runs (killed by the
    system, the server restarted): nothing will ever finish it."""
    if job.status not in (JobStatus.VALIDATING, JobStatus.IMPORTING):
        return False
    if job.runner and process_gone(job.runner):
        return True
    # A process on another host cannot be looked at, and jobs left from before processes were
    # recorded have none: those count as abandoned after a time no file takes.
    started = job.started_at or job.created_at
    host = job.runner.rpartition(":")[0]
    return host != socket.gethostname() and (timezone.now() - started).total_seconds() > abandoned_after()


def fail_abandoned(job: ImportJob) -> ImportJob:
    """Mark the job failed if its process died; the job page then offers to try again."""
    if not is_abandoned(job):
        return job
    message = _(
        "The work on this file stopped unexpectedly (the server process ended); nothing was "
        "written. Choose “Try again” to check the file again without uploading it."
    )
    ImportJob.objects.filter(pk=job.pk, status=job.status, runner=job.runner).update(
        status=JobStatus.FAILED, failure=message, progress=100, finished_at=timezone.now()
    )
    log.warning("import job %s: its process %s is gone; marked failed", job.pk, job.runner)
    job.refresh_from_db()
    return job


def can_retry(job: ImportJob, actor) -> bool:
    return job.status == JobStatus.FAILED and job.uploaded_by_id == actor.pk


def retry_job(*, job: ImportJob, actor, request=None) -> ImportJob:
    """Check a failed job's kept upload again, as if it had just been uploaded."""
    spec = get_spec(job.spec)
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded the file may try it again."))
    if spec is None or not spec.can_import(actor):
        raise PermissionDenied(_("You may not import this sheet."))
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.UPLOADED,
            progress=0,
            failure="",
            errors=[],
            error_count=0,
            preview=[],
            notes=[],
            rows_total=0,
            created_count=0,
            updated_count=0,
            unchanged_count=0,
            parsed_digest="",
            error_file="",
            runner="",
            task_id="",
            started_at=None,
            finished_at=None,
        )
        if not claimed:
            raise ServiceError(_("Only a job that failed can be tried again."))
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=job,
            organization=job.organization,
            summary=_("Tried %(file)s again") % {"file": job.original_name},
        )
    job.refresh_from_db()
    validate_now_or_later(job)
    job.refresh_from_db()
    return job


# --- export ----------------------------------------------------------------------------------


def export_sheet(*, spec: SheetSpec, actor, organization=None, request=None):
    """The actor's scoped list (below `organization` if given) as a workbook in a temporary file,
    which is deleted when closed. Returns (file, rows written)."""
    if not spec.can_export(actor):
        raise PermissionDenied(_("You may not export this sheet."))
    limit = export_max_rows()
    queryset = spec.export_queryset(actor, organization)
    refusal = _(
        "There are more than %(limit)s rows to export, more than one file may hold. Choose an "
        "organisation further down under “Export” and export it part by part."
    ) % {"limit": f"{limit:,}"}
    return export_file(
        queryset,
        limit=limit,
        refusal=refusal,
        rows_of=lambda rows: spec.export_rows(rows, actor),
        write=lambda path, rows: write_workbook(path, spec, rows, user=actor),
        on_written=lambda count: record_export(
            actor=actor, what=spec.name, rows=count, organization=organization, request=request
        ),
    )


def template_file(spec: SheetSpec, user):
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_workbook(spool.name, spec, user=user)
    spool.seek(0)
    return spool
