"""Every write to the activity ledger: permission and state checks, transaction, audit
record, and the completion figures moved in the same transaction."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.errors import PermissionDenied, ServiceError, StaleRecord
from xuejiao.notify.models import NoticeKind
from xuejiao.notify.services import notify, recorders_of
from xuejiao.orgs.permissions import can_record

from ..completion import announce_changes
from ..models import COUNTING_STATUSES, Activity, ActivityStatus, Correction
from .materials import create_make_up_tasks
from .rules import (
    EDITABLE_STATES,
    STEPS,
    delete_refusal,
    edit_refusal,
    highlight_refusal,
    step_labels,
    step_refusal,
)

# Fields a recorder fills in; everything else is set by the workflow.
ACTIVITY_FIELDS = (
    "campaign",
    "kind",
    "title",
    "topic",
    "starts_at",
    "ends_at",
    "place",
    "mode",
    "host",
    "speaker",
    "first_agenda",
    "first_agenda_content",
    "expected",
    "present",
    "on_leave",
    "absent",
    "summary",
)


def validate_activity(organization, fields: dict) -> None:
    """The rules a record must meet whatever the way in (form, API, spreadsheet)."""
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if ends_at and starts_at and ends_at < starts_at:
        raise ServiceError(_("The end time is before the start time."), field="ends_at")
    if fields.get("first_agenda") and not (fields.get("first_agenda_content") or "").strip():
        raise ServiceError(_("Say what was studied as the first agenda item."), field="first_agenda_content")
    expected = fields.get("expected") or 0
    counted = (fields.get("present") or 0) + (fields.get("on_leave") or 0) + (fields.get("absent") or 0)
    if expected and counted > expected:
        raise ServiceError(
            _("Present, on leave and absent add up to %(counted)d, more than the %(expected)d expected.")
            % {"counted": counted, "expected": expected},
            field="present",
        )
    campaign = fields.get("campaign")
    if campaign is not None:
        if not organization.path.startswith(campaign.root_path):
            raise ServiceError(
                _("This organisation does not take part in the campaign “%(name)s”.")
                % {"name": campaign.name},
                field="campaign",
            )
        day = timezone.localdate(starts_at) if starts_at else None
        if day and not campaign.starts_on <= day <= campaign.ends_on:
            raise ServiceError(
                _("The date %(day)s is outside the campaign “%(name)s” (%(start)s to %(end)s).")
                % {"day": day, "name": campaign.name, "start": campaign.starts_on, "end": campaign.ends_on},
                field="starts_at",
            )


def check_can_create(actor, organization, fields: dict) -> None:
    """Whether `actor` may record a new activity with these fields for the organisation."""
    if not can_record(actor, organization):
        raise PermissionDenied(
            _("You may not record activities for this organisation."), field="organization"
        )
    if organization.is_archived:
        raise ServiceError(_("This organisation is archived."), field="organization")
    validate_activity(organization, fields)


def check_can_edit(actor, activity: Activity, reason: str = "") -> None:
    """Who may change the record now (the page, the API and imports alike, rules.edit_refusal):
    its unit's recorders while it is a draft or returned, nobody while it awaits review, and
    a verified record only the level above, with a reason."""
    refusal = edit_refusal(actor, activity)
    if refusal is not None:
        raise refusal
    if activity.is_locked and not reason.strip():
        raise ServiceError(_("Give a reason for correcting a verified record."))


def apply_fields(current: Activity, fields: dict) -> dict:
    """Set the recorder's fields given on the record; the changes, as the audit entry keeps
    them ({field: [before, after]})."""
    changes = {}
    for name in ACTIVITY_FIELDS:
        if name in fields and getattr(current, name) != fields[name]:
            changes[name] = [str(getattr(current, name)), str(fields[name])]
            setattr(current, name, fields[name])
    return changes


def submission_fields(actor) -> dict:
    """What submitting sets besides the status (who submitted never reviews the record)."""
    return {"submitted_at": timezone.now(), "submitted_by": actor, "return_reason": ""}


def transition_entry(before: str, to: str, extra: dict, action_label: str, title: str) -> dict:
    """The audit entry of a move from one status to another (its changes and summary)."""
    return {
        "changes": {"status": [before, to], **{name: str(value) for name, value in extra.items()}},
        "summary": _("%(action)s: %(title)s") % {"action": action_label, "title": title},
    }


def recorder_transition_refusal(before: str, after: str) -> str:
    """Why the recorder of a unit may not move a record from `before` to `after` on their
    own ("" when they may): they submit a draft or a returned record; verifying and returning
    belong to the level above, on the record's page."""
    if after == ActivityStatus.VERIFIED:
        return _("An import cannot mark a record as verified: the level above verifies it on its page.")
    if after == ActivityStatus.RETURNED:
        return _("An import cannot return a record: the level above returns it on its page.")
    if after == ActivityStatus.DRAFT and before != ActivityStatus.DRAFT:
        return _("A submitted or returned record cannot go back to draft.")
    if after == ActivityStatus.SUBMITTED and before not in (*EDITABLE_STATES, ActivityStatus.SUBMITTED):
        return _("A record that is “%(status)s” cannot be %(action)s.") % {
            "status": ActivityStatus(before).label,
            "action": _("submit"),
        }
    return ""


