"""Keeping Completion and CompletionRollup equal to what the ledger says.

Two grains, one result:
- a subtree (`remove_subtree` / `add_subtree`): grouped counts over the ledger below one
  organisation, bulk inserts, and the subtree's sums carried up to its ancestors. The whole
  campaign is one subtree (`rebuild_action`: a new or edited action, a bulk import); a moved,
  archived or restored part of the tree is another (`move_subtree`), costing its size only.
- one organisation (`refresh_organization`): its cells in a campaign recomputed after a
  record of it changed, and the difference moved up to every ancestor's roll-up.
Both run inside the caller's transaction, so figures never disagree with the records.
"""

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Length, Substr

from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import subtree_q

from .models import Campaign, Completion, CompletionRollup, RequiredAction
from .rules import applicable_organizations, counted_records, record_time_field, required_count

STEP = Organization.steplen
BATCH = 5000


def _ancestor_paths(path: str, from_depth: int) -> list[str]:
    return [path[: STEP * depth] for depth in range(from_depth, len(path) // STEP + 1)]


def rebuild_action(action: RequiredAction) -> None:
    """Recompute one action everywhere: the campaign's whole tree is one subtree."""
    root_path = action.campaign.root_path
    remove_subtree(action, root_path)
    add_subtree(action, root_path)


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
        # Below the root, name the organisations: the (organisation, campaign, kind, date)
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
    if campaign is None:
        return
    for action in campaign.actions.all():
        _refresh_cell(action, organization)


def _refresh_cell(action: RequiredAction, organization: Organization) -> None:
    applies = applicable_organizations(action).filter(pk=organization.pk).exists()
    cell = Completion.objects.select_for_update().filter(action=action, organization=organization).first()
    before = _cell_figures(cell)
    if not applies:
        if cell is not None:
            cell.delete()
        after = (0, 0, 0)
        category = cell.category if cell is not None else organization.category
        path = cell.org_path if cell is not None else organization.path
    else:
        figures = (
            counted_records(action)
            .filter(organization_id=organization.pk)
            .aggregate(n=Count("pk"), last=Max(record_time_field(action)))
        )
        count = figures["n"]
        done = count >= required_count(action)
        if cell is None:
            cell = Completion(action=action, organization=organization)
        elif cell.category != organization.category:
            # The organisation changed category: take it out under the old one first.
            _add_to_rollups(action, cell.org_path, cell.category, *(-n for n in before))
            before = (0, 0, 0)
        cell.org_path = organization.path
        cell.category = organization.category
        cell.count = count
        cell.done = done
        cell.done_at = figures["last"] if done else None
        cell.save()
        after = _cell_figures(cell)
        category, path = cell.category, cell.org_path
    delta = tuple(a - b for a, b in zip(after, before, strict=True))
    if any(delta):
        _add_to_rollups(action, path, category, *delta)


def _cell_figures(cell: Completion | None) -> tuple[int, int, int]:
    """(applicable, done, started) that one cell contributes to the roll-ups."""
    if cell is None:
        return (0, 0, 0)
    return (1, int(cell.done), int(not cell.done and cell.count > 0))


def _add_to_rollups(
    action, path: str, category: str, applicable: int, done: int, started: int, above_only: bool = False
) -> None:
    """Add to the roll-ups of `path` and its ancestors down from the campaign's root
    (only the ancestors with above_only)."""
    root_depth = len(action.campaign.root_path) // STEP
    paths = _ancestor_paths(path, root_depth)
    if above_only:
        paths = paths[:-1]
    if not paths:
        return
    existing = set(
        CompletionRollup.objects.filter(action=action, category=category, org_path__in=paths).values_list(
            "org_path", flat=True
        )
    )
    CompletionRollup.objects.filter(action=action, category=category, org_path__in=existing).update(
        applicable=F("applicable") + applicable, done=F("done") + done, started=F("started") + started
    )
    if applicable < 0:
        # A level left with nothing of this category below it keeps no row (as a rebuild).
        CompletionRollup.objects.filter(
            action=action, category=category, org_path__in=existing, applicable=0
        ).delete()
    missing = [p for p in paths if p not in existing]
    if missing:
        ids = dict(Organization.objects.filter(path__in=missing).values_list("path", "pk"))
        CompletionRollup.objects.bulk_create(
            [
                CompletionRollup(
                    action=action,
                    organization_id=ids[p],
                    org_path=p,
                    category=category,
                    applicable=applicable,
                    done=done,
                    started=started,
                )
                for p in missing
            ]
        )


def campaigns_covering(path: str):
    """Campaigns whose root is this organisation or one of its ancestors."""
    ancestors = [path[: STEP * depth] for depth in range(1, len(path) // STEP + 1)]
    return Campaign.objects.filter(root_path__in=ancestors, is_archived=False)
