"""Every write to the organisation tree and the roster: permission, transaction, audit record."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core import bulk
from xuejiao.core.errors import PermissionDenied, ServiceError, StaleRecord

from . import copied_paths
from .models import Category, Organization, Person
from .pinyin import search_text_for
from .scope import manage_scope, subtree_q
from .signals import organization_changed, organizations_added, subtree_changed

ORG_FIELDS = ("code", "name", "short_name", "kind", "category", "sort_order", "established_on")
PERSON_FIELDS = ("name", "gender", "phone", "is_party_member", "position", "sort_order")


def _require_manage(actor, organization, message=None):
    if not manage_scope(actor).covers(organization):
        raise PermissionDenied(message or _("You may not change this organisation."))


def _check_code_free(code: str, exclude_id=None):
    taken = Organization.objects.filter(code=code)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise ServiceError(_("The code “%(code)s” is already used by another organisation.") % {"code": code})


def create_organization(*, actor, parent: Organization, systems=(), request=None, **fields) -> Organization:
    _require_manage(actor, parent)
    if parent.is_archived:
        raise ServiceError(_("An archived organisation cannot receive new sub-units."))
    _check_code_free(fields["code"])
    if not fields.get("established_on"):
        fields["established_on"] = timezone.localdate()
    with transaction.atomic():
        organization = Organization.objects.add_child(
            parent, {name: fields[name] for name in ORG_FIELDS if name in fields}
        )
        organization.systems.set(systems)
        organization_changed.send(sender=Organization, organization=organization)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=organization,
            organization=organization,
            summary=_("Created organisation %(name)s") % {"name": organization.name},
            changes={name: str(fields.get(name, "")) for name in ORG_FIELDS},
        )
    return organization


@dataclass
class NewOrganization:
    """One organisation for create_organizations: under an existing `parent`, or under the
    new organisation of the same call whose code is `parent_code`."""

    code: str
    fields: dict
    systems: Sequence = ()
    parent: Organization | None = None
    parent_code: str = ""


def create_organizations(*, actor, new: Sequence[NewOrganization]) -> list[Organization]:
    """Many new organisations at once (a whole subtree from the organisation sheet), exactly as
    create_organization would add them one by one, in order: the same checks (each existing
    parent managed by the actor and not archived, every code free), the same fields
    (established today unless given, the search text), the same audit entry for each, and
    their completion figures, but in a number of queries that does not grow with the rows.

    The tree's paths are worked out here as treebeard's add_child would (each new child after
    the parent's last one, steps of the model's alphabet and step length), written in one
    bulk insert, and the child counts of the parents raised once. Parents come before their
    children in `new` (or the parent_code is refused). Listeners hear organizations_added
    once, with all of them (completion refreshed once for the lot)."""
    if not new:
        return []
    existing_parents = {item.parent.pk for item in new if item.parent is not None}
    codes = [item.code for item in new]
    if len(set(codes)) != len(codes):
        raise ServiceError(_("Each new organisation needs its own code."))
    now, today = timezone.now(), timezone.localdate()
    with transaction.atomic():
        # The parents as they are now, locked: their last child is read and their child count raised.
        parents = {
            org.path: org for org in Organization.objects.select_for_update().filter(pk__in=existing_parents)
        }
        for parent in parents.values():
            _require_manage(actor, parent)
            if parent.is_archived:
                raise ServiceError(_("An archived organisation cannot receive new sub-units."))
        for batch in _chunks(codes):
            taken = Organization.objects.filter(code__in=batch).values_list("code", flat=True).first()
            if taken is not None:
                _check_code_free(taken)
        path_of = {parent.pk: parent.path for parent in parents.values()}
        next_step = _next_child_steps(list(parents.values()))
        paths: dict[str, str] = {}  # code → path of the new organisations
        children: dict[str, int] = defaultdict(int)  # path → new children
        rows = []
        for item in new:
            if item.parent is not None:
                parent_path = path_of[item.parent.pk]
            elif item.parent_code in paths:
                parent_path = paths[item.parent_code]
            else:
                raise ServiceError(
                    _("There is no organisation with the code “%(code)s” in your part of the tree.")
                    % {"code": item.parent_code}
                )
            step = next_step.get(parent_path, 1)
            next_step[parent_path] = step + 1
            path = parent_path + _path_step(step)
            if len(path) > Organization._meta.get_field("path").max_length:
                raise ServiceError(_("The tree is too deep here for another level of sub-units."))
            paths[item.code] = path
            children[parent_path] += 1
            fields = {name: item.fields[name] for name in ORG_FIELDS if name in item.fields}
            fields["code"] = item.code
            fields["established_on"] = fields.get("established_on") or today
            fields["search_text"] = search_text_for(fields["name"], fields.get("short_name", ""), item.code)
            rows.append({"path": path, "depth": len(path) // Organization.steplen, **fields})
        for row in rows:
            row["numchild"] = children.get(row["path"], 0)
        # What save() and add_child() would do, in one insert (updated_at is auto_now).
        ids = bulk.insert(Organization, rows, same={"updated_at": now}, returning_ids=True)
        _raise_child_counts(parents, children)
        bulk.insert(
            Organization.systems.through,
            (
                {"organization_id": pk, "system_id": system.pk}
                for pk, item in zip(ids, new, strict=True)
                for system in item.systems
            ),
        )
        audit.record_many(
            actor, AuditAction.CREATE, (_creation_entry(pk, row) for pk, row in zip(ids, rows, strict=True))
        )
        created = [
            Organization(
                pk=pk,
                path=row["path"],
                depth=row["depth"],
                code=row["code"],
                name=row["name"],
                category=row.get("category", Category.OTHER),
            )
            for pk, row in zip(ids, rows, strict=True)
        ]
        organizations_added.send(sender=Organization, organizations=created)
    return created


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _path_step(number: int) -> str:
    """The `number`-th step of a path (from 1) in the model's alphabet, as treebeard writes it."""
    alphabet, width = Organization.alphabet, Organization.steplen
    digits = ""
    while number:
        number, digit = divmod(number, len(alphabet))
        digits = alphabet[digit] + digits
    if len(digits) > width:
        raise ServiceError(_("This organisation has as many sub-units as it can hold."))
    return digits.rjust(width, alphabet[0])


