"""Synthetic city-scale data for benchmarks, under its own root so it never mixes with a demo.

The tree is root → 16 districts → streets → communities → branches. The three lower
levels share one fan-out f chosen so that 16·(f + f² + f³) organisations fill the
requested total; people are spread over all organisations, most of them in branches.
Paths, depth and numchild are computed here and everything is written with
bulk_create in batches, inside one transaction.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction

from xuejiao.orgs.models import Category, Kind, Organization, Person
from xuejiao.orgs.pinyin import search_text_for

from .names import chinese_number, roster
from .treepaths import PATH_END, PathAllocator, child_path, depth_of
from .zhengzhou.districts import COMMUNITY_STEMS

ROOT_CODE = "SCALE"
ROOT_NAME = "规模测试市"
DISTRICTS = 16
DISTRICT_NAMES = (
    "东城区", "西城区", "南湖区", "北山区", "中心区", "河东区", "河西区", "新城区",
    "老城区", "湖滨区", "山阳区", "临港区", "青云县", "白水县", "石门县", "清河县",
)  # fmt: skip
MIN_ORGS = 1 + DISTRICTS
# Relative size of an organisation's roster by depth below the root (root, district, …).
ROSTER_WEIGHT = (6, 5, 4, 3, 1)


class ScaleError(Exception):
    pass


@dataclass
class ScaleResult:
    organizations: int = 0
    people: int = 0
    levels: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    replaced: tuple[int, int] | None = None  # organisations and people deleted first


def level_sizes(total_orgs: int) -> list[int]:
    """Number of organisations at each level: [root, districts, streets, communities, branches]."""
    if total_orgs < MIN_ORGS:
        raise ScaleError(f"--orgs must be at least {MIN_ORGS} (a root and {DISTRICTS} districts)")
    below = total_orgs - MIN_ORGS
    # Largest fan-out f with 16·(f + f² + f³) ≤ below, found by bisection.
    low, high = 0.0, max(1.0, below ** (1 / 3))
    for _ in range(60):
        middle = (low + high) / 2
        if DISTRICTS * (middle + middle**2 + middle**3) <= below:
            low = middle
        else:
            high = middle
    streets = min(below, max(DISTRICTS, round(DISTRICTS * low))) if below else 0
    communities = min(below - streets, round(DISTRICTS * low * low))
    branches = below - streets - communities
    if communities == 0 and branches:
        communities, branches = branches, 0
    return [1, DISTRICTS, streets, communities, branches]


def spread(total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` as evenly as possible, the larger shares first."""
    if buckets == 0:
        return []
    base, extra = divmod(total, buckets)
    return [base + (1 if index < extra else 0) for index in range(buckets)]


@dataclass
class _Node:
    path: str
    name: str


def _name(level: int, index_in_parent: int, parent: _Node) -> str:
    if level == 1:
        return DISTRICT_NAMES[index_in_parent - 1]
    if level == 2:
        stem = COMMUNITY_STEMS[(index_in_parent - 1) % len(COMMUNITY_STEMS)]
        round_ = (index_in_parent - 1) // len(COMMUNITY_STEMS)
        return f"{stem}{'' if round_ == 0 else chinese_number(round_ + 1)}路街道"
    if level == 3:
        stem = COMMUNITY_STEMS[-index_in_parent % len(COMMUNITY_STEMS)]
        round_ = (index_in_parent - 1) // len(COMMUNITY_STEMS)
        return f"{stem}{'' if round_ == 0 else chinese_number(round_ + 1)}社区"
    return f"{parent.name}第{chinese_number(index_in_parent)}党支部"


_LEVEL_FIELDS = (
    (Kind.PARTY_COMMITTEE, Category.CITY),
    (Kind.PARTY_COMMITTEE, Category.DISTRICT),
    (Kind.WORKING_COMMITTEE, Category.STREET),
    (Kind.GENERAL_BRANCH, Category.COMMUNITY),
    (Kind.BRANCH, Category.BRANCH),
)


def _organizations(root_path: str, sizes: list[int]) -> Iterator[Organization]:
    """Every organisation of the tree, level by level, with path, depth and numchild set."""
    parents = [_Node(root_path, ROOT_NAME)]
    children_per_parent = spread(sizes[1], 1)
    serial = 0
    yield _organization(root_path, ROOT_CODE, ROOT_NAME, 0, children_per_parent[0], 0)
    for level in range(1, len(sizes)):
        grandchildren = (
            spread(sizes[level + 1], sizes[level]) if level + 1 < len(sizes) else [0] * sizes[level]
        )
        nodes = []
        for parent, count in zip(parents, children_per_parent, strict=True):
            for index in range(1, count + 1):
                serial += 1
                node = _Node(child_path(parent.path, index), _name(level, index, parent))
                numchild = grandchildren[len(nodes)]
                nodes.append(node)
                yield _organization(node.path, f"{ROOT_CODE}-{serial:07d}", node.name, level, numchild, index)
        parents, children_per_parent = nodes, grandchildren


