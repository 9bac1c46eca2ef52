"""Activities of the ledger: list, read, create, change, and the workflow steps."""

from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.core.errors import StaleRecord
from xuejiao.core.pagination import COUNT_CAP
from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import PATH_END, scope_for

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


class ActivityFilters(Schema):
    campaign: int | None = None
    kind: ActivityKind | None = None
    status: ActivityStatus | None = None
    org: int | None = Field(None, description="An organisation: its whole subtree is listed")
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0)


class ActivityIn(Schema):
    organization_id: int
    campaign_id: int | None = None
    kind: ActivityKind
    title: str = Field(..., min_length=1, max_length=200)
    topic: str = ""
    starts_at: datetime
    ends_at: datetime | None = None
    place: str = ""
    mode: Mode = Mode.OFFLINE
    host: str = ""
    speaker: str = ""
    first_agenda: bool = False
    first_agenda_content: str = ""
    expected: int = Field(0, ge=0)
    present: int = Field(0, ge=0)
    on_leave: int = Field(0, ge=0)
    absent: int = Field(0, ge=0)
    summary: str = ""
    submit: bool = False


class ActivityPatch(Schema):
    version: int = Field(
        ...,
        description="The version read; a stale version is refused with 409, as is any change "
        "to a record awaiting review (withdraw it first)",
    )
    reason: str = Field("", description="Required when correcting a verified record")
    campaign_id: int | None = None
    kind: ActivityKind | None = None
    title: str | None = None
    topic: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    mode: Mode | None = None
    host: str | None = None
    speaker: str | None = None
    first_agenda: bool | None = None
    first_agenda_content: str | None = None
    expected: int | None = Field(None, ge=0)
    present: int | None = Field(None, ge=0)
    on_leave: int | None = Field(None, ge=0)
    absent: int | None = Field(None, ge=0)
    summary: str | None = None


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


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


@router.get("", response=ActivityPage, summary="Activities in the caller's scope, newest first")
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
    items = list(queryset.order_by("-starts_at", "-pk")[filters.offset : filters.offset + filters.limit])
    return {"count": min(count, COUNT_CAP), "count_capped": count > COUNT_CAP, "items": items}


@router.get("/{activity_id}", response=ActivityOut, summary="One activity (404 outside the caller's scope)")
def get_activity(request, activity_id: int):
    return scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)


@router.post("", response={201: ActivityOut}, summary="Record an activity (as a draft, or submitted)")
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


@router.patch("/{activity_id}", response={200: ActivityOut, 409: dict}, summary="Change an activity")
def update_activity(request, activity_id: int, payload: ActivityPatch):
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


@router.post("/{activity_id}/submit", response=ActivityOut, summary="Submit to the level above")
def submit(request, activity_id: int):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.submit_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post(
    "/{activity_id}/withdraw",
    response=ActivityOut,
    summary="Withdraw from review (the unit): a draft again",
)
def withdraw(request, activity_id: int):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.withdraw_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post("/{activity_id}/verify", response=ActivityOut, summary="Verify (the level above)")
def verify(request, activity_id: int):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.verify_activity(actor=request.auth, activity=activity, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)


@router.post("/{activity_id}/return", response=ActivityOut, summary="Return with a reason (the level above)")
def return_activity(request, activity_id: int, payload: ReturnIn):
    activity = scope_for(request.auth).get_or_404(_scoped(request.auth), pk=activity_id)
    services.return_activity(actor=request.auth, activity=activity, reason=payload.reason, request=request)
    return Activity.objects.select_related("organization").get(pk=activity.pk)
