"""The online theme day: publishing and pushing study materials, members' reflections,
and make-up study tasks (补学). Every write checks permission and state, runs in a
transaction and leaves an audit entry, like the activity services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.accounts.permissions import manage_scope
from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.orgs.models import Organization
from xuejiao.orgs.permissions import can_record, can_review
from xuejiao.orgs.scope import PATH_END

from ..models import (
    COUNTING_STATUSES,
    Activity,
    Attendance,
    AttendanceStatus,
    MakeUpStatus,
    MakeUpTask,
    Material,
    MaterialAssignment,
    MaterialKind,
    Reflection,
)
from . import evidence

MATERIAL_FIELDS = ("campaign", "kind", "title", "body", "url", "deadline")
REFLECTION_MAX_LENGTH = 3000
BULK_BATCH = 1000


# --- permissions -------------------------------------------------------------------------


def can_publish(user, organization) -> bool:
    """Publishing and pushing materials: the campaign office (or an admin) of the publisher."""
    return manage_scope(user).covers(organization)


def can_manage_make_up(user, organization) -> bool:
    """Generating make-up tasks for an activity: whoever records or reviews it."""
    return can_record(user, organization) or can_review(user, organization)


# --- materials ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientPick:
    """One organisation chosen in the picker, alone or with all its sub-units."""

    organization: Organization
    with_sub_units: bool = False


# Materials carry the evidence file types but audio: documents, pictures and videos.
MATERIAL_FAMILIES = (evidence.IMAGE, evidence.PDF, evidence.VIDEO)


def check_upload(uploaded) -> evidence.Prepared:
    """Checked like evidence: the type comes from the file's bytes (pictures are decoded),
    and each type has its size cap (settings.EVIDENCE_MAX_*_BYTES)."""
    prepared = evidence.prepare(uploaded)
    if prepared.family not in MATERIAL_FAMILIES:
        raise ServiceError(
            _("“%(name)s” was not saved: a material may be a PDF, a picture or a video.")
            % {"name": prepared.name}
        )
    return prepared


def validate_material(publisher, fields: dict, upload: evidence.Prepared | None) -> None:
    if not (fields.get("title") or "").strip():
        raise ServiceError(_("Give the material a title."))
    kind = fields.get("kind")
    if kind not in MaterialKind.values:
        raise ServiceError(_("Choose what kind of material this is."))
    url = (fields.get("url") or "").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise ServiceError(_("The link must start with http:// or https://."))
    with_file = upload is not None
    if kind == MaterialKind.TEXT and not (fields.get("body") or "").strip():
        raise ServiceError(_("Write the text members are to study."))
    if kind == MaterialKind.LINK and not url:
        raise ServiceError(_("Give the link members are to open."))
    if kind == MaterialKind.VIDEO:
        if not url and not with_file:
            raise ServiceError(_("Give the video's link or upload an MP4 file."))
        if upload is not None and upload.family != evidence.VIDEO:
            raise ServiceError(_("A video material takes a video file (MP4 or MOV)."))
    if kind == MaterialKind.FILE and not with_file:
        raise ServiceError(_("Upload the file members are to study."))
    deadline = fields.get("deadline")
    if deadline is None:
        raise ServiceError(_("Set the deadline for studying the material."))
    campaign = fields.get("campaign")
    if campaign is not None and not publisher.path.startswith(campaign.root_path):
        raise ServiceError(
            _("This organisation does not take part in the campaign “%(name)s”.") % {"name": campaign.name}
        )


def resolve_recipients(actor, publisher, picks) -> dict[int, str]:
    """Organisation ids and paths the picks stand for, inside both the actor's manage scope
    and the publisher's subtree; a pick with sub-units expands to the whole subtree (one
    indexed range, whatever its size). Archived organisations are left out of expansions."""
    scope = manage_scope(actor)
    chosen: dict[int, str] = {}
    for pick in picks:
        organization = pick.organization
        if not scope.covers(organization) or not organization.path.startswith(publisher.path):
            raise PermissionDenied(
                _("You may not push materials to “%(name)s”.") % {"name": organization.name}
            )
        if pick.with_sub_units:
            below = Organization.objects.filter(
                path__gte=organization.path, path__lt=organization.path + PATH_END, is_archived=False
            )
            chosen.update(scope.filter(below).values_list("id", "path"))
        elif organization.is_archived:
            raise ServiceError(_("“%(name)s” is archived.") % {"name": organization.name})
        else:
            chosen[organization.id] = organization.path
    return chosen


def _assign(material: Material, recipients: dict[int, str]) -> int:
    """Create the assignments not there yet, in batches; the number created."""
    existing = set(material.assignments.values_list("organization_id", flat=True))
    new = [
        MaterialAssignment(material=material, organization_id=org_id, org_path=path)
        for org_id, path in sorted(recipients.items(), key=lambda item: item[1])
        if org_id not in existing
    ]
    # bulk_create skips save(), so org_path is set above from the path read with the id.
    MaterialAssignment.objects.bulk_create(new, batch_size=BULK_BATCH)
    if new:
        Material.objects.filter(pk=material.pk).update(recipient_count=F("recipient_count") + len(new))
    return len(new)


def publish_material(*, actor, publisher, recipients, file=None, request=None, **fields) -> Material:
    """Publish a material and push it to `recipients` (RecipientPicks) in one transaction."""
    if not can_publish(actor, publisher):
        raise PermissionDenied(_("Only the campaign office may publish materials for this organisation."))
    if publisher.is_archived:
        raise ServiceError(_("This organisation is archived."))
    upload = check_upload(file) if file else None
    validate_material(publisher, fields, upload)
    if fields["deadline"] < timezone.localdate():
        raise ServiceError(_("The deadline is already past."))
    chosen = resolve_recipients(actor, publisher, recipients)
    if not chosen:
        raise ServiceError(_("Choose at least one organisation to push the material to."))
    material = Material(
        organization=publisher,
        created_by=actor,
        **{name: fields[name] for name in MATERIAL_FIELDS if name in fields},
    )
    material.title = material.title.strip()
    material.url = (material.url or "").strip()
    try:
        with transaction.atomic():
            if upload is not None:
                material.file_name, material.file_type, material.file_size = (
                    upload.name[:200],
                    upload.content_type,
                    upload.size,
                )
                material.file.save(f"material.{upload.extension}", file, save=False)
            material.save()
            pushed = _assign(material, chosen)
            material.refresh_from_db(fields=["recipient_count"])
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                request=request,
                obj=material,
                changes={"recipients": pushed},
                summary=_("Published “%(title)s” to %(count)d organisations")
                % {"title": material.title, "count": pushed},
            )
    except BaseException:
        # The rows are rolled back; the stored file must not stay behind them.
        if material.file:
            material.file.delete(save=False)
        raise
    return material


def push_material(*, actor, material, recipients, request=None) -> int:
    """Push a published material to more organisations; those already reached are skipped."""
    with transaction.atomic():
        current = (
            Material.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=material.pk)
        )
        if not can_publish(actor, current.organization):
            raise PermissionDenied(_("Only the campaign office may push this material."))
        chosen = resolve_recipients(actor, current.organization, recipients)
        if not chosen:
            raise ServiceError(_("Choose at least one organisation to push the material to."))
        pushed = _assign(current, chosen)
        if pushed:
            audit.record(
                AuditAction.UPDATE,
                actor=actor,
                request=request,
                obj=current,
                changes={"recipients": pushed},
                summary=_("Pushed “%(title)s” to %(count)d more organisations")
                % {"title": current.title, "count": pushed},
            )
    return pushed


# --- reflections -------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    # Counted in characters, not bytes: 20 Chinese characters are 20.
    count = len("".join(text.split()))
    if count < Reflection.MIN_LENGTH:
        raise ServiceError(
            _("Write at least %(min)d characters about what you learned; you have written %(count)d.")
            % {"min": Reflection.MIN_LENGTH, "count": count}
        )
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ServiceError(
            _("Keep the reflection under %(max)d characters.") % {"max": REFLECTION_MAX_LENGTH}
        )
    return text


def _person_of(actor):
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None:
        raise PermissionDenied(
            _("Your account is not linked to anyone on a roster, so you cannot post reflections.")
        )
    return person


def may_reflect_on_activity(person, activity) -> bool:
    """A member of the activity's organisation, or anyone whose attendance was recorded."""
    return (
        person.organization_id == activity.organization_id
        or Attendance.objects.filter(activity=activity, person=person).exists()
    )


