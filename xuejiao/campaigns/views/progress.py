"""Completion pages, read only from the roll-ups and cells (never from the ledger in bulk):
the overview and drill-down matrix, the roll-up by category, the "not done yet" lists with
their Excel export, an organisation's checklist, and the campaign's highlights."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit.services import record_export
from xuejiao.core.errors import ServiceError
from xuejiao.core.exports import export_file, new_workbook
from xuejiao.core.pagination import paginate
from xuejiao.orgs.models import Category, Organization
from xuejiao.orgs.queries import children_of
from xuejiao.orgs.scope import scope_for

from ..models import RuleType
from ..queries import (
    Figures,
    Status,
    awaiting_review,
    category_percentages,
    cell_status,
    cells_for,
    checklist,
    figures_for,
    highlights,
    not_done,
    optional_activities,
)
from ..rules import required_count
from ..templatetags.campaign_tags import colour
from .common import (
    action_or_404,
    campaign_or_404,
    home_organization_in,
    ledger_links,
    organization_or_404,
    organization_param,
    rule_summary,
    top_organizations,
    trail,
)
from .documents import attach_documents, documents_awaiting

MATRIX_ROWS = 50
EXPORT_LIMIT = 200_000
# Cells read and given their trails at a time.
EXPORT_BATCH = 2000


def _own_figures(cell, action, today) -> Figures:
    """What one organisation's own cell amounts to, in the roll-ups' terms."""
    figures = Figures()
    if cell is not None:
        figures.applicable = 1
        figures.done = int(cell.done)
        figures.started = int(not cell.done and cell.count > 0)
        figures.overdue = int(not cell.done and today > action.due_date)
    return figures


def _add(total: Figures, part: Figures) -> None:
    total.applicable += part.applicable
    total.done += part.done
    total.started += part.started
    total.overdue += part.overdue


@dataclass
class MatrixRow:
    organization: Organization
    is_self: bool = False
    drills: bool = False  # percentages of a subtree, each linking one level down
    url: str = ""
    cells: list = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


@login_required
def progress(request, pk):
    """Completion for the viewer's level: totals per action, and a matrix of the sub-units
    (one level down) × actions that drills down to the leaves. A fixed number of queries
    whatever the number of sub-units and actions."""
    campaign = campaign_or_404(request.user, pk)
    scope = scope_for(request.user)
    today = timezone.localdate()
    current = organization_param(request, campaign)
    all_tops = top_organizations(request.user, campaign)
    tops = [current] if current is not None else all_tops
    if current is None and len(tops) == 1:
        current = tops[0]
    actions = list(campaign.actions.select_related("phase"))

    page = None
    if current is not None:
        page = paginate(request, scope.filter(children_of(current)), per_page=MATRIX_ROWS)
        rows = list(page.object_list)
    else:
        rows = list(tops)

    # Subtree figures from the roll-ups where the whole subtree is in scope; an organisation's
    # own cell otherwise (a unit-only grant must not learn about the units below it).
    rolled = {o.pk: o for o in [*tops, *rows] if scope.covers_subtree(o)}
    own = {o.pk: o for o in rows if o.numchild == 0 or o.pk not in rolled}
    own.update({o.pk: o for o in tops})
    figures = figures_for(campaign, list(rolled.values()), today) if rolled else {}
    cells = cells_for(campaign, list(own.values()))
    pending = awaiting_review(actions, list(own))

    totals = []
    for action in actions:
        total = Figures()
        for top in tops:
            if top.pk in rolled:
                _add(total, figures[(action.pk, top.pk)])
            else:
                _add(total, _own_figures(cells.get((action.pk, top.pk)), action, today))
        totals.append((action, total))

    def checklist_url(org):
        return reverse("campaigns:checklist", args=[campaign.pk, org.pk])

    def badge_row(org, is_self=False):
        row = MatrixRow(org, is_self=is_self, url=checklist_url(org))
        for action in actions:
            cell = cells.get((action.pk, org.pk))
            waiting = (action.pk, org.pk) in pending
            row.cells.append({"status": cell_status(cell, action, today, waiting), "cell": cell})
            _add(row.total, _own_figures(cell, action, today))
        return row

    matrix = []
    if current is not None and any((a.pk, current.pk) in cells for a in actions):
        matrix.append(badge_row(current, is_self=True))
    for org in rows:
        if org.pk in rolled and org.numchild > 0:
            url = f"{reverse('campaigns:progress', args=[campaign.pk])}?org={org.pk}"
            row = MatrixRow(org, drills=True, url=url)
            for action in actions:
                figure = figures[(action.pk, org.pk)]
                row.cells.append({"figures": figure})
                _add(row.total, figure)
            matrix.append(row)
        else:
            matrix.append(badge_row(org))

    by_category: dict[str, dict] = {}
    for top in tops:
        if top.pk not in rolled:
            continue
        for row in category_percentages(campaign, top):
            entry = by_category.setdefault(row["category"], {**row, "applicable": 0, "done": 0})
            entry["applicable"] += row["applicable"]
            entry["done"] += row["done"]
    categories = []
    for entry in by_category.values():
        entry["percent"] = round(100 * entry["done"] / entry["applicable"], 1) if entry["applicable"] else 0.0
        categories.append(entry)

    return render(
        request,
        "campaigns/progress.html",
        {
            "campaign": campaign,
            "current": current,
            "tops": tops,
            "trail": trail(request.user, campaign, current) if current is not None else [],
            "several_tops": len(all_tops) > 1,
            "actions": actions,
            "totals": totals,
            "matrix": matrix,
            "page_obj": page,
            "categories": categories,
            "today": today,
            "documents_awaiting": documents_awaiting(request.user, campaign),
            "tab": "progress",
        },
    )


def _with_paths(user, campaign, cells, action, today):
    """Give each not-done cell its status and the names of its ancestors below the campaign's
    organiser (the ones the user may see), in one query for the whole batch."""
    scope = scope_for(user)
    step = Organization.steplen
    first = len(campaign.root_path) + step
    wanted = {cell.org_path[:end] for cell in cells for end in range(first, len(cell.org_path), step)}
    names = {}
    if wanted:
        for path, short_name, name in scope.filter(Organization.objects.filter(path__in=wanted)).values_list(
            "path", "short_name", "name"
        ):
            names[path] = short_name or name
    pending = awaiting_review([action], [cell.organization_id for cell in cells])
    for cell in cells:
        cell.trail = [
            names[cell.org_path[:end]]
            for end in range(first, len(cell.org_path), step)
            if cell.org_path[:end] in names
        ]
        cell.status = cell_status(cell, action, today, (action.pk, cell.organization_id) in pending)
    return cells


@login_required
def not_done_list(request, pk, action_pk):
    campaign = campaign_or_404(request.user, pk)
    action = action_or_404(campaign, action_pk)
    under = organization_param(request, campaign)
    today = timezone.localdate()
    page = paginate(request, not_done(action, scope_for(request.user), under))
    _with_paths(request.user, campaign, list(page.object_list), action, today)
    return render(
        request,
        "campaigns/not_done.html",
        {
            "campaign": campaign,
            "action": action,
            "rule_text": rule_summary(action),
            "required": required_count(action),
            "under": under,
            "page_obj": page,
            "is_past_due": today > action.due_date,
            "tab": "progress",
        },
    )


@login_required
def not_done_export(request, pk, action_pk):
    """The "not done yet" list as Excel, written in constant memory."""
    campaign = campaign_or_404(request.user, pk)
    action = action_or_404(campaign, action_pk)
    under = organization_param(request, campaign)
    refusal = _(
        "More than %(limit)s organisations have not done this yet, more than one file may hold. "
        "Choose an organisation further down and export it part by part."
    ) % {"limit": f"{EXPORT_LIMIT:,}"}
    try:
        spool, _rows = export_file(
            not_done(action, scope_for(request.user), under),
            limit=EXPORT_LIMIT,
            refusal=refusal,
            rows_of=lambda cells: cells.iterator(chunk_size=EXPORT_BATCH),
            write=lambda path, cells: _write_not_done(path, request.user, campaign, action, cells),
            on_written=lambda count: record_export(
                actor=request.user,
                what=_("not done yet: %(title)s") % {"title": action.title},
                rows=count,
                organization=under or campaign.root,
                request=request,
            ),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        back = reverse("campaigns:not_done", args=[campaign.pk, action.pk])
        return redirect(f"{back}?org={under.pk}" if under else back)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"not-done-{action.pk}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _write_not_done(path: str, user, campaign, action, cells: Iterable) -> int:
    """The cells to an .xlsx at `path` (each with the trail above it, read by the batch);
    returns how many were written."""
    today = timezone.localdate()
    needed = required_count(action)
    labels = dict(Category.choices)
    workbook = new_workbook(path)
    sheet = workbook.add_worksheet(_("Not done yet"))
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F7"})
    sheet.write(0, 0, action.title, bold)
    sheet.write(
        1, 0, _("Due %(day)s · %(rule)s") % {"day": action.due_date.isoformat(), "rule": rule_summary(action)}
    )
    columns = [
        _("Organisation code"),
        _("Organisation"),
        _("Above it"),
        _("Category"),
        _("Recorded"),
        _("Records required"),
        _("Status"),
    ]
    for col, title in enumerate(columns):
        sheet.write(3, col, title, header)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 2, 32)
    sheet.set_column(3, 6, 12)
    rows = 0
    cells = iter(cells)
    while batch := list(islice(cells, EXPORT_BATCH)):
        for cell in _with_paths(user, campaign, batch, action, today):
            rows += 1
            sheet.write_row(
                3 + rows,
                0,
                [
                    cell.organization.code,
                    cell.organization.name,
                    " / ".join(cell.trail),
                    str(labels.get(cell.category, cell.category)),
                    cell.count,
                    needed,
                    str(Status.LABELS[cell.status]),
                ],
            )
    workbook.close()
    return rows


@login_required
def my_checklist(request, pk):
    """The checklist of the user's own organisation, or of the top of their part of the campaign."""
    campaign = campaign_or_404(request.user, pk)
    organization = home_organization_in(request.user, campaign)
    if organization is None:
        tops = top_organizations(request.user, campaign)
        if not tops:
            raise Http404
        organization = tops[0]
    return redirect("campaigns:checklist", pk=campaign.pk, org_pk=organization.pk)