def _step_number(step: str) -> int:
    alphabet = Organization.alphabet
    number = 0
    for char in step:
        number = number * len(alphabet) + alphabet.index(char)
    return number


def _next_child_steps(parents: list[Organization]) -> dict[str, int]:
    """parent path → the step of its next child (after its last one; 1 for a leaf)."""
    steps = {}
    for batch in _chunks(parents, 200):
        condition = Q()
        for parent in batch:
            condition |= subtree_q("path", parent.path) & Q(depth=parent.depth + 1)
        for path in Organization.objects.filter(condition).values_list("path", flat=True):
            parent_path, step = path[: -Organization.steplen], _step_number(path[-Organization.steplen :])
            steps[parent_path] = max(steps.get(parent_path, 1), step + 1)
    return steps


def _raise_child_counts(parents: dict[str, Organization], children: dict[str, int]) -> None:
    """The existing parents' child counts, raised by their new children in one statement a batch."""
    raised = [(parents[path].pk, count) for path, count in children.items() if path in parents]
    for batch in _chunks(raised):
        Organization.objects.filter(pk__in=[pk for pk, _count in batch]).update(
            numchild=F("numchild") + Case(*[When(pk=pk, then=Value(count)) for pk, count in batch], default=0)
        )


def _creation_entry(pk: int, row: dict) -> dict:
    """The entry create_organization writes (audit.record), for one organisation of many."""
    return {
        "organization_id": pk,
        "org_path": row["path"],
        "object_type": Organization._meta.model_name,
        "object_id": str(pk),
        "summary": (_("Created organisation %(name)s") % {"name": row["name"]})[:300],
        "changes": {name: str(row.get(name, "")) for name in ORG_FIELDS},
    }


def update_organization(
    *, actor, organization: Organization, loaded_at=None, systems=None, request=None, **fields
) -> Organization:
    _require_manage(actor, organization)
    with transaction.atomic():
        current = Organization.objects.select_for_update().get(pk=organization.pk)
        if loaded_at is not None and current.updated_at.replace(microsecond=0) > loaded_at.replace(
            microsecond=0
        ):
            raise StaleRecord(
                _("Someone else changed this organisation after you opened the form. Reload it.")
            )
        if "code" in fields:
            _check_code_free(fields["code"], exclude_id=current.pk)
        changes = {}
        for name in ORG_FIELDS:
            if name in fields and getattr(current, name) != fields[name]:
                changes[name] = [str(getattr(current, name)), str(fields[name])]
                setattr(current, name, fields[name])
        current.save()
        if systems is not None:
            before = sorted(current.systems.values_list("code", flat=True))
            current.systems.set(systems)
            after = sorted(s.code for s in systems)
            if before != after:
                changes["systems"] = [before, after]
        organization_changed.send(sender=Organization, organization=current)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            organization=current,
            changes=changes,
        )
    return current


