"""The ledger as a source of completion: which activity records count towards a required
action (campaigns.sources), registered when the ledger starts (LedgerConfig.ready).

The ledger's services tell completion of every change through campaigns.signals.records_changed.
"""

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length

from xuejiao.campaigns.models import RequiredAction, RuleType
from xuejiao.campaigns.rules import window
from xuejiao.campaigns.signals import records_changed

from .models import COUNTING_STATUSES, Activity, ActivityKind


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


class ActivitySource:
    rule_type = RuleType.ACTIVITY_COUNT
    time_field = "starts_at"

    def counted(self, action: RequiredAction) -> QuerySet:
        return counting_activities(action)

    def kind_choices(self) -> list[tuple[str, str]]:
        return ActivityKind.choices

    def optional(self, campaign, organization) -> QuerySet:
        """自选动作: the organisation's submitted or verified records of the campaign that
        count towards none of the required actions that apply to it."""
        queryset = Activity.objects.filter(
            organization_id=organization.pk, campaign=campaign, status__in=COUNTING_STATUSES
        )
        applicable = campaign.actions.filter(
            rule_type=RuleType.ACTIVITY_COUNT, completions__organization_id=organization.pk
        )
        counted = None
        for action in applicable:
            condition = counts_q(action)
            if action.min_summary_length:
                condition &= Q(summary_length__gte=action.min_summary_length)
            counted = condition if counted is None else counted | condition
        if counted is not None:
            # The conditions may refer to these two, as in counting_activities.
            queryset = queryset.annotate(present_x100=F("present") * 100, summary_length=Length("summary"))
            queryset = queryset.exclude(counted)
        return queryset.order_by("-starts_at", "-pk")

    def highlights(self, campaign) -> QuerySet:
        return Activity.objects.filter(campaign=campaign, is_highlight=True, status__in=COUNTING_STATUSES)


def announce_changes(campaign, organizations) -> None:
    """Tell completion that these organisations' records of the campaign changed (inside the
    transaction that changed them). Records outside any campaign count for nothing."""
    if campaign is not None:
        records_changed.send(sender=Activity, campaign=campaign, organizations=list(organizations))
