"""Every write to campaigns and required actions: permission, transaction, audit record,
and completion rebuilt for the actions that changed. Documents handed in for document-rule
actions (submitted by the unit, accepted or returned by the level above) are written here too."""

import hashlib
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.accounts.permissions import manage_scope
from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core import uploads
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.storage import private_storage
from xuejiao.notify.models import NoticeKind
from xuejiao.notify.services import notify, recorders_of
from xuejiao.orgs.permissions import can_record, can_review

from .completion import rebuild_action, refresh_organization
from .models import (
    ActionDocument,
    Campaign,
    Completion,
    DocumentStatus,
    Phase,
    RequiredAction,
    RuleType,
)
from .permissions import can_run
from .rules import applicable_organizations, window

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


# ---------------------------------------------------------------------------------------
# Documents for document-rule actions (报送材料): the unit hands one in, the level above
# accepts it (the action is then done, if it was handed in by the due date) or returns it
# with a note, after which the unit may hand in another.

DOCX = "docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_FAMILIES = (uploads.PDF, uploads.IMAGE)
REVIEW_DECISIONS = ("accept", "return")


def document_types_text() -> str:
    return _("PDF, Word (.docx), or JPEG, PNG or WebP pictures")


def _refuse_document(name: str, what: str | None):
    if what:
        message = _(
            "“%(name)s” was not handed in: its content is %(what)s, whatever its name says. "
            "Allowed: %(allowed)s."
        ) % {"name": name, "what": what, "allowed": document_types_text()}
    else:
        message = _(
            "“%(name)s” was not handed in: its content is not a file type we accept, whatever its "
            "name says. Allowed: %(allowed)s."
        ) % {"name": name, "allowed": document_types_text()}
    raise ServiceError(message)


def _zip_entries(upload) -> set[str] | None:
    """The entry names of a ZIP container (a .docx is one), or None when it cannot be read.
    Only the central directory is read: nothing is decompressed."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)


def _prepare_docx(upload, name: str, size: int) -> uploads.Prepared:
    entries = _zip_entries(upload)
    if entries is None or "word/document.xml" not in entries:
        _refuse_document(name, _("a compressed archive (ZIP) or an Office file other than Word"))
    if "word/vbaProject.bin" in entries:
        _refuse_document(name, _("a Word document with macros"))
    cap = settings.EVIDENCE_MAX_PDF_BYTES
    if size > cap:
        raise ServiceError(
            _("“%(name)s” is %(size)s; a document may be at most %(cap)s. It was not handed in.")
            % {"name": name, "size": filesizeformat(size), "cap": filesizeformat(cap)}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return uploads.Prepared(
        upload=upload,
        name=name[:255],
        family=DOCX,
        content_type=DOCX_TYPE,
        extension="docx",
        size=size,
        sha256=digest.hexdigest(),
    )


def prepare_document(upload) -> uploads.Prepared:
    """Check a handed-in file by its content, as the ledger checks evidence: PDF and pictures
    through the upload checks of core.uploads (magic bytes, size caps, pictures decoded), and Word .docx
    as a ZIP container holding word/document.xml. Raise ServiceError with a precise message."""
    if upload is None:
        raise ServiceError(_("Choose the file to hand in."))
    name = getattr(upload, "name", "") or _("(unnamed)")
    if not upload.size:
        raise ServiceError(_("“%(name)s” is empty. It was not handed in.") % {"name": name})
    upload.seek(0)
    head = upload.read(uploads.SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _prepare_docx(upload, name, upload.size)
    known = any(
        matcher.match(bytearray(head))
        for matcher, family, _format in uploads.ALLOWED
        if family in DOCUMENT_FAMILIES
    )
    if not known:
        _refuse_document(name, uploads._what_it_is(head))
    return uploads.prepare(upload)


def may_submit_documents(user, action: RequiredAction, organization) -> bool:
    return action.rule_type == RuleType.DOCUMENT and can_record(user, organization)


def _lock_cell(action: RequiredAction, organization) -> Completion | None:
    """The (action, organisation) cell, locked: one hand-in or review at a time per cell."""
    return Completion.objects.select_for_update().filter(action=action, organization=organization).first()


def submit_document(
    *, actor, action: RequiredAction, organization, file, title: str = "", request=None
) -> ActionDocument:
    """The unit's recorders hand in a document for a document-rule action that applies to it.

    Refused while a document of the unit for the action awaits review or has been accepted.
    A document handed in after the due date is kept (the level above may still read it) but
    does not count towards the action.
    """
    if action.rule_type != RuleType.DOCUMENT:
        raise ServiceError(_("This required action is completed by records, not by a document."))
    # Permission first, so that a reader is told so before any file is looked at.
    if not can_record(actor, organization):
        raise PermissionDenied(_("You may not hand in documents for this organisation."))
    campaign = action.campaign
    if campaign.is_archived:
        raise ServiceError(_("The campaign is archived: nothing more can be handed in."))
    title = (title or "").strip()
    prepared = prepare_document(file)
    if not title:
        title = PurePosixPath(prepared.name).stem.strip() or action.title
    stored = ""
    try:
        with transaction.atomic():
            if not applicable_organizations(action).filter(pk=organization.pk).exists():
                raise ServiceError(
                    _("This required action does not apply to %(name)s.") % {"name": organization.name}
                )
            _lock_cell(action, organization)
            existing = set(
                ActionDocument.objects.filter(action=action, organization=organization).values_list(
                    "status", flat=True
                )
            )
            if DocumentStatus.ACCEPTED in existing:
                raise ServiceError(_("A document for this action has already been accepted."))
            if DocumentStatus.SUBMITTED in existing:
                raise ServiceError(
                    _("A document for this action is awaiting review: withdraw it first to hand in another.")
                )
            document = ActionDocument(
                action=action,
                organization=organization,
                title=title[:200],
                original_name=prepared.name,
                content_type=prepared.content_type,
                size=prepared.size,
                submitted_by=actor,
            )
            document.file.save(f"document.{prepared.extension}", prepared.upload, save=False)
            stored = document.file.name
            document.save()
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                request=request,
                obj=document,
                organization=organization,
                summary=_("Handed in “%(title)s” for “%(action)s”")
                % {"title": document.title, "action": action.title},
                changes={"file": prepared.name, "size": prepared.size, "sha256": prepared.sha256},
            )
            refresh_organization(organization, campaign)
    except BaseException:
        if stored:
            private_storage.delete(stored)
        raise
    return document


def _lock_document(document: ActionDocument) -> ActionDocument:
    return (
        ActionDocument.objects.select_for_update(of=("self",))
        .select_related("organization", "action", "action__campaign")
        .get(pk=document.pk)
    )


def is_late(document: ActionDocument) -> bool:
    """Handed in after the action's due date (or before it was counted from): it does not count."""
    start, end = window(document.action)
    return not start <= document.submitted_at < end


