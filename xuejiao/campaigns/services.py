"""Every write to campaigns and required actions: permission, transaction, audit record,
and completion rebuilt for the actions that changed."""

from django.db import transaction
from django.utils.translation import gettext as _

from xuejiao.accounts import audit
from xuejiao.accounts.models import AuditAction
from xuejiao.accounts.permissions import manage_scope
from xuejiao.core.errors import PermissionDenied, ServiceError

from .completion import rebuild_action
from .models import Campaign, Phase, RequiredAction
from .permissions import can_run

CAMPAIGN_FIELDS = ("name", "motto", "starts_on", "ends_on")
ACTION_FIELDS = (
    "phase",
    "title",
    "description",
    "sort_order",
    "categories",
    "org_kinds",
    "depths",
    "rule_type",
    "activity_kinds",
    "min_count",
    "require_first_agenda",
    "topic_keyword",
    "window_start",
    "due_date",
    "min_photos",
    "min_summary_length",
    "min_attendance_rate",
)


def _check_period(starts_on, ends_on):
    if ends_on < starts_on:
        raise ServiceError(_("The campaign ends before it starts."))


def create_campaign(*, actor, root, phases=(), request=None, **fields) -> Campaign:
    if not manage_scope(actor).covers(root):
        raise PermissionDenied(_("You may only run campaigns for your own organisations."))
    _check_period(fields["starts_on"], fields["ends_on"])
    with transaction.atomic():
        campaign = Campaign.objects.create(
            root=root, **{k: fields[k] for k in CAMPAIGN_FIELDS if k in fields}
        )
        for order, name in enumerate(phases):
            Phase.objects.create(campaign=campaign, name=name, sort_order=order)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=campaign,
            organization=root,
            summary=campaign.name,
        )
    return campaign


def update_campaign(*, actor, campaign: Campaign, request=None, **fields) -> Campaign:
    if not can_run(actor, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    _check_period(fields.get("starts_on", campaign.starts_on), fields.get("ends_on", campaign.ends_on))
    with transaction.atomic():
        changes = {}
        for name in CAMPAIGN_FIELDS:
            if name in fields and getattr(campaign, name) != fields[name]:
                changes[name] = [str(getattr(campaign, name)), str(fields[name])]
                setattr(campaign, name, fields[name])
        campaign.save()
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=campaign,
            organization=campaign.root,
            changes=changes,
        )
        if "starts_on" in changes:
            for action in campaign.actions.all():
                rebuild_action(action)
    return campaign


def _validate_action(campaign: Campaign, fields: dict) -> None:
    due = fields.get("due_date")
    if due is None:
        raise ServiceError(_("Set the due date."))
    if not campaign.starts_on <= due <= campaign.ends_on:
        raise ServiceError(_("The due date must fall within the campaign's period."))
    start = fields.get("window_start")
    if start and start > due:
        raise ServiceError(_("Counting cannot start after the due date."))
    if (fields.get("rule_type") or "activity_count") == "activity_count" and not fields.get("activity_kinds"):
        raise ServiceError(_("Choose at least one activity kind that counts."))
    phase = fields.get("phase")
    if phase is not None and phase.campaign_id != campaign.pk:
        raise ServiceError(_("The phase belongs to another campaign."))


def save_action(
    *,
    actor,
    campaign: Campaign,
    action: RequiredAction | None = None,
    systems=None,
    explicit_orgs=None,
    request=None,
    **fields,
) -> RequiredAction:
    """Create (action=None) or change a required action, then recompute its completion."""
    if not can_run(actor, campaign):
        raise PermissionDenied(_("You may not change this campaign's required actions."))
    merged = {name: getattr(action, name) for name in ACTION_FIELDS} if action else {}
    merged.update({k: v for k, v in fields.items() if k in ACTION_FIELDS})
    _validate_action(campaign, merged)
    with transaction.atomic():
        creating = action is None
        action = action or RequiredAction(campaign=campaign)
        for name, value in merged.items():
            setattr(action, name, value)
        action.save()
        if systems is not None:
            action.systems.set(systems)
        if explicit_orgs is not None:
            outside = [o for o in explicit_orgs if not o.path.startswith(campaign.root_path)]
            if outside:
                raise ServiceError(_("%(name)s is outside the campaign.") % {"name": outside[0].name})
            action.explicit_orgs.set(explicit_orgs)
        audit.record(
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=action,
            organization=campaign.root,
            summary=action.title,
            changes={k: str(v) for k, v in fields.items()},
        )
        rebuild_action(action)
    return action


