"""Many activity records written at once (the activity sheet's import): the rules, the
records and the audit entries of create_activity, update_activity and submit_activity,
written in bulk.

Every record is checked here by the single-record services' own rules (can_record, an
archived organisation, validate_activity, the recorder's status moves), so this path is
safe whoever calls it; a caller that reports row by row (the import's plan) runs the same
checks first through `check_new` and `check_change`. Each record gets the audit entries the
single-record services write, in the same order, and completion hears of the organisations
touched once per campaign (records_changed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core import bulk
from xuejiao.core.errors import ServiceError

from ..completion import announce_changes
from ..models import COUNTING_STATUSES, Activity, ActivityStatus, Attendance
from .activities import (
    ACTIVITY_FIELDS,
    apply_fields,
    check_can_create,
    check_can_edit,
    recorder_transition_refusal,
    submission_fields,
    transition_entry,
    validate_activity,
)
from .materials import MISSED, create_make_up_tasks

WRITE_BATCH = 2000
UPDATE_BATCH = 500
# The statuses a recorder may give a new record.
NEW_STATUSES = (ActivityStatus.DRAFT, ActivityStatus.SUBMITTED)


@dataclass
class NewRecord:
    organization: object  # an Organization (path, category, is_archived loaded)
    fields: dict  # ACTIVITY_FIELDS, the campaign as a Campaign or None
    submit: bool = False
    external_key: str | None = None


@dataclass
class Change:
    pk: int
    version: int  # the version the caller read; a different one means someone changed it
    fields: dict  # the ACTIVITY_FIELDS that change, the campaign as a Campaign or None
    submit: bool = False
    label: str = ""  # how the caller names the record in a refusal ("Row 12")


def check_new(actor, organization, fields: dict, status: str = ActivityStatus.DRAFT) -> None:
    """create_activity's rules for a new record; ServiceError (with its field) when refused."""
    if status not in NEW_STATUSES:
        raise ServiceError(recorder_transition_refusal(ActivityStatus.DRAFT, status), field="status")
    check_can_create(actor, organization, fields)


def check_change(actor, organization, status: str, merged: dict, new_status: str) -> None:
    """update_activity's and submit_activity's rules for a recorder changing a record;
    `merged` is the record's fields after the change."""
    if status == ActivityStatus.VERIFIED:
        # Corrections of verified records are the level above's, with a reason, on the page.
        raise ServiceError(_("A verified record cannot be changed by an import."), field="status")
    # The rules read the record's organisation and status; its authors matter only to a
    # verified record's correction, refused above.
    check_can_edit(actor, Activity(organization=organization, status=status))
    if new_status != status:
        refusal = recorder_transition_refusal(status, new_status)
        if refusal:
            raise ServiceError(refusal, field="status")
    validate_activity(organization, merged)


