"""What a required action asks for, as query conditions: who it applies to, what counts."""

from datetime import datetime, time, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from xuejiao.ledger.models import COUNTING_STATUSES, Activity
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import PATH_END

from .models import ActionDocument, DocumentStatus, RequiredAction, RuleType


def window(action: RequiredAction) -> tuple[datetime, datetime]:
    """[start, end) in the campaign's time zone: from the first counted day through the due date."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(action.counted_from, time.min, zone)
    end = datetime.combine(action.due_date + timedelta(days=1), time.min, zone)
    return start, end


def applicable_organizations(action: RequiredAction) -> QuerySet:
    """Organisations the action applies to: inside the campaign, not archived, matching it,
    and already established when it fell due."""
    root_path = action.campaign.root_path
    queryset = Organization.objects.filter(
        path__gte=root_path, path__lt=root_path + PATH_END, is_archived=False
    ).filter(Q(established_on__isnull=True) | Q(established_on__lte=action.due_date))
    explicit = list(action.explicit_orgs.values_list("pk", flat=True))
    if explicit:
        return queryset.filter(pk__in=explicit)
    if action.categories:
        queryset = queryset.filter(category__in=action.categories)
    if action.org_kinds:
        queryset = queryset.filter(kind__in=action.org_kinds)
    if action.depths:
        queryset = queryset.filter(depth__in=action.depths)
    system_ids = list(action.systems.values_list("pk", flat=True))
    if system_ids:
        queryset = queryset.filter(systems__in=system_ids).distinct()
    return queryset


def counts_q(action: RequiredAction) -> Q:
    """The condition an activity must meet to count towards the action (any organisation)."""
    start, end = window(action)
    condition = Q(
        campaign_id=action.campaign_id,
        status__in=COUNTING_STATUSES,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    if action.activity_kinds:
        condition &= Q(kind__in=action.activity_kinds)
    if action.require_first_agenda:
        condition &= Q(first_agenda=True)
    if action.topic_keyword:
        condition &= Q(title__contains=action.topic_keyword) | Q(topic__contains=action.topic_keyword)
    if action.min_photos:
        condition &= Q(photo_count__gte=action.min_photos)
    if action.min_attendance_rate:
        # present / expected >= rate%, without division: present * 100 >= rate * expected.
        condition &= Q(expected__gt=0, present_x100__gte=F("expected") * action.min_attendance_rate)
    return condition


def counting_activities(action: RequiredAction) -> QuerySet:
    """Activities that count towards the action (of every organisation)."""
    queryset = Activity.objects.all()
    if action.min_attendance_rate:
        queryset = queryset.annotate(present_x100=F("present") * 100)
    if action.min_summary_length:
        queryset = queryset.annotate(summary_length=Length("summary")).filter(
            summary_length__gte=action.min_summary_length
        )
    return queryset.filter(counts_q(action))


def counting_documents(action: RequiredAction) -> QuerySet:
    start, end = window(action)
    return ActionDocument.objects.filter(
        action=action, status=DocumentStatus.ACCEPTED, submitted_at__gte=start, submitted_at__lt=end
    )


def counted_records(action: RequiredAction) -> QuerySet:
    """Whatever the rule counts (activities or accepted documents), with an `organization_id`."""
    if action.rule_type == RuleType.DOCUMENT:
        return counting_documents(action)
    return counting_activities(action)


def record_time_field(action: RequiredAction) -> str:
    """When a counted record happened: the activity's start, or the document's submission."""
    return "submitted_at" if action.rule_type == RuleType.DOCUMENT else "starts_at"


def required_count(action: RequiredAction) -> int:
    return 1 if action.rule_type == RuleType.DOCUMENT else max(action.min_count, 1)