def delete_action(*, actor, action: RequiredAction, request=None) -> None:
    if not can_run(actor, action.campaign):
        raise PermissionDenied(_("You may not change this campaign's required actions."))
    with transaction.atomic():
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            request=request,
            obj=action,
            organization=action.campaign.root,
            summary=action.title,
        )
        action.delete()


def copy_actions(*, actor, source: Campaign, target: Campaign, request=None) -> list[RequiredAction]:
    """Copy every required action of `source` into `target` in one step, due dates shifted
    by the distance between the two campaigns' starts (and kept inside the target's period)."""
    if not can_run(actor, target):
        raise PermissionDenied(_("You may not change this campaign's required actions."))
    shift = target.starts_on - source.starts_on
    copies = []
    with transaction.atomic():
        phases = {}
        for phase in source.phases.all():
            phases[phase.pk] = Phase.objects.create(
                campaign=target, name=phase.name, sort_order=phase.sort_order
            )
        for original in source.actions.prefetch_related("systems", "explicit_orgs"):
            fields = {name: getattr(original, name) for name in ACTION_FIELDS}
            fields["phase"] = phases.get(original.phase_id)
            fields["due_date"] = min(max(original.due_date + shift, target.starts_on), target.ends_on)
            if original.window_start:
                fields["window_start"] = min(
                    max(original.window_start + shift, target.starts_on), fields["due_date"]
                )
            copy = RequiredAction.objects.create(campaign=target, **fields)
            copy.systems.set(original.systems.all())
            copy.explicit_orgs.set(
                [o for o in original.explicit_orgs.all() if o.path.startswith(target.root_path)]
            )
            rebuild_action(copy)
            copies.append(copy)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=target,
            organization=target.root,
            summary=_("Copied %(n)d required actions from “%(name)s”")
            % {"n": len(copies), "name": source.name},
        )
    return copies


def save_phases(*, actor, campaign: Campaign, rows: list[dict], request=None) -> list[Phase]:
    """Replace the campaign's phases in one step.

    `rows` are dicts with `name`, `starts_on`, `ends_on`, `sort_order`, and `id` for an
    existing phase; an existing phase left out is deleted (its actions keep no phase).
    """
    if not can_run(actor, campaign):
        raise PermissionDenied(_("You may not change this campaign."))
    for row in rows:
        if not (row.get("name") or "").strip():
            raise ServiceError(_("Give every phase a name."))
        starts_on, ends_on = row.get("starts_on"), row.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ServiceError(_("The phase “%(name)s” ends before it starts.") % {"name": row["name"]})
        for day in (starts_on, ends_on):
            if day and not campaign.starts_on <= day <= campaign.ends_on:
                raise ServiceError(
                    _("The phase “%(name)s” must fall within the campaign's period.") % {"name": row["name"]}
                )
    with transaction.atomic():
        existing = {phase.pk: phase for phase in campaign.phases.select_for_update()}
        kept, saved = set(), []
        for order, row in enumerate(rows):
            phase = existing.get(row.get("id")) or Phase(campaign=campaign)
            phase.name = row["name"].strip()
            phase.starts_on = row.get("starts_on")
            phase.ends_on = row.get("ends_on")
            phase.sort_order = row.get("sort_order", order)
            phase.save()
            kept.add(phase.pk)
            saved.append(phase)
        removed = [phase for pk, phase in existing.items() if pk not in kept]
        for phase in removed:
            phase.delete()
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=campaign,
            organization=campaign.root,
            summary=_("Phases: %(names)s") % {"names": "、".join(p.name for p in saved)},
            changes={"phases": [p.name for p in saved], "removed": [p.name for p in removed]},
        )
    return saved