def _refresh(activity: Activity, *campaigns) -> None:
    for campaign in {c for c in campaigns if c is not None}:
        announce_changes(campaign, [activity.organization])


def create_activity(
    *, actor, organization, submit: bool = False, external_key=None, request=None, **fields
) -> Activity:
    check_can_create(actor, organization, fields)
    with transaction.atomic():
        activity = Activity(
            organization=organization,
            created_by=actor,
            external_key=external_key,
            **{name: fields[name] for name in ACTIVITY_FIELDS if name in fields},
        )
        if submit:
            activity.status = ActivityStatus.SUBMITTED
            activity.submitted_at = timezone.now()
            activity.submitted_by = actor
        activity.save()
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            request=request,
            obj=activity,
            summary=_("Recorded “%(title)s”") % {"title": activity.title},
        )
        if submit:
            _refresh(activity, activity.campaign)
    return activity


def update_activity(
    *, actor, activity: Activity, loaded_version: int | None = None, reason: str = "", request=None, **fields
) -> Activity:
    """Change a record while it is its unit's (a draft or returned record). A submitted record
    is read-only until it is returned or withdrawn; a verified one may be corrected only by
    the level above, with a reason, and the correction stays visible (check_can_edit)."""
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("organization", "campaign")
            .get(pk=activity.pk)
        )
        check_can_edit(actor, current, reason)
        if loaded_version is not None and current.version != loaded_version:
            raise StaleRecord(
                _("Someone else changed this record after you opened it. Reload it and try again.")
            )
        merged = {name: fields.get(name, getattr(current, name)) for name in ACTIVITY_FIELDS}
        validate_activity(current.organization, merged)
        old_campaign = current.campaign
        changes = apply_fields(current, fields)
        if not changes:
            return current
        current.version += 1
        current.save()
        if current.is_locked:
            Correction.objects.create(
                activity=current, changed_by=actor, reason=reason.strip()[:300], changes=changes
            )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            changes=changes,
            summary=reason[:300],
        )
        if current.status != ActivityStatus.DRAFT:
            _refresh(current, old_campaign, current.campaign)
    return current


def _transition(actor, activity, step, request, **extra):
    """Move the record one step of the workflow (rules.STEPS), with its audit entry."""
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("organization", "campaign")
            .get(pk=activity.pk)
        )
        refusal = step_refusal(actor, current, step)
        if refusal is not None:
            raise refusal
        before, to = current.status, STEPS[step][1]
        current.status = to
        for name, value in extra.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        if to in COUNTING_STATUSES:
            # Members marked absent or on leave get a make-up study task (补学).
            create_make_up_tasks(current)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            **transition_entry(before, to, extra, step_labels()[step], current.title),
        )
        _refresh(current, current.campaign)
        if step in ("verify", "return"):
            _tell_unit(actor, current, step)
    return current


def _tell_unit(actor, activity: Activity, step: str) -> None:
    """The unit's recorders hear of the review (after commit), the reviewer excepted."""
    if step == "verify":
        kind, title = NoticeKind.RECORD_VERIFIED, _("Record verified: %(title)s")
    else:
        kind, title = NoticeKind.RECORD_RETURNED, _("Record returned: %(title)s")
    notify(
        recorders_of(activity.organization).exclude(pk=actor.pk),
        kind=kind,
        title=title % {"title": activity.title},
        body=activity.return_reason if step == "return" else "",
        url=reverse("ledger:activity_detail", args=[activity.pk]),
        organization=activity.organization,
    )


def submit_activity(*, actor, activity, request=None) -> Activity:
    return _transition(actor, activity, "submit", request, **submission_fields(actor))


def withdraw_activity(*, actor, activity, request=None) -> Activity:
    """The unit takes back a record awaiting review: a draft again, to change and submit anew."""
    return _transition(actor, activity, "withdraw", request, submitted_at=None, submitted_by=None)


def verify_activity(*, actor, activity, request=None) -> Activity:
    return _transition(actor, activity, "verify", request, verified_at=timezone.now(), verified_by=actor)


def return_activity(*, actor, activity, reason: str, request=None) -> Activity:
    if not reason.strip():
        raise ServiceError(_("Give the reason for returning the record, so the unit knows what to fix."))
    return _transition(actor, activity, "return", request, return_reason=reason.strip()[:300])


def delete_activity(*, actor, activity, request=None) -> None:
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("organization", "campaign")
            .get(pk=activity.pk)
        )
        refusal = delete_refusal(actor, current)
        if refusal is not None:
            raise refusal
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            request=request,
            obj=current,
            summary=_("Deleted “%(title)s”") % {"title": current.title},
        )
        current.delete()


def flag_highlight(*, actor, activity, citation: str, highlight: bool = True, request=None) -> Activity:
    """The level above marks a record as a highlight (特色亮点), with a citation for the briefing."""
    if highlight and len(citation.strip()) < 10:
        raise ServiceError(_("Write a citation of at least 10 characters for the briefing."))
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=activity.pk)
        )
        refusal = highlight_refusal(actor, current)
        if refusal is not None:
            raise refusal
        current.is_highlight = highlight
        current.highlight_citation = citation.strip() if highlight else ""
        current.save(update_fields=["is_highlight", "highlight_citation", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            changes={"is_highlight": highlight},
            summary=current.highlight_citation[:300],
        )
    return current
