"""Attendance per person, the printable QR code, and the public sign-in page it opens."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.orgs.models import Person

from .. import services
from ..forms.activities import SignInForm
from ..models import Attendance, AttendanceStatus
from ..services import signin
from .activities import permissions_for, refused_page, visible_activity_or_404


@login_required
def attendance(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    refusal = services.contents_refusal(request.user, activity)
    if refusal is not None:
        return refused_page(request, activity, refusal)
    people = list(signin.roster(activity))
    if request.method == "POST":
        marks = {
            person.pk: (
                request.POST.get(f"status-{person.pk}", ""),
                request.POST.get(f"reason-{person.pk}", ""),
            )
            for person in people
        }
        try:
            services.mark_attendance(actor=request.user, activity=activity, marks=marks, request=request)
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attendance saved; the counts follow the marks."))
            return redirect(reverse("ledger:activity_detail", args=[activity.pk]) + "#attendance")
    marks = {a.person_id: a for a in Attendance.objects.filter(activity=activity)}
    for person in people:
        mark = marks.get(person.pk)
        person.mark = mark.status if mark else ""
        person.reason = mark.reason if mark else ""
        person.signed_in_at = mark.signed_in_at if mark else None
    return render(
        request,
        "ledger/attendance.html",
        {"activity": activity, "people": people, "statuses": AttendanceStatus.choices},
    )


def _window_context(activity):
    opens, closes = signin.signin_window(activity)
    return {"opens": timezone.localtime(opens), "closes": timezone.localtime(closes)}


@login_required
def qr_page(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    if not permissions_for(request.user, activity)["qr"]:
        raise DjangoPermissionDenied
    url = request.build_absolute_uri(reverse("ledger:signin", args=[signin.signin_token(activity)]))
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=10, border=2, dark="#000000", omitsize=True)
    return render(
        request,
        "ledger/qr.html",
        {"activity": activity, "signin_url": url, "qr_svg": svg, **_window_context(activity)},
    )


def signin_page(request, token):
    """Public: the signed token is the key. A roster member signs in logged in, or with
    their name and the last four digits of their phone."""
    activity = signin.activity_for_token(token)
    if activity is None:
        raise Http404
    me = None
    if request.user.is_authenticated and request.user.person_id:
        me = Person.objects.filter(
            pk=request.user.person_id, organization_id=activity.organization_id
        ).first()
    form = (
        SignInForm(request.POST or None) if not (request.method == "POST" and "me" in request.POST) else None
    )
    result = None
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if "me" in request.POST:
                result = services.sign_in(activity=activity, user=request.user, request=request)
            elif form.is_valid():
                result = services.sign_in(
                    activity=activity,
                    name=form.cleaned_data["name"],
                    digits=form.cleaned_data["digits"],
                    request=request,
                )
            else:
                error = _("Enter your name and the last four digits of your phone number.")
        except signin.TooManyAttempts as refused:
            error, status = str(refused), 429
        except ServiceError as refused:
            error = str(refused)
    context = {
        "activity": activity,
        "state": signin.window_state(activity),
        "form": form or SignInForm(),
        "me": me,
        "result": result,
        "error": error,
        **_window_context(activity),
    }
    return render(request, "ledger/signin.html", context, status=status)
