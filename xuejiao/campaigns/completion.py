"""Keeping Completion and CompletionRollup equal to what the ledger says.

Two grains, one result:
- a subtree (`remove_subtree` / `add_subtree`): grouped counts over the ledger below one
  organisation, bulk inserts, and the subtree's sums carried up to its ancestors. The whole
  campaign is one subtree (`rebuild_action`: a new or edited action, a bulk import); a moved,
  archived or restored part of the tree is another (`move_subtree`), costing its size only.
- named organisations (`refresh_organizations`): their cells in a campaign recomputed after
  their records changed (one record on a page, or every row of an import), and the
  differences moved up to every ancestor's roll-up.
Both run inside the caller's transaction, so figures never disagree with the records.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Max, Q
from django.db.models.functions import Length, Substr

from xuejiao.core.rowupdates import update_rows
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import subtree_q

from .models import Campaign, Completion, CompletionRollup, RequiredAction
from .rules import applicable_organizations, counted_records, record_time_field, required_count

STEP = Organization.steplen
BATCH = 5000
# Organisations (or roll-up paths) per query when refreshing many at once.
REFRESH_BATCH = 5000


class CellValues(NamedTuple):
    """What a refresh sets on a cell (its fields, in this order)."""

    org_path: str
    category: str
    count: int
    done: bool
    done_at: datetime | None


CELL_FIELDS = CellValues._fields


def _ancestor_paths(path: str, from_depth: int) -> list[str]:
    return [path[: STEP * depth] for depth in range(from_depth, len(path) // STEP + 1)]


def rebuild_action(action: RequiredAction) -> None:
    """Recompute one action everywhere: the campaign's whole tree is one subtree. Its cells
    and roll-ups go by the action, not by a path: after the campaign's root moved, they
    still hold the old paths."""
    Completion.objects.filter(action=action).delete()
    CompletionRollup.objects.filter(action=action).delete()
    add_subtree(action, action.campaign.root_path)


def remove_subtree(action: RequiredAction, path: str) -> None:
    """Take the cells at and below `path` out of the figures: their sums leave every
    ancestor's roll-up, then the cells and the subtree's own roll-ups are deleted."""
    cells = Completion.objects.filter(subtree_q("org_path", path), action=action)
    for category, applicable, done, started in _sums_by_category(cells):
        _add_to_rollups(action, path, category, -applicable, -done, -started, above_only=True)
    cells.delete()
    CompletionRollup.objects.filter(subtree_q("org_path", path), action=action).delete()


def add_subtree(action: RequiredAction, path: str) -> None:
    """Compute the cells at and below `path` from the ledger, their roll-ups inside the
    subtree, and add their sums to every ancestor's roll-up. Nothing outside the campaign."""
    root_path = action.campaign.root_path
    if not path.startswith(root_path):
        return
    needed = required_count(action)
    organizations = list(
        applicable_organizations(action).filter(subtree_q("path", path)).values_list("pk", "path", "category")
    )
    records = counted_records(action)
    if path != root_path:
        # Below the root, name the organisations: the (campaign, organisation, kind, date)
        # index then answers each one, where a path range would scan the campaign's records.
        records = records.filter(organization_id__in=[org_id for org_id, _path, _category in organizations])
    counts = {
        org_id: (n, last)
        for org_id, n, last in records.values("organization_id")
        .annotate(n=Count("pk"), last=Max(record_time_field(action)))
        .values_list("organization_id", "n", "last")
    }
    cells = []
    for org_id, org_path, category in organizations:
        count, last = counts.get(org_id, (0, None))
        cells.append(
            Completion(
                action=action,
                organization_id=org_id,
                org_path=org_path,
                category=category,
                count=count,
                done=count >= needed,
                done_at=last if count >= needed else None,
            )
        )
        if len(cells) >= BATCH:
            Completion.objects.bulk_create(cells)
            cells = []
    Completion.objects.bulk_create(cells)
    _build_rollups_inside(action, path)
    added = Completion.objects.filter(subtree_q("org_path", path), action=action)
    for category, applicable, done, started in _sums_by_category(added):
        _add_to_rollups(action, path, category, applicable, done, started, above_only=True)


