"""Attendance per person: marks by the recorder, and QR sign-in by the members themselves.

Once per-person marks exist for an activity, its present / on leave / absent counts are
the counts of those marks (and `expected` is raised to the number marked if it was lower):
the figures then fill themselves, from the roster and from sign-ins.

The roster of an activity is the people of its own organisation (orgs.Person).

QR sign-in: the printed code carries a signed token of the activity id (so addresses
cannot be guessed), and is open from 30 minutes before the activity's start (`starts_at`)
until 30 minutes after it. A member signs in logged in, or with their name and the last
four digits of their phone as the unit's roster has them. Wrong name/digit attempts are
counted per activity and client address, and refused beyond a limit, so that the roster
cannot be enumerated through the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.audit import services as audit
from xuejiao.audit.models import AuditAction
from xuejiao.core.client_ip import client_ip
from xuejiao.core.errors import ServiceError
from xuejiao.orgs.models import Person

from ..completion import announce_changes
from ..models import COUNTING_STATUSES, Activity, Attendance, AttendanceStatus
from .rules import contents_refusal

SIGNIN_OPENS_BEFORE = timedelta(minutes=30)
SIGNIN_CLOSES_AFTER = timedelta(minutes=30)
TOKEN_SALT = "xuejiao.ledger.signin"


def _failure_limit() -> int:
    return getattr(settings, "SIGNIN_MAX_FAILURES", 10)


def _failure_window() -> int:
    return getattr(settings, "SIGNIN_FAILURE_SECONDS", 15 * 60)


class SignInRefused(ServiceError):
    """Sign-in is not possible now or with these details; the message says why."""


class TooManyAttempts(SignInRefused):
    pass


# --- tokens and the window ----------------------------------------------------------------


def signin_token(activity: Activity) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign(str(activity.pk))


def activity_for_token(token: str) -> Activity | None:
    try:
        pk = int(signing.Signer(salt=TOKEN_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Activity.objects.select_related("organization", "campaign").filter(pk=pk).first()


def signin_window(activity: Activity) -> tuple:
    """(opens, closes): 30 minutes either side of the activity's start."""
    return activity.starts_at - SIGNIN_OPENS_BEFORE, activity.starts_at + SIGNIN_CLOSES_AFTER


def window_state(activity: Activity, now=None) -> str:
    """ "early", "open" or "closed"."""
    now = now or timezone.now()
    opens, closes = signin_window(activity)
    if now < opens:
        return "early"
    if now > closes:
        return "closed"
    return "open"


# --- counts from marks --------------------------------------------------------------------


def roster(activity: Activity):
    return Person.objects.filter(organization_id=activity.organization_id).order_by("sort_order", "id")


def _lock(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("organization", "campaign")
        .get(pk=activity.pk)
    )


def recount_attendance(activity: Activity) -> None:
    """Set the counts from the per-person marks (call with the activity row locked)."""
    counts = dict(
        Attendance.objects.filter(activity_id=activity.pk)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    if not counts:
        return
    present = counts.get(AttendanceStatus.PRESENT, 0)
    on_leave = counts.get(AttendanceStatus.ON_LEAVE, 0)
    absent = counts.get(AttendanceStatus.ABSENT, 0)
    before = (activity.expected, activity.present, activity.on_leave, activity.absent)
    activity.present, activity.on_leave, activity.absent = present, on_leave, absent
    activity.expected = max(activity.expected, present + on_leave + absent)
    if before == (activity.expected, activity.present, activity.on_leave, activity.absent):
        return
    activity.save(update_fields=["expected", "present", "on_leave", "absent", "updated_at"])
    if activity.status in COUNTING_STATUSES:
        announce_changes(activity.campaign, [activity.organization])


def uses_marks(activity: Activity) -> bool:
    return Attendance.objects.filter(activity_id=activity.pk).exists()


def mark_attendance(*, actor, activity: Activity, marks: dict, request=None) -> Activity:
    """marks: {person id: (status or "" to clear, reason)} for people of the roster."""
    with transaction.atomic():
        current = _lock(activity)
        refusal = contents_refusal(
            actor, current, _("This record is verified: its attendance can no longer be changed.")
        )
        if refusal is not None:
            raise refusal
        members = set(roster(current).filter(pk__in=list(marks)).values_list("pk", flat=True))
        strangers = set(marks) - members
        if strangers:
            raise ServiceError(_("Only people on the organisation's roster can be marked."))
        existing = {a.person_id: a for a in Attendance.objects.filter(activity=current)}
        changes = {}
        for person_id, (status, reason) in marks.items():
            reason = (reason or "").strip()[:200]
            row = existing.get(person_id)
            if not status:
                if row is not None:
                    row.delete()
                    changes[str(person_id)] = [row.status, ""]
                continue
            if status not in AttendanceStatus.values:
                raise ServiceError(_("Choose present, on leave or absent."))
            if row is None:
                Attendance.objects.create(activity=current, person_id=person_id, status=status, reason=reason)
                changes[str(person_id)] = ["", status]
            elif (row.status, row.reason) != (status, reason):
                changes[str(person_id)] = [row.status, status]
                row.status, row.reason = status, reason
                row.save(update_fields=["status", "reason"])
        if not changes:
            return current
        # When every mark is cleared, the counts keep their last figures.
        recount_attendance(current)
        current.version += 1
        current.save(update_fields=["version"])
        # Marks change only while the record is the unit's (contents_refusal): the make-up
        # tasks follow them when it is submitted again.
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            changes={"attendance": changes},
            summary=_("Attendance of “%(title)s” marked") % {"title": current.title},
        )
    return current


