"""The Zhengzhou demo tree as a list of specifications, parents before children.

Codes are the natural keys: the loader creates a specification only when no
organisation has its code yet. Everything random is drawn from a generator seeded by
the code, so a node's children and roster never depend on what else is loaded.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from xuejiao.orgs.models import Category, Kind

from .districts import COMMUNITY_STEMS, DISTRICTS, VILLAGE_STEMS, District
from .units import (
    BRANCH_NAMES,
    DEFAULT_BRANCH_NAMES,
    ENTERPRISES_AND_INSTITUTIONS,
    MUNICIPAL_UNITS,
    Unit,
)

SEED = "zhengzhou-2021"
ROOT_CODE = "ZZ"
ROOT_NAME = "中共郑州市委"


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    category: str
    parent_code: str | None
    sort_order: int
    short_name: str = ""
    systems: tuple[str, ...] = ()


def rng_for(code: str) -> random.Random:
    return random.Random(f"{SEED}:{code}")


def is_township(name: str) -> bool:
    return name.endswith(("镇", "乡"))


def _grassroots_names(district: District, subdistrict: str, rng: random.Random, used: set[str]) -> list[str]:
    named = district.grassroots.get(subdistrict)
    if named:
        used.update(named)
        return list(named)
    stems, suffix = (VILLAGE_STEMS, "村") if is_township(subdistrict) else (COMMUNITY_STEMS, "社区")
    free = [stem + suffix for stem in stems if stem + suffix not in used]
    chosen = rng.sample(free, rng.randint(2, 5))
    used.update(chosen)
    return chosen


def district_specs(district: District, position: int) -> Iterator[OrgSpec]:
    code = f"{ROOT_CODE}-{district.key}"
    yield OrgSpec(
        code, district.name, district.kind, Category.DISTRICT, ROOT_CODE, position, district.short_name
    )
    used: set[str] = set()
    for sub_index, subdistrict in enumerate(district.subdistricts, start=1):
        sub_code = f"{code}-{sub_index:02d}"
        township = is_township(subdistrict)
        yield OrgSpec(
            sub_code,
            subdistrict,
            Kind.PARTY_COMMITTEE if township else Kind.WORKING_COMMITTEE,
            Category.TOWNSHIP if township else Category.STREET,
            code,
            sub_index,
        )
        rng = rng_for(sub_code)
        named = set(district.grassroots.get(subdistrict, ()))
        for index, name in enumerate(_grassroots_names(district, subdistrict, rng, used), start=1):
            # The communities the article names are single Party branches; others vary.
            general = rng.random() >= 0.6 and name not in named
            yield OrgSpec(
                f"{sub_code}-{index:02d}",
                name,
                Kind.GENERAL_BRANCH if general else Kind.BRANCH,
                Category.VILLAGE if township else Category.COMMUNITY,
                sub_code,
                index,
            )


def unit_specs(unit: Unit, code: str, position: int) -> Iterator[OrgSpec]:
    yield OrgSpec(
        code, unit.name, unit.kind, unit.category, ROOT_CODE, position, unit.short_name, unit.systems
    )
    branch_names = BRANCH_NAMES.get(unit.kind, DEFAULT_BRANCH_NAMES)
    rng = rng_for(code)
    for index in range(1, rng.randint(1, 3) + 1):
        yield OrgSpec(
            f"{code}-B{index}",
            (unit.short_name or unit.name) + branch_names[index - 1],
            Kind.BRANCH,
            Category.BRANCH,
            code,
            index,
        )


def demo_tree() -> list[OrgSpec]:
    specs = [OrgSpec(ROOT_CODE, ROOT_NAME, Kind.PARTY_COMMITTEE, Category.CITY, None, 0, "郑州市委")]
    for position, district in enumerate(DISTRICTS, start=1):
        specs.extend(district_specs(district, position))
    for position, unit in enumerate(MUNICIPAL_UNITS, start=1):
        specs.extend(unit_specs(unit, f"{ROOT_CODE}-M{position:02d}", 100 + position))
    for position, unit in enumerate(ENTERPRISES_AND_INSTITUTIONS, start=1):
        specs.extend(unit_specs(unit, f"{ROOT_CODE}-E{position:03d}", 200 + position))
    return specs


def code_of(specs: list[OrgSpec], name: str, parent_code: str | None = None) -> str:
    """The code of the organisation called `name` (or with that short name), optionally under a parent."""
    matches = [
        s.code
        for s in specs
        if name in (s.name, s.short_name) and (parent_code is None or s.parent_code == parent_code)
    ]
    if len(matches) != 1:
        raise LookupError(f"{len(matches)} demo organisations are called {name}")
    return matches[0]