def _sums_by_category(cells):
    return (
        cells.values("category")
        .annotate(
            applicable=Count("pk"),
            done_n=Count("pk", filter=Q(done=True)),
            started_n=Count("pk", filter=Q(done=False, count__gt=0)),
        )
        .values_list("category", "applicable", "done_n", "started_n")
        .order_by()
    )


def _build_rollups_inside(action: RequiredAction, path: str) -> None:
    """Roll-ups of the organisations at and below `path`, per category, from its cells."""
    cells = Completion.objects.filter(subtree_q("org_path", path), action=action)
    max_depth = (cells.aggregate(longest=Max(Length("org_path")))["longest"] or 0) // STEP
    rows = []
    for depth in range(len(path) // STEP, max_depth + 1):
        rows += (
            cells.annotate(prefix=Substr("org_path", 1, STEP * depth), path_length=Length("org_path"))
            .filter(path_length__gte=STEP * depth)
            .values("prefix", "category")
            .annotate(
                applicable=Count("pk"),
                done_n=Count("pk", filter=Q(done=True)),
                started_n=Count("pk", filter=Q(done=False, count__gt=0)),
            )
            .order_by()
        )
    ids = dict(
        Organization.objects.filter(path__in={row["prefix"] for row in rows}).values_list("path", "pk")
    )
    CompletionRollup.objects.bulk_create(
        [
            CompletionRollup(
                action=action,
                organization_id=ids[row["prefix"]],
                org_path=row["prefix"],
                category=row["category"],
                applicable=row["applicable"],
                done=row["done_n"],
                started=row["started_n"],
            )
            for row in rows
        ],
        batch_size=BATCH,
    )


def move_subtree(campaign: Campaign, old_path: str, new_path: str) -> None:
    """A subtree moved (or was archived or restored, with old_path == new_path): take it
    out where it was and put it back where it is, costing the size of the subtree only."""
    for action in campaign.actions.all():
        remove_subtree(action, old_path)
        add_subtree(action, new_path)


def rebuild_campaign(campaign: Campaign) -> None:
    for action in campaign.actions.all():
        rebuild_action(action)


def refresh_organization(organization: Organization, campaign: Campaign | None) -> None:
    """Recompute one organisation's cells in a campaign and carry the change up the tree."""
    refresh_organizations(campaign, [organization])


def refresh_organizations(campaign: Campaign | None, organizations: Iterable[Organization]) -> None:
    """Recompute these organisations' cells in a campaign and carry the changes up the tree:
    one organisation after one of its records changed, or every organisation a bulk import
    touched. A handful of queries per action and batch, so the cost follows the
    organisations named, never the size of the campaign."""
    if campaign is None:
        return
    organizations = list(organizations)
    for action in campaign.actions.select_related("campaign"):
        # The roll-ups move once per action, by the differences of every batch together.
        deltas: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for batch in _batches(organizations):
            _refresh_cells(action, batch, deltas)
        _apply_to_rollups(action, deltas)


def _batches(items: list) -> Iterable[list]:
    for start in range(0, len(items), REFRESH_BATCH):
        yield items[start : start + REFRESH_BATCH]


def _refresh_cells(action: RequiredAction, organizations: list[Organization], deltas) -> None:
    """Recompute the cells of a batch of organisations; what they change in the roll-ups is
    added to `deltas`, (path, category) → [applicable, done, started]."""
    ids = [organization.pk for organization in organizations]
    applicable = set(applicable_organizations(action).filter(pk__in=ids).values_list("pk", flat=True))
    # organisation id → (cell id, its values), locked for this transaction.
    cells = {
        org_id: (pk, CellValues(*values))
        for org_id, pk, *values in Completion.objects.select_for_update()
        .filter(action=action, organization_id__in=ids)
        .values_list("organization_id", "pk", *CELL_FIELDS)
    }
    counts = {}
    if applicable:
        counts = {
            org_id: (n, last)
            for org_id, n, last in counted_records(action)
            .filter(organization_id__in=applicable)
            .values("organization_id")
            .annotate(n=Count("pk"), last=Max(record_time_field(action)))
            .values_list("organization_id", "n", "last")
        }
    needed = required_count(action)
    root_depth = len(action.campaign.root_path) // STEP
    gone, fresh, changed = [], [], []
    for organization in organizations:
        cell_id, before = cells.get(organization.pk, (None, None))
        after = None  # not applicable (any more)
        if organization.pk in applicable:
            count, last = counts.get(organization.pk, (0, None))
            done = count >= needed
            after = CellValues(organization.path, organization.category, count, done, last if done else None)
        if before == after:
            continue
        if before is not None:
            # Out of the roll-ups where it was counted (its old path and category) …
            _spread(deltas, before.org_path, before.category, _cell_figures(before), -1, root_depth)
            if after is None:
                gone.append(cell_id)
            else:
                changed.append((cell_id, *after))
        if after is not None:
            # … and into them as it is now.
            _spread(deltas, after.org_path, after.category, _cell_figures(after), 1, root_depth)
            if before is None:
                fresh.append(Completion(action=action, organization_id=organization.pk, **after._asdict()))
    if gone:
        Completion.objects.filter(pk__in=gone).delete()
    Completion.objects.bulk_create(fresh)
    # In place: a concurrent refresh of the same organisation waits for the row lock, then
    # finds the row.
    update_rows(Completion, CELL_FIELDS, changed)


def _cell_figures(cell: CellValues) -> tuple[int, int, int]:
    """(applicable, done, started) that one cell contributes to the roll-ups."""
    return (1, int(cell.done), int(not cell.done and cell.count > 0))


def _spread(deltas, path: str, category: str, figures, sign: int, root_depth: int, above_only=False) -> None:
    """Add `figures` (times `sign`) to the roll-ups of `path` and its ancestors down from the
    campaign's root (only the ancestors with above_only)."""
    paths = _ancestor_paths(path, root_depth)
    if above_only:
        paths = paths[:-1]
    for ancestor in paths:
        delta = deltas[(ancestor, category)]
        for index, value in enumerate(figures):
            delta[index] += sign * value


def _add_to_rollups(
    action, path: str, category: str, applicable: int, done: int, started: int, above_only: bool = False
) -> None:
    deltas: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    root_depth = len(action.campaign.root_path) // STEP
    _spread(deltas, path, category, (applicable, done, started), 1, root_depth, above_only)
    _apply_to_rollups(action, deltas)


def _apply_to_rollups(action: RequiredAction, deltas: dict[tuple[str, str], list[int]]) -> None:
    """Add each (path, category) → (applicable, done, started) to that roll-up row. A row left
    with nothing applicable goes (as after a rebuild); a missing row is created."""
    deltas = {key: delta for key, delta in deltas.items() if any(delta)}
    if not deltas:
        return
    existing: dict[tuple[str, str], tuple[int, int]] = {}  # → (id, applicable)
    for batch in _batches(sorted({path for path, _category in deltas})):
        rows = CompletionRollup.objects.select_for_update().filter(action=action, org_path__in=batch)
        for pk, path, category, applicable in rows.values_list("pk", "org_path", "category", "applicable"):
            existing[(path, category)] = (pk, applicable)
    moved, emptied, missing = [], [], []
    for (path, category), delta in deltas.items():
        row = existing.get((path, category))
        if row is None:
            missing.append((path, category, delta))
        elif row[1] + delta[0] == 0:
            emptied.append(row[0])
        else:
            moved.append((row[0], *delta))
    update_rows(CompletionRollup, ("applicable", "done", "started"), moved, add=True)
    for batch in _batches(emptied):
        CompletionRollup.objects.filter(pk__in=batch).delete()
    if missing:
        ids = {}
        for batch in _batches(sorted({path for path, _category, _delta in missing})):
            ids.update(Organization.objects.filter(path__in=batch).values_list("path", "pk"))
        CompletionRollup.objects.bulk_create(
            [
                CompletionRollup(
                    action=action,
                    organization_id=ids[path],
                    org_path=path,
                    category=category,
                    applicable=delta[0],
                    done=delta[1],
                    started=delta[2],
                )
                for path, category, delta in missing
            ],
            batch_size=BATCH,
        )


def campaigns_covering(path: str):
    """Campaigns whose root is this organisation or one of its ancestors."""
    ancestors = [path[: STEP * depth] for depth in range(1, len(path) // STEP + 1)]
    return Campaign.objects.filter(root_path__in=ancestors, is_archived=False)