# --- QR sign-in ---------------------------------------------------------------------------


@dataclass
class SignInResult:
    person: Person
    attendance: Attendance
    already: bool


def _failure_key(activity: Activity, address: str) -> str:
    return f"ledger:signin-failures:{activity.pk}:{address}"


def failures(activity: Activity, address: str) -> int:
    return cache.get(_failure_key(activity, address), 0)


def _count_failure(activity: Activity, address: str) -> None:
    key = _failure_key(activity, address)
    # The window starts with the first failure: at most N wrong tries per window.
    if not cache.add(key, 1, _failure_window()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, _failure_window())


def _last_four(phone: str) -> str:
    """The last four digits of a phone number however it was typed ("138-0000-3333")."""
    return "".join(ch for ch in phone if ch.isdigit())[-4:]


def _match_person(activity: Activity, name: str, digits: str) -> Person | None:
    candidates = [p for p in roster(activity).filter(name=name) if p.phone and _last_four(p.phone) == digits]
    return candidates[0] if len(candidates) == 1 else None


def sign_in(*, activity: Activity, user=None, name: str = "", digits: str = "", request=None) -> SignInResult:
    """Sign one roster member in. Idempotent: a second sign-in changes nothing."""
    now = timezone.now()
    state = window_state(activity, now)
    opens, closes = signin_window(activity)
    window_text = {
        "opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
        "closes": timezone.localtime(closes).strftime("%H:%M"),
    }
    if state == "early":
        raise SignInRefused(
            _("Sign-in has not opened yet: it is open from %(opens)s to %(closes)s.") % window_text
        )
    if state == "closed":
        raise SignInRefused(_("Sign-in has closed: it was open from %(opens)s to %(closes)s.") % window_text)
    if activity.is_locked:
        raise SignInRefused(_("This record is verified and closed: ask the organiser to record you."))

    person = None
    if user is not None and user.is_authenticated and user.person_id:
        candidate = Person.objects.filter(pk=user.person_id, organization_id=activity.organization_id).first()
        person = candidate
    if person is None:
        address = client_ip(request) if request is not None else ""
        if failures(activity, address) >= _failure_limit():
            raise TooManyAttempts(
                _(
                    "Too many wrong attempts from this device. "
                    "Wait a quarter of an hour, or ask the organiser."
                )
            )
        name = (name or "").strip()
        digits = (digits or "").strip()
        if not name or len(digits) != 4 or not digits.isdigit():
            raise SignInRefused(_("Enter your name and the last four digits of your phone number."))
        person = _match_person(activity, name, digits)
        if person is None:
            _count_failure(activity, address)
            raise SignInRefused(
                _(
                    "The name and the digits do not match this unit's roster. Check them, "
                    "or ask the organiser to mark you present."
                )
            )

    with transaction.atomic():
        current = _lock(activity)
        if current.is_locked:
            raise SignInRefused(_("This record is verified and closed: ask the organiser to record you."))
        attendance, created = Attendance.objects.get_or_create(
            activity=current,
            person=person,
            defaults={"status": AttendanceStatus.PRESENT, "signed_in_at": now},
        )
        already = not created and attendance.signed_in_at is not None
        if not already:
            if not created:
                attendance.status = AttendanceStatus.PRESENT
                attendance.reason = ""
                attendance.signed_in_at = now
                attendance.save(update_fields=["status", "reason", "signed_in_at"])
            recount_attendance(current)
            audit.record(
                AuditAction.CREATE,
                actor=user if user is not None and user.is_authenticated else None,
                request=request,
                obj=current,
                summary=_("%(name)s signed in to “%(title)s”")
                % {"name": person.name, "title": current.title},
                changes={"signed_in": person.pk},
            )
    return SignInResult(person=person, attendance=attendance, already=already)