def _organization(
    path: str, code: str, name: str, level: int, numchild: int, sort_order: int
) -> Organization:
    kind, category = _LEVEL_FIELDS[level]
    return Organization(
        path=path,
        depth=depth_of(path),
        numchild=numchild,
        code=code,
        name=name,
        kind=kind,
        category=category,
        sort_order=sort_order,
        search_text=search_text_for(name, "", code),
    )


def roster_sizes(levels: list[int], total_people: int, rng: random.Random) -> list[int]:
    """People per organisation (in the order of `levels`), summing exactly to `total_people`."""
    weights = [ROSTER_WEIGHT[min(level, len(ROSTER_WEIGHT) - 1)] * (0.5 + rng.random()) for level in levels]
    scale = total_people / sum(weights)
    sizes = [int(weight * scale) for weight in weights]
    # Rounding down lost less than one person per organisation: hand those out at random.
    for index in rng.sample(range(len(sizes)), total_people - sum(sizes)):
        sizes[index] += 1
    return sizes


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _references(target) -> Iterator[tuple[type, object]]:
    """(model, foreign key) of every foreign key or one-to-one field pointing to `target`."""
    for model in apps.get_models(include_auto_created=True):
        for fk in model._meta.concrete_fields:
            # People are deleted separately, with one plain DELETE.
            if fk.is_relation and fk.remote_field.model is target and model is not Person:
                yield model, fk


def _clear_references(target, doomed) -> None:
    """Apply each foreign key's on_delete to rows pointing at `doomed` (a queryset of pks)."""
    for model, fk in _references(target):
        rule = fk.remote_field.on_delete
        if rule is models.DO_NOTHING:  # the audit log keeps the ids of what it recorded
            continue
        pointing = model._base_manager.filter(**{f"{fk.name}__in": doomed})
        if rule is models.CASCADE:
            pointing.delete()
        elif rule is models.SET_NULL:
            pointing.update(**{fk.name: None})
        elif pointing.exists():
            raise ScaleError(
                f"{model._meta.verbose_name_plural} refer to the {ROOT_CODE} tree; "
                "remove them before --replace"
            )


def delete_scale_tree() -> tuple[int, int]:
    """Delete the SCALE root, its subtree and their people; refuse if protected records use them."""
    root = Organization.objects.filter(code=ROOT_CODE, depth=1).first()
    if root is None:
        return 0, 0
    bounds = [root.path, root.path + PATH_END]
    orgs = Organization.objects.filter(path__gte=bounds[0], path__lt=bounds[1])
    people = Person.objects.filter(org_path__gte=bounds[0], org_path__lt=bounds[1])
    _clear_references(Person, people.values("pk"))
    _clear_references(Organization, orgs.values("pk"))
    deleted = {}
    with connection.cursor() as cursor:
        # Plain DELETEs: the ORM's collector would first load 700,000 people into memory.
        for model, column in ((Person, "org_path"), (Organization, "path")):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE {column} >= %s AND {column} < %s", bounds)
            deleted[model] = cursor.rowcount
    return deleted[Organization], deleted[Person]


def seed_scale(
    total_orgs: int,
    total_people: int,
    seed: int = 0,
    replace: bool = False,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ScaleResult:
    """Create the SCALE tree; `progress(n)` is called after each batch of n rows."""
    result = ScaleResult(levels=level_sizes(total_orgs))
    rng = random.Random(seed)
    tick = progress or (lambda n: None)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = result.timings.get(name, 0.0) + now - clock
        clock = now

    with transaction.atomic():
        if Organization.objects.filter(code=ROOT_CODE).exists():
            if not replace:
                raise ScaleError(
                    f"a {ROOT_CODE} tree already exists; run with --replace to delete it and start again"
                )
            result.replaced = delete_scale_tree()
            lap("delete old tree")

        root_path = PathAllocator().allocate(None)
        org_batch = min(batch_size, 60_000 // 12)  # stays under 65,535 parameters per INSERT
        levels: list[int] = []
        for batch in _batches(_organizations(root_path, result.levels), org_batch):
            Organization.objects.bulk_create(batch)
            levels.extend(depth_of(org.path) - 1 for org in batch)
            result.organizations += len(batch)
            tick(len(batch))
        lap("organisations")

        # Level by level, in path order: the order in which they were created, as `levels`.
        orgs = list(
            Organization.objects.filter(path__gte=root_path, path__lt=root_path + PATH_END)
            .order_by("depth", "path")
            .values_list("pk", "path")
        )
        sizes = roster_sizes(levels, total_people, rng)
        for batch in _batches(_people(orgs, sizes, rng), batch_size):
            Person.objects.bulk_create(batch)
            result.people += len(batch)
            tick(len(batch))
        lap("people")

    if connection.vendor == "postgresql":
        tables = [
            Organization._meta.db_table,
            Person._meta.db_table,
            Organization.systems.through._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        lap("analyze")
    return result


def _people(orgs: list[tuple[int, str]], sizes: list[int], rng: random.Random) -> Iterator[Person]:
    for (pk, path), size in zip(orgs, sizes, strict=True):
        for data in roster(rng, size):
            yield Person(
                organization_id=pk,
                org_path=path,
                name=data.name,
                gender=data.gender,
                phone=data.phone,
                is_party_member=data.is_party_member,
                position=data.position,
                sort_order=data.sort_order,
            )
