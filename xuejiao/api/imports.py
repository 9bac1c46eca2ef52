"""Spreadsheet imports: upload, follow the check, read the problems, confirm.

The same jobs as the import pages (xuejiao.sheets) and the same services: a file is checked
inline when small and by the background worker when large, then the uploader confirms and
the import runs, all rows or none. A job is seen by its uploader and by those whose scope
covers every organisation the file names (sheets.services.visible_jobs, as on the pages);
anyone else gets 404. Only the uploader confirms (403 for a manager who sees the job).

    POST /imports               multipart: sheet (its name, e.g. "activities") and file (.xlsx)
    GET  /imports               the caller's visible jobs, newest first
    GET  /imports/{id}          status, progress, counts, the first problems
    GET  /imports/{id}/errors   every problem kept, {"count", "items"}, with limit/offset
    POST /imports/{id}/confirm  import a checked file (400 when it is not ready)
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile

from xuejiao.core.errors import ServiceError
from xuejiao.sheets import services
from xuejiao.sheets.models import ImportJob, JobStatus
from xuejiao.sheets.services import job_or_404, visible_jobs
from xuejiao.sheets.spec import get_spec

from .errors import answers
from .pagination import Paging
from .types import Id, SearchText

router = Router(tags=["imports"])

FIRST_ERRORS = 20


class ImportErrorOut(Schema):
    row: int | None = Field(
        None, description="The row in Excel (the header is row 1); null for the whole file"
    )
    col: str = Field("", description="Column letter")
    column: str = Field("", description="Column header")
    value: str = ""
    reason: str


class ImportJobOut(Schema):
    id: int
    sheet: str
    file_name: str
    status: JobStatus
    progress: int = Field(..., description="Percent, 0-100")
    rows_total: int
    created: int = Field(..., description="Before the import: rows that will create a record; after: created")
    updated: int
    unchanged: int
    error_count: int = Field(..., description="Problems found (only the first 10,000 are kept)")
    errors: list[ImportErrorOut] = Field(..., description=f"The first {FIRST_ERRORS} problems")
    failure: str
    nothing_written: bool
    can_confirm: bool = Field(..., description="Ready, and the caller uploaded it")
    uploaded_by_id: int
    organization_id: int = Field(
        ...,
        description="The narrowest organisation above every organisation the file names "
        "(the uploader's own until the file is read)",
    )
    created_at: datetime
    finished_at: datetime | None


class ImportJobPage(Schema):
    count: int
    items: list[ImportJobOut]


class ImportErrorPage(Schema):
    count: int = Field(..., description="Problems kept (at most 10,000)")
    total: int = Field(..., description="Problems found")
    items: list[ImportErrorOut]


class Page(Paging):
    limit: int = Field(50, ge=1, le=500, description="Rows in the page")


def job_out(job: ImportJob, user) -> dict:
    return {
        "id": job.pk,
        "sheet": job.spec,
        "file_name": job.original_name,
        "status": job.status,
        "progress": job.current_progress(),
        "rows_total": job.rows_total,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "error_count": job.error_count,
        "errors": job.errors[:FIRST_ERRORS],
        "failure": job.failure,
        "nothing_written": job.nothing_written,
        "can_confirm": job.status == JobStatus.READY and job.uploaded_by_id == user.pk,
        "uploaded_by_id": job.uploaded_by_id,
        "organization_id": job.organization_id,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.post(
    "",
    response=answers(ImportJobOut, 400, 403, status=201),
    summary="Upload a workbook to import; small files are checked at once, large ones in the background",
)
def upload(request, sheet: Form[SearchText], file: File[UploadedFile]):
    spec = get_spec(sheet)
    if spec is None:
        raise ServiceError(_("There is no sheet called “%(name)s”.") % {"name": sheet})
    job = services.start_validation(spec=spec, upload=file, actor=request.auth, request=request)
    return Status(201, job_out(job, request.auth))


@router.get("", response=answers(ImportJobPage), summary="Import jobs the caller sees, newest first")
def list_jobs(request, page: Query[Page]):
    queryset = visible_jobs(request.auth).order_by("-created_at", "-id")
    count = queryset.count()
    jobs = page.rows(queryset.defer("preview"))
    return {"count": count, "items": [job_out(job, request.auth) for job in jobs]}


@router.get(
    "/{job_id}",
    response=answers(ImportJobOut, 404),
    summary="One import job (404 outside the caller's scope)",
)
def get_job(request, job_id: Path[Id]):
    return job_out(job_or_404(request.auth, job_id), request.auth)


@router.get(
    "/{job_id}/errors", response=answers(ImportErrorPage, 404), summary="The problems found, in sheet order"
)
def list_errors(request, job_id: Path[Id], page: Query[Page]):
    job = job_or_404(request.auth, job_id)
    return {
        "count": len(job.errors),
        "total": job.error_count,
        "items": page.rows(job.errors),
    }


@router.post(
    "/{job_id}/confirm",
    response=answers(ImportJobOut, 400, 403, 404),
    summary="Import a checked file (the uploader only)",
)
def confirm(request, job_id: Path[Id]):
    job = job_or_404(request.auth, job_id)
    job = services.confirm_import(job=job, actor=request.auth, request=request)
    return job_out(job, request.auth)