@login_required
def org_checklist(request, pk, org_pk):
    campaign = campaign_or_404(request.user, pk)
    organization = organization_or_404(request.user, campaign, org_pk)
    today = timezone.localdate()
    items = checklist(campaign, organization, today)
    for item in items:
        item["rule_text"] = rule_summary(item["action"])
        item["required"] = required_count(item["action"])
        item["is_document"] = item["action"].rule_type == RuleType.DOCUMENT
    attach_documents(request.user, campaign, organization, items)
    applicable = [item for item in items if item["status"] != Status.NOT_APPLICABLE]
    done = sum(1 for item in applicable if item["status"] == Status.DONE)
    optional = paginate(request, optional_activities(campaign, organization))
    own_highlights = list(
        highlights(campaign, scope_for(request.user)).filter(organization_id=organization.pk)[:10]
    )
    return render(
        request,
        "campaigns/checklist.html",
        {
            "campaign": campaign,
            "org": organization,
            "trail": trail(request.user, campaign, organization),
            "items": items,
            "applicable_count": len(applicable),
            "done_count": done,
            "percent": round(100 * done / len(applicable)) if applicable else 0,
            "bar_colour": colour(
                100 * done / len(applicable) if applicable else 0,
                sum(1 for item in applicable if item["status"] == Status.OVERDUE),
            ),
            "page_obj": optional,
            "own_highlights": own_highlights,
            "ledger_links": ledger_links(),
            "tab": "checklist",
        },
    )


@login_required
def highlight_list(request, pk):
    campaign = campaign_or_404(request.user, pk)
    under = organization_param(request, campaign)
    page = paginate(request, highlights(campaign, scope_for(request.user), under))
    return render(
        request,
        "campaigns/highlights.html",
        {
            "campaign": campaign,
            "under": under,
            "page_obj": page,
            "ledger_links": ledger_links(),
            "tab": "highlights",
        },
    )
