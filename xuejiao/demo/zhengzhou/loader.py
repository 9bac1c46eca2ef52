"""Load the Zhengzhou 2021 demo: systems, organisation tree, rosters, persona logins,
and the 2021 Party-history campaign with its required actions and ledger.

Idempotent by natural keys: an organisation is created only when its code is missing,
a roster only for an organisation that has no people at all, a persona only when no
user has its username, the campaign, a phase or an action only when none has its name,
an activity only when none has its external key. Existing rows are never changed, so a
second run leaves the database exactly as it was, and a persona whose password was
changed keeps it. Completion is rebuilt at the end, and only when something was created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns.completion import rebuild_campaign
from xuejiao.campaigns.models import Completion, CompletionRollup
from xuejiao.orgs.models import Organization, Person, System
from xuejiao.orgs.pinyin import search_text_for

from ..names import roster
from ..treepaths import PathAllocator, depth_of
from .activities import ensure_activities
from .campaign import ensure_campaign
from .personas import PASSWORD, PERSONAS, Persona
from .structure import ROOT_CODE, OrgSpec, code_of, demo_tree, rng_for
from .units import SYSTEMS

BATCH_SIZE = 1000


@dataclass
class Tally:
    created: int = 0
    present: int = 0


@dataclass
class LoadResult:
    tallies: dict[str, Tally] = field(default_factory=dict)
    logins: list[tuple[str, str, bool]] = field(default_factory=list)  # username, description, created

    def tally(self, name: str) -> Tally:
        return self.tallies.setdefault(name, Tally())

    @property
    def created_anything(self) -> bool:
        return any(t.created for t in self.tallies.values())


def load() -> LoadResult:
    result = LoadResult()
    specs = demo_tree()
    with transaction.atomic():
        systems = _ensure_systems(result.tally("systems"))
        orgs = _ensure_organizations(specs, systems, result.tally("organisations"))
        _ensure_people(specs, orgs, result.tally("people"))
        _ensure_personas(specs, orgs, result)
        campaign = ensure_campaign(orgs[ROOT_CODE][0], result.tally)
        ensure_activities(campaign.pk, specs, orgs, result.tally("activities"))
        _ensure_completion(campaign, result)
    return result


def _ensure_completion(campaign, result: LoadResult) -> None:
    """Rebuild the campaign's completion when this load created anything, else leave it."""
    rebuilt = result.created_anything
    if rebuilt:
        rebuild_campaign(campaign)
    for name, model in (("completion cells", Completion), ("roll-up rows", CompletionRollup)):
        count = model.objects.filter(action__campaign=campaign).count()
        tally = result.tally(name)
        if rebuilt:
            tally.created = count
        else:
            tally.present = count


def _ensure_systems(tally: Tally) -> dict[str, int]:
    ids = {}
    for code, name in SYSTEMS:
        system = System.objects.filter(code=code).first() or System.objects.filter(name=name).first()
        if system is None:
            system = System.objects.create(code=code, name=name)
            tally.created += 1
        else:
            tally.present += 1
        ids[code] = system.pk
    return ids


def _ensure_organizations(specs: list[OrgSpec], systems: dict[str, int], tally: Tally) -> dict[str, tuple]:
    """Create the missing organisations; return code → (id, path) for every demo organisation."""
    codes = [spec.code for spec in specs]
    paths = dict(Organization.objects.filter(code__in=codes).values_list("code", "path"))
    tally.present = len(paths)
    allocator = PathAllocator()
    new: list[tuple[OrgSpec, str]] = []
    for spec in specs:
        if spec.code in paths:
            continue
        path = allocator.allocate(paths[spec.parent_code] if spec.parent_code else None)
        paths[spec.code] = path
        new.append((spec, path))

    Organization.objects.bulk_create(
        [
            Organization(
                path=path,
                depth=depth_of(path),
                numchild=allocator.numchild_of_new(path),
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                category=spec.category,
                sort_order=spec.sort_order,
                search_text=search_text_for(spec.name, spec.short_name, spec.code),
            )
            for spec, path in new
        ],
        batch_size=BATCH_SIZE,
    )
    allocator.update_existing_parents({path for _, path in new})
    tally.created = len(new)

    orgs = {
        code: (pk, path)
        for pk, code, path in Organization.objects.filter(code__in=codes).values_list("pk", "code", "path")
    }
    Through = Organization.systems.through
    Through.objects.bulk_create(
        [
            Through(organization_id=orgs[spec.code][0], system_id=systems[system])
            for spec, _path in new
            for system in spec.systems
        ],
        batch_size=BATCH_SIZE,
    )
    return orgs


def _ensure_people(specs: list[OrgSpec], orgs: dict[str, tuple], tally: Tally) -> None:
    staffed = set(
        Person.objects.filter(organization_id__in=[pk for pk, _path in orgs.values()])
        .values_list("organization_id", flat=True)
        .distinct()
    )
    people = []
    for spec in specs:
        pk, path = orgs[spec.code]
        if pk in staffed:
            continue
        rng = rng_for(f"{spec.code}:people")
        for data in roster(rng, rng.randint(3, 8)):
            people.append(
                Person(
                    organization_id=pk,
                    org_path=path,
                    name=data.name,
                    gender=data.gender,
                    phone=data.phone,
                    is_party_member=data.is_party_member,
                    position=data.position,
                    sort_order=data.sort_order,
                )
            )
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    tally.created = len(people)
    tally.present = Person.objects.filter(organization_id__in=staffed).count() if staffed else 0


def _ensure_personas(specs: list[OrgSpec], orgs: dict[str, tuple], result: LoadResult) -> None:
    users, grants = result.tally("users"), result.tally("role assignments")
    password_hash = None  # hashed once: every demo persona has the same published password
    for persona in PERSONAS:
        existing = User.objects.filter(username=persona.username).first()
        if existing is not None:
            users.present += 1
            grants.present += existing.role_assignments.count()
            result.logins.append((persona.username, persona.description, False))
            continue
        password_hash = password_hash or make_password(PASSWORD)
        home_id, _home_path = orgs[code_of(specs, persona.home)]
        person = _free_person(home_id, persona)
        user = User(
            username=persona.username,
            password=password_hash,
            display_name=person.name if person else persona.username,
            home_organization_id=home_id,
            person=person,
            must_change_password=False,
        )
        user.save()
        for grant in persona.grants:
            RoleAssignment.objects.create(
                user=user,
                role=grant.role,
                organization_id=orgs[code_of(specs, grant.organization)][0],
                include_subtree=grant.include_subtree,
            )
            grants.created += 1
        users.created += 1
        result.logins.append((persona.username, persona.description, True))


def _free_person(organization_id: int, persona: Persona) -> Person | None:
    """A person of the unit with no login yet, preferring the persona's position."""
    return (
        Person.objects.filter(organization_id=organization_id, user__isnull=True)
        .annotate(
            preferred=Case(
                When(position=persona.position, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("preferred", "sort_order", "pk")
        .first()
    )
