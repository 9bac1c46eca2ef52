"""The notice list, opening a notice, and marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.core.pagination import paginate

from . import services
from .queries import notices_of


@login_required
def notice_list(request):
    notices = notices_of(request.user).select_related("organization").order_by("-created_at", "-pk")
    page = paginate(request, notices)
    return render(request, "notify/notices.html", {"page_obj": page})


@login_required
def notice_open(request, pk):
    """Mark the notice read and follow its link; another user's notice is not found."""
    notice = get_object_or_404(notices_of(request.user), pk=pk)
    services.mark_read(request.user, [notice])
    # A notice only ever links inside the site.
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect("notify:notices")
    return redirect(notice.url)


@login_required
@require_POST
def notice_read_all(request):
    marked = services.mark_read(request.user)
    if marked:
        messages.success(request, _("All notices are marked read."))
    return redirect("notify:notices")
