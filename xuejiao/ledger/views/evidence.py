"""Evidence: upload to a record, serve a file or its thumbnail through the scope, remove.

Files are never reachable by a public URL: every byte goes through `evidence_file`, which
answers 404 when the record's organisation is outside the user's scope.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.orgs.scope import scope_for

from .. import services
from ..models import Evidence
from .activities import visible_activity_or_404

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def visible_evidence_or_404(user, pk) -> Evidence:
    return scope_for(user).get_or_404(
        Evidence.objects.select_related("activity", "activity__organization", "activity__campaign"), pk=pk
    )


def _detail_url(activity_pk) -> str:
    return reverse("ledger:activity_detail", args=[activity_pk]) + "#evidence"


@login_required
@require_POST
def evidence_upload(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    files = request.FILES.getlist("files")
    try:
        created = services.add_evidence(
            actor=request.user,
            activity=activity,
            files=files,
            kind=request.POST.get("kind", ""),
            request=request,
        )
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(n)d file attached.", "%(n)d files attached.", len(created)) % {"n": len(created)},
        )
    return redirect(_detail_url(activity.pk))


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = visible_evidence_or_404(request.user, pk)
    try:
        services.delete_evidence(actor=request.user, evidence=evidence, request=request)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": evidence.original_name})
    return redirect(_detail_url(evidence.activity_id))


def _protect(response):
    # The bytes were checked on upload; still, never let a browser run them as a page.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _ranged(request, stored, size: int, content_type: str):
    """One byte range (audio and video players seek with them; Safari needs them to play)."""
    match = RANGE.match(request.headers.get("Range", ""))
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:
        start, end = max(size - int(last), 0), size - 1
    if start > end or start >= size:
        stored.close()
        response = StreamingHttpResponse(iter(()), status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{size}"
        return response

    def body():
        with stored:
            stored.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = stored.read(min(CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
                yield chunk

    response = StreamingHttpResponse(body(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


@login_required
def evidence_file(request, pk):
    evidence = visible_evidence_or_404(request.user, pk)
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = _ranged(request, stored, evidence.size, evidence.content_type)
    if response is None:
        response = FileResponse(
            stored,
            content_type=evidence.content_type,
            as_attachment=request.GET.get("download") == "1",
            filename=evidence.original_name,
        )
    response["Accept-Ranges"] = "bytes"
    return _protect(response)


@login_required
def evidence_thumbnail(request, pk):
    evidence = visible_evidence_or_404(request.user, pk)
    if not evidence.thumbnail:
        raise Http404
    try:
        stored = evidence.thumbnail.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return _protect(FileResponse(stored, content_type="image/jpeg"))