def post_reflection(*, actor, text, assignment=None, activity=None, request=None) -> Reflection:
    """The actor's linked person posts a reflection on a material pushed to their
    organisation, or on an activity; posting on an activity closes their make-up task."""
    if (assignment is None) == (activity is None):
        raise ServiceError(_("A reflection is about one material or one activity."))
    person = _person_of(actor)
    text = _clean_text(text)
    if assignment is not None:
        if person.organization_id != assignment.organization_id:
            raise PermissionDenied(
                _("Only members of “%(name)s” can post on this material.")
                % {"name": assignment.organization.name}
            )
        organization = assignment.organization
        existing = Reflection.objects.filter(person=person, assignment=assignment)
    else:
        if activity.status not in COUNTING_STATUSES:
            raise ServiceError(_("Reflections can be posted once the activity has been submitted."))
        if not may_reflect_on_activity(person, activity):
            raise PermissionDenied(
                _("Only members of “%(name)s” can post on this activity.")
                % {"name": activity.organization.name}
            )
        organization = activity.organization
        existing = Reflection.objects.filter(person=person, activity=activity)
    if existing.exists():
        raise ServiceError(_("You have already posted a reflection on this; edit it instead."))
    try:
        with transaction.atomic():
            reflection = Reflection.objects.create(
                organization=organization,
                person=person,
                assignment=assignment,
                activity=activity,
                text=text,
                created_by=actor,
            )
            if assignment is not None:
                MaterialAssignment.objects.filter(pk=assignment.pk).update(
                    reflection_count=F("reflection_count") + 1
                )
                Material.objects.filter(pk=assignment.material_id).update(
                    reflection_count=F("reflection_count") + 1
                )
            else:
                MakeUpTask.objects.filter(person=person, activity=activity, status=MakeUpStatus.OPEN).update(
                    status=MakeUpStatus.CLOSED, closed_by=reflection, closed_at=timezone.now()
                )
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                request=request,
                obj=reflection,
                summary=_("Reflection on “%(title)s”")
                % {"title": (assignment.material.title if assignment is not None else activity.title)},
            )
    except IntegrityError as clash:
        # Two posts at the same moment: the unique constraint keeps one.
        raise ServiceError(_("You have already posted a reflection on this; edit it instead.")) from clash
    return reflection


