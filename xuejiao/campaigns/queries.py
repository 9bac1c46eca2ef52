"""Reading completion: status of a cell, roll-ups for a level, checklists and to-do lists."""

from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuejiao.orgs.models import Category, Organization
from xuejiao.orgs.scope import PATH_END

from . import sources
from .models import (
    ActionDocument,
    Campaign,
    Completion,
    CompletionRollup,
    DocumentStatus,
    RequiredAction,
    RuleType,
)
from .rules import counted_records


class Status:
    DONE = "done"
    AWAITING_REVIEW = "awaiting_review"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"

    LABELS = {
        DONE: _("Done"),
        AWAITING_REVIEW: _("Awaiting review"),
        IN_PROGRESS: _("In progress"),
        NOT_STARTED: _("Not started"),
        OVERDUE: _("Overdue"),
        NOT_APPLICABLE: _("Not applicable"),
    }


def cell_status(cell: Completion | None, action: RequiredAction, today=None, awaiting_review=False) -> str:
    """Overdue is not stored: it depends on today, so it is derived when read. A document
    handed in and not reviewed yet (awaiting_review) waits on the level above, not on the unit."""
    today = today or timezone.localdate()
    if cell is None:
        return Status.NOT_APPLICABLE
    if cell.done:
        return Status.DONE
    if awaiting_review:
        return Status.AWAITING_REVIEW
    if today > action.due_date:
        return Status.OVERDUE
    return Status.IN_PROGRESS if cell.count > 0 else Status.NOT_STARTED


def awaiting_review(actions, organization_ids) -> set[tuple[int, int]]:
    """(action id, organisation id) pairs with a document handed in and not reviewed yet, for
    the document-rule actions among `actions` (no query when there are none)."""
    document_actions = [action.pk for action in actions if action.rule_type == RuleType.DOCUMENT]
    if not document_actions or not organization_ids:
        return set()
    return set(
        ActionDocument.objects.filter(
            action_id__in=document_actions,
            organization_id__in=list(organization_ids),
            status=DocumentStatus.SUBMITTED,
        ).values_list("action_id", "organization_id")
    )


@dataclass
class Figures:
    applicable: int = 0
    done: int = 0
    started: int = 0
    overdue: int = 0
    by_category: dict = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.applicable, 1) if self.applicable else 0.0

    @property
    def not_done(self) -> int:
        return self.applicable - self.done


def _figures(rows, action, today) -> Figures:
    figures = Figures()
    for row in rows:
        figures.applicable += row["applicable"]
        figures.done += row["done"]
        figures.started += row["started"]
        per = figures.by_category.setdefault(row["category"], Figures())
        per.applicable += row["applicable"]
        per.done += row["done"]
        per.started += row["started"]
    if today > action.due_date:
        figures.overdue = figures.applicable - figures.done
        for per in figures.by_category.values():
            per.overdue = per.applicable - per.done
    return figures


def figures_for(campaign: Campaign, organizations: list[Organization], today=None) -> dict:
    """{(action id, organisation id): Figures} for the subtrees of the given organisations,
    read from the roll-ups in one query."""
    today = today or timezone.localdate()
    actions = {a.pk: a for a in campaign.actions.all()}
    by_path = {o.path: o for o in organizations}
    rows = (
        CompletionRollup.objects.filter(action__campaign=campaign, org_path__in=list(by_path))
        .values("action_id", "org_path", "category", "applicable", "done", "started")
        .order_by()
    )
    grouped: dict = {}
    for row in rows:
        grouped.setdefault((row["action_id"], row["org_path"]), []).append(row)
    result = {}
    for action_id, action in actions.items():
        for path, organization in by_path.items():
            result[(action_id, organization.pk)] = _figures(grouped.get((action_id, path), []), action, today)
    return result


def totals_by_action(
    campaign: Campaign, organization: Organization, today=None
) -> list[tuple[RequiredAction, Figures]]:
    figures = figures_for(campaign, [organization], today)
    return [
        (action, figures[(action.pk, organization.pk)]) for action in campaign.actions.select_related("phase")
    ]


def category_percentages(campaign: Campaign, organization: Organization) -> list[dict]:
    """Completion by category of organisation over all actions, below one organisation."""
    rows = (
        CompletionRollup.objects.filter(action__campaign=campaign, org_path=organization.path)
        .values("category")
        .annotate(applicable=Sum("applicable"), done=Sum("done"))
        .order_by("category")
    )
    labels = dict(Category.choices)
    return [
        {
            "category": row["category"],
            "label": labels.get(row["category"], row["category"]),
            "applicable": row["applicable"],
            "done": row["done"],
            "percent": round(100 * row["done"] / row["applicable"], 1) if row["applicable"] else 0.0,
        }
        for row in rows
    ]


def checklist(campaign: Campaign, organization: Organization, today=None) -> list[dict]:
    """One organisation's required actions, each with its status and the records that satisfy it."""
    today = today or timezone.localdate()
    cells = {
        c.action_id: c
        for c in Completion.objects.filter(action__campaign=campaign, organization=organization)
    }
    actions = list(campaign.actions.select_related("phase"))
    pending = awaiting_review(actions, [organization.pk])
    items = []
    for action in actions:
        cell = cells.get(action.pk)
        records = []
        if cell is not None:
            records = list(
                counted_records(action).filter(organization_id=organization.pk).order_by("-pk")[:10]
            )
        status = cell_status(cell, action, today, awaiting_review=(action.pk, organization.pk) in pending)
        items.append({"action": action, "cell": cell, "status": status, "records": records})
    return items


def not_done(action: RequiredAction, scope, under: Organization | None = None) -> QuerySet:
    """Cells of organisations in scope (and under `under`) that have not completed the action."""
    queryset = scope.filter(Completion.objects.filter(action=action, done=False))
    if under is not None:
        queryset = queryset.filter(org_path__gte=under.path, org_path__lt=under.path + PATH_END)
    return queryset.select_related("organization").order_by("org_path")


def cells_for(campaign: Campaign, organizations: list[Organization]) -> dict:
    """{(action id, organisation id): Completion} of the given organisations' own cells, in one query."""
    cells = Completion.objects.filter(
        action__campaign=campaign, organization_id__in=[o.pk for o in organizations]
    ).order_by()
    return {(c.action_id, c.organization_id): c for c in cells}


def optional_activities(campaign: Campaign, organization: Organization) -> QuerySet | None:
    """自选动作: the organisation's records of the campaign that count towards none of the
    required actions that apply to it (from the activity records' source)."""
    return sources.source_for(RuleType.ACTIVITY_COUNT).optional(campaign, organization)


def highlights(campaign: Campaign, scope, under: Organization | None = None) -> QuerySet:
    """特色亮点 of the campaign in scope (and under `under`), newest first."""
    queryset = scope.filter(sources.source_for(RuleType.ACTIVITY_COUNT).highlights(campaign))
    if under is not None:
        queryset = queryset.filter(org_path__gte=under.path, org_path__lt=under.path + PATH_END)
    return queryset.select_related("organization").order_by("-starts_at", "-pk")
