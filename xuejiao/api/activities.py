"""Activities of the ledger: list, read, create, change, and the workflow steps."""

from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.core.errors import StaleRecord
from xuejiao.core.pagination import COUNT_CAP
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import PATH_END, scope_for

from .errors import answers
from .pagination import Paging
from .types import (
    Id,
    People,
    PlausibleDate,
    PlausibleDateTime,
    SearchText,
    Version,
    model_text,
    text,
    unset,
)

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    campaign_id: int | None
    kind: str
    title: str
    topic: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    mode: str
    host: str
    speaker: str
    first_agenda: bool
    first_agenda_content: str
    expected: int
    present: int
    on_leave: int
    absent: int
    summary: str
    photo_count: int
    status: str
    return_reason: str
    is_highlight: bool
    version: int


class ActivityPage(Schema):
    count: int
    count_capped: bool
    items: list[ActivityOut]


class ActivityFilters(Paging):
    campaign: Id | None = None
    kind: ActivityKind | None = None
    status: ActivityStatus | None = None
    org: Id | None = Field(None, description="An organisation: its whole subtree is listed")
    date_from: PlausibleDate | None = None
    date_to: PlausibleDate | None = None
    q: SearchText | None = None
    limit: int = Field(20, ge=1, le=200, description="Rows in the page")


class ActivityIn(Schema):
    organization_id: Id
    campaign_id: Id | None = None
    kind: ActivityKind
    title: model_text(Activity, "title")
    topic: model_text(Activity, "topic") = ""
    starts_at: PlausibleDateTime
    ends_at: PlausibleDateTime | None = None
    place: model_text(Activity, "place") = ""
    mode: Mode = Mode.OFFLINE
    host: model_text(Activity, "host") = ""
    speaker: model_text(Activity, "speaker") = ""
    first_agenda: bool = False
    first_agenda_content: model_text(Activity, "first_agenda_content") = ""
    expected: People = 0
    present: People = 0
    on_leave: People = 0
    absent: People = 0
    summary: model_text(Activity, "summary") = ""
    submit: bool = False


class ActivityPatch(Schema):
    """Only the fields sent are changed. null clears what may be empty (campaign_id,
    ends_at); any other field sent as null is refused (422), never stored."""

    version: Version = Field(
        ...,
        description="The version read; a stale version is refused with 409, as is any change "
        "to a record awaiting review (withdraw it first)",
    )
    reason: text(300) = Field("", description="Required when correcting a verified record")
    campaign_id: Id | None = None
    kind: ActivityKind = unset()
    title: model_text(Activity, "title") = unset()
    topic: model_text(Activity, "topic") = unset()
    starts_at: PlausibleDateTime = unset()
    ends_at: PlausibleDateTime | None = None
    place: model_text(Activity, "place") = unset()
    mode: Mode = unset()
    host: model_text(Activity, "host") = unset()
    speaker: model_text(Activity, "speaker") = unset()
    first_agenda: bool = unset()
    first_agenda_content: model_text(Activity, "first_agenda_content") = unset()
    expected: People = unset()
    present: People = unset()
    on_leave: People = unset()
    absent: People = unset()
    summary: model_text(Activity, "summary") = unset()


class ReturnIn(Schema):
    reason: text(300, required=True)


def _scoped(user):
    return scope_for(user).filter(Activity.objects.select_related("organization"))


def _campaign(user, campaign_id):
    if campaign_id is None:
        return None
    campaign = visible_campaigns(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


@router.get("", response=answers(ActivityPage, 404), summary="Activities in the caller's scope, newest first")
def list_activities(request, filters: Query[ActivityFilters]):
    scope = scope_for(request.auth)
    queryset = _scoped(request.auth)
    if filters.org is not None:
        org = scope.get_or_404(Organization.objects.all(), pk=filters.org)
        queryset = queryset.filter(org_path__gte=org.path, org_path__lt=org.path + PATH_END)
    if filters.campaign is not None:
        queryset = queryset.filter(campaign_id=filters.campaign)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.date_from:
        queryset = queryset.filter(starts_at__gte=_local_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(starts_at__lt=_local_day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        queryset = queryset.filter(title__contains=filters.q.strip())
    count = queryset.values("pk")[: COUNT_CAP + 1].count()
    items = list(filters.rows(queryset.order_by("-starts_at", "-pk")))
    return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "items": items}


@router.get(
    "/{activity_id}",
    response=answers(ActivityOut, 404),
    summary="One activity (404 outside the caller's scope)",
)
def get_activity(request, activity_id: Path[Id]):
    return scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)


@router.post(
    "",
    response=answers(ActivityOut, 400, 403, 404, status=201),
    summary="Record an activity (as a draft, or submitted)",
)
def create_activity(request, payload: ActivityIn):
    organization = scope_for(request.auth).get_or_404(Organization.objects.all(), pk=payload.organization_id)
    data = payload.dict(exclude={"organization_id", "campaign_id", "submit"})
    activity = services.create_activity(
        actor=request.auth,
        organization=organization,
        campaign=_campaign(request.auth, payload.campaign_id),
        submit=payload.submit,
        request=request,
        **data,
    )
    return Status(201, Activity.objects.select_related("organization").get(pk=activity.pk))


@router.patch(
    "/{activity_id}", response=answers(ActivityOut, 400, 403, 404, 409), summary="Change an activity"
)
def update_activity(request, activity_id: Path[Id], payload: ActivityPatch):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    data = payload.dict(exclude_unset=True, exclude={"version", "reason"})
    if "campaign_id" in data:
        data["campaign"] = _campaign(request.auth, data.pop("campaign_id"))
    try:
        services.update_activity(
            actor=request.auth,
            activity=activity,
            loaded_version=payload.version,
            reason=payload.reason,
            request=request,
            **data,
        )
    except (StaleRecord, services.AwaitingReview) as conflict:
        # Changed meanwhile, or submitted and read-only until returned or withdrawn.
        return Status(409, {"detail": str(conflict)})
    return Status(200, Activity.objects.select_related("organization").get(pk=activity.pk))


@router.post(
    "/{activity_id}/submit", response=answers(ActivityOut, 400, 403, 404), summary="Submit to the level above"
)
def submit(request, activity_id: Path[Id]):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.submit_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post(
    "/{activity_id}/withdraw",
    response=answers(ActivityOut, 400, 403, 404),
    summary="Withdraw from review (the unit): a draft again",
)
def withdraw(request, activity_id: Path[Id]):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.withdraw_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post(
    "/{activity_id}/verify", response=answers(ActivityOut, 400, 403, 404), summary="Verify (the level above)"
)
def verify(request, activity_id: Path[Id]):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.verify_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post(
    "/{activity_id}/return",
    response=answers(ActivityOut, 400, 403, 404),
    summary="Return with a reason (the level above)",
)
def return_activity(request, activity_id: Path[Id], payload: ReturnIn):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.return_activity(actor=request.auth, activity=activity, reason=payload.reason, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)