def can_edit_reflection(user, reflection) -> bool:
    """The author edits their own reflection; on a material, only until its deadline."""
    person_id = getattr(user, "person_id", None)
    if person_id is None or person_id != reflection.person_id:
        return False
    if reflection.assignment_id is not None:
        return not reflection.assignment.material.is_overdue
    return True


def edit_reflection(*, actor, reflection, text, request=None) -> Reflection:
    text = _clean_text(text)
    if getattr(actor, "person_id", None) != reflection.person_id:
        raise PermissionDenied(_("Only the author can change a reflection."))
    if not can_edit_reflection(actor, reflection):
        raise ServiceError(_("The deadline has passed; the reflection can no longer be changed."))
    if text == reflection.text:
        return reflection
    with transaction.atomic():
        before = reflection.text
        reflection.text = text
        reflection.save(update_fields=["text", "updated_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=reflection,
            changes={"text": [before[:100], text[:100]]},
            summary=_("Edited a reflection"),
        )
    return reflection


# --- make-up study -----------------------------------------------------------------------

MISSED = (AttendanceStatus.ABSENT, AttendanceStatus.ON_LEAVE)


def create_make_up_tasks(activity, *, actor=None, request=None) -> int:
    """Give every member marked absent or on leave for `activity` a make-up study task.

    Idempotent: run it again after the attendance changes and it adds the tasks missing,
    drops the open tasks of members now marked present, and leaves closed tasks alone. A
    member who has already posted a reflection on the activity gets a closed task.
    Called by the activity workflow on submit and verify (no actor: that caller has checked
    permission) and by the "generate make-up tasks" button (with the acting user).
    Returns the number of tasks created.
    """
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("organization")
            .get(pk=activity.pk)
        )
        if actor is not None and not can_manage_make_up(actor, current.organization):
            raise PermissionDenied(_("You may not set make-up study for this activity."))
        if current.status not in COUNTING_STATUSES:
            raise ServiceError(_("Make-up study is set once the activity has been submitted."))
        missed = dict(
            Attendance.objects.filter(activity=current, status__in=MISSED).values_list("person_id", "status")
        )
        dropped, _details = (
            MakeUpTask.objects.filter(activity=current, status=MakeUpStatus.OPEN)
            .exclude(person_id__in=list(missed))
            .delete()
        )
        have = set(MakeUpTask.objects.filter(activity=current).values_list("person_id", flat=True))
        wanted = [person_id for person_id in missed if person_id not in have]
        posted = dict(
            Reflection.objects.filter(activity=current, person_id__in=wanted).values_list("person_id", "id")
        )
        now = timezone.now()
        MakeUpTask.objects.bulk_create(
            [
                MakeUpTask(
                    organization=current.organization,
                    org_path=current.organization.path,
                    person_id=person_id,
                    activity=current,
                    reason=missed[person_id],
                    status=MakeUpStatus.CLOSED if person_id in posted else MakeUpStatus.OPEN,
                    closed_by_id=posted.get(person_id),
                    closed_at=now if person_id in posted else None,
                )
                for person_id in wanted
            ],
            batch_size=BULK_BATCH,
        )
        if wanted or dropped:
            audit.record(
                AuditAction.UPDATE,
                actor=actor,
                request=request,
                obj=current,
                changes={"make_up_created": len(wanted), "make_up_dropped": dropped},
                summary=_("Make-up study: %(created)d set, %(dropped)d dropped for “%(title)s”")
                % {"created": len(wanted), "dropped": dropped, "title": current.title},
            )
    return len(wanted)
