"""Activity pages: the scoped list, the record with its workflow, and the form."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuejiao.campaigns.models import Completion, RuleType
from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.campaigns.rules import window
from xuejiao.core.errors import PermissionDenied, ServiceError, StaleRecord
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Organization
from xuejiao.orgs.permissions import RECORDING_ROLES
from xuejiao.orgs.scope import scope_for, subtree_q
from xuejiao.orgs.views.organizations import visible_org_or_404

from .. import services
from ..forms.activities import ActivityFilterForm, ActivityForm, EvidenceUploadForm, HighlightForm, ReturnForm
from ..models import COUNTING_STATUSES, Activity, ActivityKind, ActivityStatus, AttendanceStatus
from ..services.signin import uses_marks

KIND_LABELS = dict(ActivityKind.choices)
STATUS_LABELS = dict(ActivityStatus.choices)
STATUS_BADGES = {
    ActivityStatus.DRAFT: "bg-secondary-lt",
    ActivityStatus.SUBMITTED: "bg-blue-lt",
    ActivityStatus.VERIFIED: "bg-green-lt",
    ActivityStatus.RETURNED: "bg-orange-lt",
}


# What a list row shows, and nothing more: every other column read would be converted
# (six timestamps, the campaign's dates) only to be thrown away.
LIST_COLUMNS = (
    "title",
    "kind",
    "status",
    "starts_at",
    "present",
    "expected",
    "photo_count",
    "is_highlight",
    "first_agenda",
    "organization__name",
    "organization__short_name",
    "campaign__name",
)


def visible_activity_or_404(user, pk) -> Activity:
    """The record if the user's scope covers its organisation; 404 whether missing or not ours."""
    return scope_for(user).get_or_404(
        Activity.objects.select_related(
            "organization", "campaign", "created_by", "submitted_by", "verified_by"
        ),
        pk=pk,
    )


def permissions_for(user, activity: Activity) -> dict:
    """What the user may do with the record, for the buttons shown (the services decide again,
    by the same rules)."""
    return services.allowed(user, activity)


def refused_page(request, activity: Activity, refusal):
    """A refusal on a page: 403 for who may not, else the reason on the record's page."""
    if isinstance(refusal, PermissionDenied):
        raise DjangoPermissionDenied(str(refusal))
    messages.error(request, str(refusal))
    return redirect("ledger:activity_detail", pk=activity.pk)


def _recording_scope(user):
    return scope_for(user, RECORDING_ROLES)


def _single_unit(user) -> Organization | None:
    """The organisation a user records for when it is exactly one unit (no subtree)."""
    scope = _recording_scope(user)
    if scope.everything or len(scope.grants) != 1 or scope.grants[0].subtree:
        return None
    return Organization.objects.filter(path=scope.grants[0].path, is_archived=False).first()


def _default_campaign(user, organization: Organization | None):
    """The campaign running today (else the latest one) that the organisation takes part in."""
    campaigns = visible_campaigns(user).filter(is_archived=False).order_by("-starts_on", "-pk")
    if organization is not None:
        ancestors = [organization.path[: Organization.steplen * d] for d in range(1, organization.depth + 1)]
        campaigns = campaigns.filter(root_path__in=ancestors)
    today = timezone.localdate()
    return campaigns.filter(starts_on__lte=today, ends_on__gte=today).first() or campaigns.first()


