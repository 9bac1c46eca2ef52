"""Campaigns, their required actions, and completion as the roll-ups hold it."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from xuejiao.campaigns.models import Campaign, RequiredAction
from xuejiao.campaigns.permissions import visible_campaigns
from xuejiao.campaigns.queries import checklist, figures_for
from xuejiao.orgs.models import Organization
from xuejiao.orgs.queries import children_of, scope_roots
from xuejiao.orgs.scope import scope_for

from .errors import answers
from .pagination import Paging
from .types import Id

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    name: str
    motto: str
    starts_on: date
    ends_on: date
    root_id: int


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class ActionOut(Schema):
    id: int
    title: str
    description: str
    phase: str | None = Field(None, alias="phase.name")
    due_date: date
    rule_type: str
    activity_kinds: list[str]
    min_count: int
    require_first_agenda: bool
    topic_keyword: str
    categories: list[str]


class FiguresOut(Schema):
    action_id: int
    applicable: int
    done: int
    started: int
    overdue: int
    percent: float


class OrgFiguresOut(Schema):
    organization_id: int
    organization_name: str
    actions: list[FiguresOut]


class CompletionOut(Schema):
    organization: OrgFiguresOut
    children: list[OrgFiguresOut]


class ChecklistItemOut(Schema):
    action_id: int
    title: str
    due_date: date
    status: str
    count: int
    record_ids: list[int]


def _campaign(user, campaign_id) -> Campaign:
    return get_object_or_404(visible_campaigns(user), pk=campaign_id)


@router.get("", response=answers(CampaignPage), summary="Campaigns the caller takes part in")
def list_campaigns(request, page: Query[Paging]):
    queryset = visible_campaigns(request.auth).order_by("-starts_on", "-pk")
    return {"count": queryset.count(), "items": list(page.rows(queryset))}


@router.get("/{campaign_id}", response=answers(CampaignOut, 404), summary="One campaign")
def get_campaign(request, campaign_id: Path[Id]):
    return _campaign(request.auth, campaign_id)


@router.get(
    "/{campaign_id}/actions",
    response=answers(list[ActionOut], 404),
    summary="The campaign's required actions",
)
def list_actions(request, campaign_id: Path[Id]):
    campaign = _campaign(request.auth, campaign_id)
    return list(RequiredAction.objects.filter(campaign=campaign).select_related("phase"))


def _org_figures(campaign, organization, figures) -> dict:
    return {
        "organization_id": organization.pk,
        "organization_name": organization.name,
        "actions": [
            {
                "action_id": action_id,
                "applicable": f.applicable,
                "done": f.done,
                "started": f.started,
                "overdue": f.overdue,
                "percent": f.percent,
            }
            for (action_id, org_id), f in figures.items()
            if org_id == organization.pk
        ],
    }


@router.get(
    "/{campaign_id}/completion",
    response=answers(CompletionOut, 404),
    summary="Completion of every action for an organisation and each of its children (from the roll-ups)",
)
def completion(request, campaign_id: Path[Id], org: Query[Id | None] = None):
    campaign = _campaign(request.auth, campaign_id)
    scope = scope_for(request.auth)
    if org is None:
        roots = scope_roots(request.auth)
        if not roots:
            return {
                "organization": {"organization_id": 0, "organization_name": "", "actions": []},
                "children": [],
            }
        organization = roots[0]
    else:
        organization = scope.get_or_404(Organization.objects.all(), pk=org)
    children = list(scope.filter(children_of(organization))) if scope.reaches_below(organization) else []
    figures = figures_for(campaign, [organization, *children])
    return {
        "organization": _org_figures(campaign, organization, figures),
        "children": [_org_figures(campaign, child, figures) for child in children],
    }


@router.get(
    "/{campaign_id}/checklist/{org_id}",
    response=answers(list[ChecklistItemOut], 404),
    summary="One organisation's required actions, status and the records that satisfy them",
)
def org_checklist(request, campaign_id: Path[Id], org_id: Path[Id]):
    campaign = _campaign(request.auth, campaign_id)
    organization = scope_for(request.auth).get_or_404(Organization.objects.all(), pk=org_id)
    return [
        {
            "action_id": item["action"].pk,
            "title": item["action"].title,
            "due_date": item["action"].due_date,
            "status": item["status"],
            "count": item["cell"].count if item["cell"] else 0,
            "record_ids": [record.pk for record in item["records"]],
        }
        for item in checklist(campaign, organization)
    ]
