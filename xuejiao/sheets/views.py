"""Pages: the sheets, a sheet's template / upload / export, a job's progress and outcome, my jobs."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import scope_for

from . import reader, services
from .models import JobStatus
from .services import job_or_404, visible_jobs
from .spec import all_specs, get_spec
from .uploads import LimitedUpload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": gettext_lazy("Choose the .xlsx file to upload.")},
    )


def spec_or_404(name):
    spec = get_spec(name)
    if spec is None:
        raise Http404
    return spec


def export_organization(request) -> Organization | None:
    """The organisation an export is narrowed to (?org=), in the user's scope; None for
    everything they see. A number outside the scope is a 404, as everywhere."""
    value = request.GET.get("org")
    if not value:
        return None
    try:
        pk = int(value)
    except ValueError:
        raise Http404 from None
    return scope_for(request.user).get_or_404(Organization.objects.all(), pk=pk)


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
def index(request):
    specs = [spec for spec in all_specs() if spec.can_export(request.user) or spec.can_import(request.user)]
    jobs = visible_jobs(request.user).select_related("uploaded_by").order_by("-created_at")[:5]
    return render(request, "sheets/index.html", {"specs": specs, "jobs": jobs})


@csrf_exempt
def sheet(request, name):
    """The upload handler must be in place before the body is read, so CSRF is checked inside."""
    limit = reader.max_upload_bytes()
    handler = LimitedUpload(limit, request)
    if request.method == "POST":
        request.upload_handlers.insert(0, handler)
    return _sheet(request, name, handler)


@csrf_protect
@login_required
def _sheet(request, name, handler):
    spec = spec_or_404(name)
    can_import = spec.can_import(request.user)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        if not can_import:
            raise DjangoPermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if handler.too_big:
            form.is_valid()
            form.errors["file"] = form.error_class(
                [reader.too_big_message(max(handler.body_length, handler.received))]
            )
            status = 413
        elif form.is_valid():
            try:
                job = services.start_validation(
                    spec=spec, upload=form.cleaned_data["file"], actor=request.user, request=request
                )
            except PermissionDenied as denied:
                raise DjangoPermissionDenied from denied
            except ServiceError as error:
                form.add_error("file", str(error))
            else:
                return redirect(job)
    recent = visible_jobs(request.user).filter(spec=spec.name).select_related("uploaded_by")
    return render(
        request,
        "sheets/sheet.html",
        {
            "spec": spec,
            "form": form,
            "can_import": can_import,
            "can_export": spec.can_export(request.user),
            # Back from an export too large for one file: the organisation stays chosen.
            "export_org": export_organization(request),
            "export_limit": f"{services.export_max_rows():,}",
            "limit_mb": reader.megabytes(reader.max_upload_bytes()),
            "inline_rows": services.inline_rows(),
            "jobs": recent.order_by("-created_at")[:5],
        },
        status=status,
    )


@login_required
def template(request, name):
    spec = spec_or_404(name)
    return FileResponse(
        services.template_file(spec, request.user),
        as_attachment=True,
        filename=f"{spec.name}-template.xlsx",
        content_type=XLSX,
    )


@login_required
def export(request, name):
    spec = spec_or_404(name)
    organization = export_organization(request)
    try:
        spool, _rows = services.export_sheet(
            spec=spec, actor=request.user, organization=organization, request=request
        )
    except PermissionDenied as denied:
        raise DjangoPermissionDenied from denied
    except ServiceError as error:
        messages.error(request, str(error))
        back = reverse("sheets:sheet", args=[spec.name])
        return redirect(f"{back}?org={organization.pk}" if organization else back)
    return FileResponse(spool, as_attachment=True, filename=f"{spec.name}-{stamp()}.xlsx", content_type=XLSX)


class ListPaginator(Paginator):
    @property
    def display_count(self) -> str:
        return f"{self.count:,}"


@login_required
def job(request, pk):
    job = job_or_404(request.user, pk)
    spec = spec_or_404(job.spec)
    paginator = ListPaginator(job.errors, ERRORS_PER_PAGE)
    try:
        errors = paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        errors = paginator.page(1)
    return render(
        request,
        "sheets/job.html",
        {
            "job": job,
            "spec": spec,
            "headers": [str(column.header) for column in spec.columns],
            "page_obj": errors,
            "errors_cut": job.error_count > len(job.errors),
            "can_confirm": job.status == JobStatus.READY and job.uploaded_by_id == request.user.pk,
            "can_retry": services.can_retry(job, request.user),
        },
    )


@login_required
def progress(request, pk):
    job = job_or_404(request.user, pk)
    response = render(request, "sheets/_progress.html", {"job": job})
    if not job.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def confirm(request, pk):
    job = job_or_404(request.user, pk)
    try:
        services.confirm_import(job=job, actor=request.user, request=request)
    except PermissionDenied as denied:
        raise DjangoPermissionDenied from denied
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(job)


@require_POST
@login_required
def retry(request, pk):
    job = job_or_404(request.user, pk)
    try:
        services.retry_job(job=job, actor=request.user, request=request)
    except PermissionDenied as denied:
        raise DjangoPermissionDenied from denied
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(job)


@login_required
def error_file(request, pk):
    job = job_or_404(request.user, pk)
    if not job.error_file:
        raise Http404
    return FileResponse(
        job.error_file.open("rb"),
        as_attachment=True,
        filename=f"{job.spec}-errors-{job.pk}.xlsx",
        content_type=XLSX,
    )


@login_required
def jobs(request):
    queryset = (
        visible_jobs(request.user)
        .select_related("uploaded_by", "organization")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, queryset)
    for listed in page.object_list:
        if listed.is_running:
            services.fail_abandoned(listed)
    return render(request, "sheets/jobs.html", {"page_obj": page})