def _local_day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
def activity_list(request):
    form = ActivityFilterForm(request.GET or None, user=request.user)
    data = {}
    if form.is_bound:
        # A refused filter is left out (the page says why, as a 400); the others still apply.
        form.is_valid()
        data = form.cleaned_data
    filter_org = visible_org_or_404(request.user, data["org"]) if data.get("org") else None

    def in_subtree(indexed: bool):
        queryset = scope_for(request.user).filter(Activity.objects.all(), indexed)
        if filter_org is not None:
            queryset = queryset.filter(subtree_q("org_path", filter_org.path, indexed))
        return queryset

    def filtered(indexed: bool):
        queryset = in_subtree(indexed)
        if data.get("campaign"):
            queryset = queryset.filter(campaign=data["campaign"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("date_from"):
            queryset = queryset.filter(starts_at__gte=_local_day_start(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(starts_at__lt=_local_day_start(data["date_to"] + timedelta(days=1)))
        if data.get("q"):
            queryset = queryset.filter(title__icontains=data["q"].strip())
        return queryset.order_by("-starts_at", "-pk")

    queryset = filtered(indexed=True).select_related("organization", "campaign").only(*LIST_COLUMNS)
    # The subtree alone is cheap to count from the path index; a filtered list over a
    # large subtree is not counted (the page shows "of many"). Without filters the list is
    # the subtree, counted once (up to the cap).
    has_filters = any(value for name, value in data.items() if name != "org")  # org: the subtree
    page = paginate(
        request,
        queryset,
        when_large=filtered(indexed=False),
        size_hint=in_subtree(indexed=True) if has_filters else None,
    )
    # What each row shows is worked out once here, as text: the template's date filter,
    # {% url %}, number localisation and the model's get_…_display (a dictionary of all
    # choices on every call) were most of the page's time.
    detail_url = reverse("ledger:activity_detail", args=[0]).removesuffix("0/")
    for activity in page.object_list:
        activity.badge = STATUS_BADGES[activity.status]
        activity.kind_label = KIND_LABELS.get(activity.kind, activity.kind)
        activity.status_label = STATUS_LABELS[activity.status]
        activity.when = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
        activity.url = f"{detail_url}{activity.pk}/"
        activity.attendance = (
            f"{activity.present}/{activity.expected}" if activity.expected else str(activity.present)
        )
        activity.photos = str(activity.photo_count)
    return render(
        request,
        "ledger/activity_list.html",
        {
            "form": form,
            "filter_org": filter_org,
            "page_obj": page,
            "can_create": not _recording_scope(request.user).is_empty,
        },
        status=400 if form.errors else 200,
    )


def counting_checks(activity: Activity) -> list[dict]:
    """For each required action of the record's campaign that its kind serves: what is still
    missing for the record to count. Evaluated on the record itself, so no ledger scan."""
    if activity.campaign_id is None:
        return []
    applicable = set(
        Completion.objects.filter(
            action__campaign_id=activity.campaign_id, organization_id=activity.organization_id
        ).values_list("action_id", flat=True)
    )
    checks = []
    for action in activity.campaign.actions.all():
        if action.pk not in applicable or action.rule_type != RuleType.ACTIVITY_COUNT:
            continue
        if action.activity_kinds and activity.kind not in action.activity_kinds:
            continue
        missing = []
        start, end = window(action)
        if not start <= activity.starts_at < end:
            missing.append(
                _("held between %(start)s and %(end)s")
                % {"start": action.counted_from, "end": action.due_date}
            )
        if action.require_first_agenda and not activity.first_agenda:
            missing.append(_("the first agenda item recorded"))
        keyword = action.topic_keyword
        if keyword and keyword not in activity.title and keyword not in activity.topic:
            missing.append(_("“%(keyword)s” in the title or topic") % {"keyword": keyword})
        if activity.photo_count < action.min_photos:
            missing.append(
                _("at least %(n)d photos (%(have)d so far)")
                % {"n": action.min_photos, "have": activity.photo_count}
            )
        if len(activity.summary) < action.min_summary_length:
            missing.append(
                _("a summary of at least %(n)d characters (%(have)d so far)")
                % {"n": action.min_summary_length, "have": len(activity.summary)}
            )
        if action.min_attendance_rate and (
            not activity.expected or activity.present * 100 < action.min_attendance_rate * activity.expected
        ):
            missing.append(_("an attendance rate of at least %(n)d%%") % {"n": action.min_attendance_rate})
        checks.append(
            {
                "action": action,
                "missing": missing,
                "counts": not missing and activity.status in COUNTING_STATUSES,
            }
        )
    return checks


def _corrections(activity: Activity) -> list:
    """The trail of changes made after verification, with field names people read."""
    corrections = list(activity.corrections.select_related("changed_by"))
    for correction in corrections:
        correction.lines = []
        for name, values in correction.changes.items():
            try:
                label = Activity._meta.get_field(name).verbose_name
            except FieldDoesNotExist:  # a field since removed
                label = name
            old, new = (values + ["", ""])[:2] if isinstance(values, list) else ("", values)
            correction.lines.append({"label": label, "old": old, "new": new})
    return corrections


@login_required
def activity_detail(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    evidence = list(activity.evidence.select_related("uploaded_by"))
    attendances = list(
        activity.attendances.select_related("person").order_by("person__sort_order", "person_id")
    )
    context = {
        "activity": activity,
        "badge": STATUS_BADGES[activity.status],
        "may": permissions_for(request.user, activity),
        "images": [e for e in evidence if e.is_image],
        "files": [e for e in evidence if not e.is_image],
        "attendances": attendances,
        "attendance_labels": dict(AttendanceStatus.choices),
        "corrections": _corrections(activity),
        "checks": counting_checks(activity),
        "upload_form": EvidenceUploadForm(),
        "return_form": ReturnForm(),
        "highlight_form": HighlightForm(initial={"citation": activity.highlight_citation}),
    }
    return render(request, "ledger/activity_detail.html", context)


@login_required
def activity_create(request):
    recording = _recording_scope(request.user)
    if recording.is_empty:
        raise DjangoPermissionDenied
    fixed_org = _single_unit(request.user)
    initial_org = fixed_org
    if initial_org is None:
        wanted = request.GET.get("org") or getattr(request.user, "home_organization_id", None)
        if wanted and str(wanted).isdigit():
            initial_org = (
                recording.filter(Organization.objects.filter(is_archived=False)).filter(pk=wanted).first()
            )
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and fixed_org is not None:
        data["organization"] = str(fixed_org.pk)
    form = ActivityForm(
        data,
        user=request.user,
        creating=True,
        initial={
            "organization": initial_org.pk if initial_org else None,
            "campaign": _default_campaign(request.user, initial_org),
        },
    )
    chosen_org = initial_org
    if request.method == "POST":
        picked = data.get("organization", "")
        chosen_org = (
            recording.filter(Organization.objects.filter(is_archived=False)).filter(pk=picked).first()
            if picked.isdigit()
            else None
        )
        if form.is_valid():
            if chosen_org is None:
                form.add_error("organization", _("Choose an organisation you record for."))
            else:
                try:
                    activity = services.create_activity(
                        actor=request.user, organization=chosen_org, request=request, **form.service_fields()
                    )
                except ServiceError as error:
                    error.add_to(form)
                else:
                    messages.success(
                        request, _("Saved as a draft. Add photos and other evidence, then submit it.")
                    )
                    return redirect(reverse("ledger:activity_detail", args=[activity.pk]) + "#evidence")
    return render(
        request,
        "ledger/activity_form.html",
        {"form": form, "creating": True, "fixed_org": fixed_org, "chosen_org": chosen_org},
    )


@login_required
def activity_edit(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    refusal = services.edit_refusal(request.user, activity)
    if refusal is not None:
        return refused_page(request, activity, refusal)
    counts_from_marks = uses_marks(activity)
    options = {
        "user": request.user,
        "creating": False,
        "counts_from_marks": counts_from_marks,
        "needs_reason": activity.is_locked,
    }
    initial = {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS}
    initial["version"] = activity.version
    form = ActivityForm(request.POST or None, initial=initial, **options)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(
                actor=request.user,
                activity=activity,
                loaded_version=form.cleaned_data["version"],
                reason=form.cleaned_data.get("reason", ""),
                request=request,
                **form.service_fields(),
            )
        except StaleRecord as error:
            # Keep everything the user typed; the next save deliberately overwrites.
            stale = True
            data = request.POST.copy()
            data["version"] = str(Activity.objects.get(pk=activity.pk).version)
            form = ActivityForm(data, initial=initial, **options)
            form.is_valid()
            form.add_error(None, str(error))
        except PermissionDenied as error:
            raise DjangoPermissionDenied from error
        except services.AwaitingReview as error:  # submitted in another tab meanwhile
            return refused_page(request, activity, error)
        except ServiceError as error:
            error.add_to(form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("ledger:activity_detail", pk=activity.pk)
    return render(
        request,
        "ledger/activity_form.html",
        {"form": form, "activity": activity, "creating": False, "stale": stale},
    )


def _workflow(request, pk, action, done_message, **kwargs):
    activity = visible_activity_or_404(request.user, pk)
    try:
        action(actor=request.user, activity=activity, request=request, **kwargs)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message)
    return redirect("ledger:activity_detail", pk=activity.pk)


@login_required
@require_POST
def activity_submit(request, pk):
    return _workflow(request, pk, services.submit_activity, _("Submitted to the level above."))


@login_required
@require_POST
def activity_withdraw(request, pk):
    return _workflow(
        request,
        pk,
        services.withdraw_activity,
        _("Withdrawn: the record is a draft again. Change it, then submit it again."),
    )


@login_required
@require_POST
def activity_verify(request, pk):
    return _workflow(request, pk, services.verify_activity, _("Verified."))


@login_required
@require_POST
def activity_return(request, pk):
    return _workflow(
        request,
        pk,
        services.return_activity,
        _("Returned to the unit with your reason."),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def activity_highlight(request, pk):
    highlight = request.POST.get("highlight", "1") != "0"
    return _workflow(
        request,
        pk,
        services.flag_highlight,
        _("Marked as a highlight.") if highlight else _("No longer a highlight."),
        citation=request.POST.get("citation", ""),
        highlight=highlight,
    )


@login_required
@require_POST
def activity_delete(request, pk):
    activity = visible_activity_or_404(request.user, pk)
    try:
        services.delete_activity(actor=request.user, activity=activity, request=request)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("ledger:activity_detail", pk=activity.pk)
    messages.success(request, _("Deleted “%(title)s”.") % {"title": activity.title})
    return redirect("ledger:activities")
