"""The state and duty rules of an activity record, in one place.

The services enforce them, the pages show only the buttons they allow, and the API and the
import ask the same questions. Each `*_refusal` function answers None when the step is
allowed, else the error the service raises (its message is for the user).

- A draft or returned record is changed by its unit (who records for its organisation).
- A submitted record awaits review: it is read-only to everyone, its evidence and
  attendance included, until the level above returns it or its unit withdraws it.
- A verified record is locked; the level above corrects it with a reason.
- The level above (orgs.permissions.can_review) verifies, returns, corrects and marks
  highlights, and never on a record its user created or submitted.
"""

from django.utils.translation import gettext as _

from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.orgs.permissions import can_record, can_review, reviews_from_above

from ..models import COUNTING_STATUSES, Activity, ActivityStatus

EDITABLE_STATES = (ActivityStatus.DRAFT, ActivityStatus.RETURNED)


class AwaitingReview(ServiceError):
    """The record is submitted and read-only until it is returned or withdrawn (409 in the API)."""


def awaiting_review() -> AwaitingReview:
    return AwaitingReview(
        _(
            "This record is awaiting review by the level above and cannot be changed. To change "
            "it, withdraw it first (it becomes a draft again), or wait until it is returned."
        )
    )


def _own_record() -> PermissionDenied:
    return PermissionDenied(
        _("You created or submitted this record yourself: someone else at the level above reviews it.")
    )


def review_refusal(user, activity: Activity, denied: str = "") -> PermissionDenied | None:
    """May the user act as the level above on this record (verify, return, correct, highlight)?
    `denied` is the message for who is not the level above at all."""
    if can_review(user, activity.organization, activity.authors):
        return None
    if reviews_from_above(user, activity.organization):
        return _own_record()
    return PermissionDenied(denied or _("Records are verified, returned and corrected by the level above."))


def edit_refusal(user, activity: Activity) -> ServiceError | None:
    """May the user change the record's fields (a correction, when it is verified)?"""
    if activity.status == ActivityStatus.SUBMITTED:
        if not (can_record(user, activity.organization) or reviews_from_above(user, activity.organization)):
            return PermissionDenied(_("You may not change this record."))
        return awaiting_review()
    if activity.is_locked:
        return review_refusal(user, activity, _("This record is verified and locked."))
    if not can_record(user, activity.organization):
        return PermissionDenied(_("You may not change this record."))
    return None


def contents_refusal(user, activity: Activity, locked_message: str = "") -> ServiceError | None:
    """May the user change the record's evidence or attendance? Only while it is the unit's.
    `locked_message` says so for a verified record."""
    if not can_record(user, activity.organization):
        return PermissionDenied(_("You may not change the evidence or attendance of this record."))
    if activity.status == ActivityStatus.SUBMITTED:
        return awaiting_review()
    if activity.is_locked:
        return ServiceError(locked_message or _("This record is verified and locked."))
    return None


# Each step of the workflow: the states it leaves, the state it reaches, and whether the
# unit (recorders) or the level above (reviewers) takes it.
STEPS = {
    "submit": (EDITABLE_STATES, ActivityStatus.SUBMITTED, "unit"),
    "withdraw": ((ActivityStatus.SUBMITTED,), ActivityStatus.DRAFT, "unit"),
    "verify": ((ActivityStatus.SUBMITTED,), ActivityStatus.VERIFIED, "above"),
    "return": ((ActivityStatus.SUBMITTED,), ActivityStatus.RETURNED, "above"),
}


def step_labels() -> dict:
    return {"submit": _("submit"), "withdraw": _("withdraw"), "verify": _("verify"), "return": _("return")}


def step_refusal(user, activity: Activity, step: str) -> ServiceError | None:
    """May the user take this step of the workflow now? Permission first, then the state."""
    sources, _target, by = STEPS[step]
    label = step_labels()[step]
    if by == "unit":
        if not can_record(user, activity.organization):
            return PermissionDenied(_("You may not %(action)s this record.") % {"action": label})
        if step == "withdraw" and can_review(user, activity.organization, activity.authors):
            # An office that records for its whole district also reviews its units: it
            # answers a unit's submission by returning it, with a reason the unit reads.
            return PermissionDenied(_("As the level above, return the record with a reason instead."))
    else:
        refusal = review_refusal(user, activity)
        if refusal is not None:
            return refusal
    if activity.status not in sources:
        return ServiceError(
            _("A record that is “%(status)s” cannot be %(action)s.")
            % {"status": activity.get_status_display(), "action": label}
        )
    return None


def delete_refusal(user, activity: Activity) -> ServiceError | None:
    if not can_record(user, activity.organization):
        return PermissionDenied(_("You may not delete this record."))
    if activity.status not in EDITABLE_STATES:
        return ServiceError(_("Only drafts and returned records can be deleted."))
    return None


def highlight_refusal(user, activity: Activity) -> ServiceError | None:
    refusal = review_refusal(user, activity, _("Only the level above can mark highlights."))
    if refusal is not None:
        return refusal
    if activity.status not in COUNTING_STATUSES:
        return ServiceError(_("Only submitted or verified records can be highlights."))
    return None


def allowed(user, activity: Activity) -> dict:
    """What the user may do with the record now, for the buttons a page shows."""
    contents = contents_refusal(user, activity) is None
    return {
        "edit": edit_refusal(user, activity) is None,
        "submit": step_refusal(user, activity, "submit") is None,
        "withdraw": step_refusal(user, activity, "withdraw") is None,
        "review": step_refusal(user, activity, "verify") is None,  # verify and return alike
        "delete": delete_refusal(user, activity) is None,
        "highlight": highlight_refusal(user, activity) is None,
        "evidence": contents,
        "attendance": contents,
        "qr": can_record(user, activity.organization) or reviews_from_above(user, activity.organization),
    }
