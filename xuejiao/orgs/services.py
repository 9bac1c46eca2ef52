"""Every write to the organisation tree and the roster: permission, transaction, audit record."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.accounts import audit
from xuejiao.accounts.models import AuditAction
from xuejiao.accounts.permissions import manage_scope
from xuejiao.core.errors import PermissionDenied, ServiceError, StaleRecord

from . import copied_paths
from .models import Organization, Person
from .scope import subtree_q
from .signals import organization_changed, subtree_changed

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


def create_person(*, actor, organization: Organization, request=None, **fields) -> Person:
    _require_manage(actor, organization, _("You may not add people to this organisation."))
    if organization.is_archived:
        raise ServiceError(_("An archived organisation cannot receive new people."))
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