def write_activities(
    *,
    actor,
    new: list[NewRecord] = (),
    changes: list[Change] = (),
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> None:
    """Create `new` and apply `changes`, all or nothing, as the single-record services would
    one after another."""
    touched: dict[object, dict[int, object]] = {}  # campaign → {organisation id: organisation}

    def touch(campaign, organization) -> None:
        if campaign is not None:
            touched.setdefault(campaign, {})[organization.pk] = organization

    total = len(new) + len(changes)
    with transaction.atomic():
        done = _create(actor, new, touch, lambda n: progress(n, total))
        _update(actor, changes, touch, lambda n: progress(done + n, total))
        for campaign, organizations in sorted(touched.items(), key=lambda item: item[0].pk):
            announce_changes(campaign, organizations.values())
    progress(total, total)


def _create(actor, new: list[NewRecord], touch, progress) -> int:
    for record in new:
        status = ActivityStatus.SUBMITTED if record.submit else ActivityStatus.DRAFT
        check_new(actor, record.organization, record.fields, status)
    now = timezone.now()
    rows = []
    for record in new:
        row = {name: record.fields[name] for name in ACTIVITY_FIELDS if name in record.fields}
        campaign = row.pop("campaign", None)
        row.update(
            organization_id=record.organization.pk,
            org_path=record.organization.path,
            campaign_id=campaign.pk if campaign is not None else None,
            external_key=record.external_key,
            status=ActivityStatus.SUBMITTED if record.submit else ActivityStatus.DRAFT,
            submitted_at=now if record.submit else None,
            submitted_by_id=actor.pk if record.submit else None,
        )
        rows.append(row)
        if record.submit:
            touch(campaign, record.organization)
    # In the order of the ledger's largest indexes (organisation path, then time): new
    # entries land side by side in them instead of each on a page of its own.
    rows.sort(key=lambda row: (row["org_path"], row["starts_at"]))
    same = {"created_by_id": actor.pk, "created_at": now, "updated_at": now}
    summary = _("Recorded “%(title)s”")
    done = 0
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        ids = bulk.insert(Activity, batch, same=same, returning_ids=True)
        audit.record_many(
            actor,
            AuditAction.CREATE,
            (
                {
                    "organization_id": row["organization_id"],
                    "org_path": row["org_path"],
                    "object_type": "activity",
                    "object_id": str(pk),
                    "summary": (summary % {"title": row["title"]})[:300],
                }
                for row, pk in zip(batch, ids, strict=True)
            ),
        )
        done += len(batch)
        progress(done)
    return done


def _update(actor, changes: list[Change], touch, progress) -> None:
    done = 0
    for start in range(0, len(changes), UPDATE_BATCH):
        _update_batch(actor, changes[start : start + UPDATE_BATCH], touch)
        done += len(changes[start : start + UPDATE_BATCH])
        progress(done)


def _update_batch(actor, changes: list[Change], touch) -> None:
    """update_activity, then submit_activity for a change that submits, for a batch."""
    records = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("organization", "campaign")
        .in_bulk([change.pk for change in changes])
    )
    names = {"version", "updated_at"}
    edits, submits, submitted = [], [], []
    now = timezone.now()
    for change in changes:
        current = records.get(change.pk)
        if current is None or current.version != change.version:
            raise ServiceError(
                _(
                    "%(record)s: someone changed or deleted this record while the file was being "
                    "imported. Nothing was written; import the file again."
                )
                % {"record": change.label}
            )
        new_status = ActivityStatus.SUBMITTED if change.submit else current.status
        merged = {name: change.fields.get(name, getattr(current, name)) for name in ACTIVITY_FIELDS}
        check_change(actor, current.organization, current.status, merged, new_status)
        old_campaign = current.campaign
        edited = apply_fields(current, change.fields)
        if edited:
            # update_activity: one version, one entry, completion if the record counts.
            current.version += 1
            names.update(edited)
            edits.append(_entry(current, changes=edited, summary=""))
            if current.status != ActivityStatus.DRAFT:
                touch(old_campaign, current.organization)
                touch(current.campaign, current.organization)
        if change.submit and current.status != ActivityStatus.SUBMITTED:
            # submit_activity: the status, its fields, one version, one entry, completion.
            before, extra = current.status, submission_fields(actor)
            current.status = ActivityStatus.SUBMITTED
            for name, value in extra.items():
                setattr(current, name, value)
            current.version += 1
            names.update(("status", *extra))
            submits.append(
                _entry(current, **transition_entry(before, current.status, extra, _("submit"), current.title))
            )
            submitted.append(current)
            touch(current.campaign, current.organization)
        current.updated_at = now
    Activity.objects.bulk_update(list(records.values()), sorted(names))
    # The entries in the order the single-record services write them: each record's change
    # before its submission.
    audit.record_many(actor, AuditAction.UPDATE, _in_record_order(edits, submits))
    _make_up_tasks(submitted)


def _entry(record: Activity, *, changes: dict, summary: str) -> dict:
    return {
        "organization_id": record.organization_id,
        "org_path": record.org_path,
        "object_type": "activity",
        "object_id": str(record.pk),
        "summary": summary[:300],
        "changes": changes,
    }


def _in_record_order(edits: list[dict], submits: list[dict]) -> Iterable[dict]:
    yield from edits
    yield from submits


def _make_up_tasks(submitted: list[Activity]) -> None:
    """Members marked absent or on leave get their make-up study task, as on submitting
    (read once for the batch: most records have no attendance marks)."""
    if not submitted:
        return
    with_missed = set(
        Attendance.objects.filter(activity__in=submitted, status__in=MISSED).values_list(
            "activity_id", flat=True
        )
    )
    for record in submitted:
        if record.pk in with_missed and record.status in COUNTING_STATUSES:
            create_make_up_tasks(record)
