"""What a required action asks for, as query conditions: who it applies to, what counts."""

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import PATH_END

from . import sources
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


def counting_documents(action: RequiredAction) -> QuerySet:
    start, end = window(action)
    return ActionDocument.objects.filter(
        action=action, status=DocumentStatus.ACCEPTED, submitted_at__gte=start, submitted_at__lt=end
    )


class DocumentSource:
    """The documents handed in for an action: campaigns' own source of completion."""

    rule_type = RuleType.DOCUMENT
    time_field = "submitted_at"

    def counted(self, action: RequiredAction) -> QuerySet:
        return counting_documents(action)

    def kind_choices(self) -> list[tuple[str, str]]:
        return []

    def optional(self, campaign, organization) -> None:
        return None

    def highlights(self, campaign) -> None:
        return None


def counted_records(action: RequiredAction) -> QuerySet:
    """Whatever the rule counts (activities, accepted documents, …), with an `organization_id`."""
    return sources.source_for(action.rule_type).counted(action)


def record_time_field(action: RequiredAction) -> str:
    """When a counted record happened: the activity's start, the document's submission, …"""
    return sources.source_for(action.rule_type).time_field


def required_count(action: RequiredAction) -> int:
    return 1 if action.rule_type == RuleType.DOCUMENT else max(action.min_count, 1)