def review_document(
    *, actor, document: ActionDocument, decision: str, note: str = "", request=None
) -> ActionDocument:
    """The level above accepts a document (the action is done when it was handed in on time)
    or returns it with a note saying what to change. A unit never reviews its own."""
    if decision not in REVIEW_DECISIONS:
        raise ServiceError(_("Choose whether to accept or return the document."))
    note = (note or "").strip()
    if decision == "return" and not note:
        raise ServiceError(
            _("Write a note saying why the document is returned, so the unit knows what to change.")
        )
    with transaction.atomic():
        current = _lock_document(document)
        if not can_review(actor, current.organization, authors=(current.submitted_by_id,)):
            raise PermissionDenied(
                _("Documents are accepted or returned by the level above, never by who handed them in.")
            )
        if current.status != DocumentStatus.SUBMITTED:
            raise ServiceError(
                _("This document has already been reviewed: it is “%(status)s”.")
                % {"status": current.get_status_display()}
            )
        _lock_cell(current.action, current.organization)
        before = current.status
        current.status = DocumentStatus.ACCEPTED if decision == "accept" else DocumentStatus.RETURNED
        current.review_note = note[:300]
        current.reviewed_by = actor
        current.reviewed_at = timezone.now()
        current.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "org_path"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            organization=current.organization,
            summary=(
                _("Accepted “%(title)s” of %(org)s")
                if decision == "accept"
                else _("Returned “%(title)s” to %(org)s")
            )
            % {"title": current.title, "org": current.organization.name},
            changes={"status": [before, current.status], "note": current.review_note},
        )
        refresh_organization(current.organization, current.action.campaign)
        _tell_unit_of_review(actor, current)
    return current


def _tell_unit_of_review(actor, document: ActionDocument) -> None:
    """The unit's recorders hear of the decision (after commit), the reviewer excepted."""
    accepted = document.status == DocumentStatus.ACCEPTED
    notify(
        recorders_of(document.organization).exclude(pk=actor.pk),
        kind=NoticeKind.DOCUMENT_ACCEPTED if accepted else NoticeKind.DOCUMENT_RETURNED,
        title=(_("Document accepted: %(title)s") if accepted else _("Document returned: %(title)s"))
        % {"title": document.title},
        body=document.review_note,
        url=reverse("campaigns:checklist", args=[document.action.campaign_id, document.organization_id]),
        organization=document.organization,
    )


def withdraw_document(*, actor, document: ActionDocument, request=None) -> None:
    """The unit takes back a document that has not been reviewed yet (to hand in a better one)."""
    with transaction.atomic():
        current = _lock_document(document)
        if not can_record(actor, current.organization):
            raise PermissionDenied(_("You may not withdraw documents of this organisation."))
        if current.status != DocumentStatus.SUBMITTED:
            raise ServiceError(_("Only a document awaiting review can be withdrawn."))
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            request=request,
            obj=current,
            organization=current.organization,
            summary=_("Withdrew “%(title)s” from “%(action)s”")
            % {"title": current.title, "action": current.action.title},
            changes={"file": current.original_name},
        )
        current.delete()  # the file goes once the transaction commits
        refresh_organization(current.organization, current.action.campaign)