def move_organization(*, actor, organization: Organization, new_parent: Organization, request=None):
    """Move a subtree under a new parent; every copy of a path in it moves with it
    (copied_paths), and the apps that derive figures from the tree hear subtree_changed."""
    scope = manage_scope(actor)
    if not scope.covers(organization) or not scope.covers(new_parent):
        raise PermissionDenied(_("You may move organisations only inside your own scope."))
    if organization.is_root():
        raise ServiceError(_("The root organisation cannot be moved."))
    if new_parent.path.startswith(organization.path):
        raise ServiceError(_("An organisation cannot be moved under itself or its own sub-units."))
    if new_parent.is_archived:
        raise ServiceError(_("An archived organisation cannot receive new sub-units."))
    old_parent = Organization.objects.get_parent(organization)
    with transaction.atomic():
        old_path = organization.path
        Organization.objects.move(organization, new_parent, pos="last-child")
        organization.refresh_from_db()
        copied_paths.rewrite(old_path, organization.path)
        subtree_changed.send(sender=Organization, organization=organization, old_path=old_path)
        audit.record(
            AuditAction.MOVE,
            actor=actor,
            request=request,
            obj=organization,
            organization=organization,
            summary=_("Moved %(name)s from %(old)s to %(new)s")
            % {
                "name": organization.name,
                "old": old_parent.name if old_parent else "",
                "new": new_parent.name,
            },
            changes={"from": old_parent.code if old_parent else "", "to": new_parent.code},
        )
    return organization


def archive_organization(*, actor, organization: Organization, archived: bool = True, request=None):
    # The caller's copy may predate a move: act on the organisation as it is now.
    organization = Organization.objects.get(pk=organization.pk)
    _require_manage(actor, organization)
    if organization.is_root():
        raise ServiceError(_("The root organisation cannot be archived."))
    with transaction.atomic():
        Organization.objects.filter(subtree_q("path", organization.path)).update(is_archived=archived)
        organization.refresh_from_db()
        subtree_changed.send(sender=Organization, organization=organization, old_path=organization.path)
        audit.record(
            AuditAction.ARCHIVE,
            actor=actor,
            request=request,
            obj=organization,
            organization=organization,
            changes={"is_archived": archived},
            summary=(_("Archived %(name)s") if archived else _("Restored %(name)s"))
            % {"name": organization.name},
        )
    organization.refresh_from_db()
    return organization


def _roster_key_taken() -> ServiceError:
    return ServiceError(
        _(
            "This organisation already has a person with this name and phone number. "
            "Namesakes are told apart by their phone numbers."
        )
    )


def _check_roster_key_free(organization_id: int, name: str, phone: str, exclude_id=None) -> None:
    """The roster's key (organisation, name, phone) is unique: a database constraint, which
    the people sheet matches rows by."""
    taken = Person.objects.filter(organization_id=organization_id, name=name, phone=phone)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise _roster_key_taken()


def create_person(*, actor, organization: Organization, request=None, **fields) -> Person:
    _require_manage(actor, organization, _("You may not add people to this organisation."))
    if organization.is_archived:
        raise ServiceError(_("An archived organisation cannot receive new people."))
    _check_roster_key_free(organization.pk, fields.get("name", ""), fields.get("phone", ""))
    try:
        return _create_person(actor, organization, request, fields)
    except IntegrityError:  # the same person added at the same moment by someone else
        raise _roster_key_taken() from None


def _create_person(actor, organization, request, fields) -> Person:
    with transaction.atomic():
        person = Person.objects.create(
            organization=organization, **{name: fields[name] for name in PERSON_FIELDS if name in fields}
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=person,
            summary=_("Added %(name)s to the roster") % {"name": person.name},
        )
    return person


def update_person(*, actor, person: Person, request=None, **fields) -> Person:
    _require_manage(actor, person.organization, _("You may not change this person."))
    if {"name", "phone"} & fields.keys():
        _check_roster_key_free(
            person.organization_id,
            fields.get("name", person.name),
            fields.get("phone", person.phone),
            exclude_id=person.pk,
        )
    try:
        return _update_person(actor, person, request, fields)
    except IntegrityError:
        raise _roster_key_taken() from None


def _update_person(actor, person, request, fields) -> Person:
    with transaction.atomic():
        changes = {}
        for name in PERSON_FIELDS:
            if name in fields and getattr(person, name) != fields[name]:
                old = getattr(person, name)
                # Phone numbers stay out of the audit trail in clear.
                changes[name] = ["***", "***"] if name == "phone" else [str(old), str(fields[name])]
                setattr(person, name, fields[name])
        person.save()
        audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person, changes=changes)
    return person
