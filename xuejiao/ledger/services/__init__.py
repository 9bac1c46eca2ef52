"""Ledger services, one module per topic; every write that matters goes through them.

Callers use `from xuejiao.ledger import services` and `services.create_activity(...)`.
"""

from .activities import (
    ACTIVITY_FIELDS,
    create_activity,
    delete_activity,
    flag_highlight,
    return_activity,
    submit_activity,
    update_activity,
    validate_activity,
    verify_activity,
    withdraw_activity,
)
from .evidence import add_evidence, delete_evidence
from .materials import (
    RecipientPick,
    can_edit_reflection,
    can_manage_make_up,
    can_publish,
    create_make_up_tasks,
    edit_reflection,
    post_reflection,
    publish_material,
    push_material,
)
from .rules import (
    EDITABLE_STATES,
    AwaitingReview,
    allowed,
    awaiting_review,
    contents_refusal,
    delete_refusal,
    edit_refusal,
    review_refusal,
    step_refusal,
)
from .signin import mark_attendance, sign_in

__all__ = [
    "ACTIVITY_FIELDS",
    "add_evidence",
    "delete_evidence",
    "mark_attendance",
    "sign_in",
    "RecipientPick",
    "can_edit_reflection",
    "can_manage_make_up",
    "can_publish",
    "create_make_up_tasks",
    "edit_reflection",
    "post_reflection",
    "publish_material",
    "push_material",
    "create_activity",
    "delete_activity",
    "flag_highlight",
    "return_activity",
    "submit_activity",
    "update_activity",
    "validate_activity",
    "verify_activity",
    "withdraw_activity",
    "EDITABLE_STATES",
    "AwaitingReview",
    "allowed",
    "awaiting_review",
    "contents_refusal",
    "delete_refusal",
    "edit_refusal",
    "review_refusal",
    "step_refusal",
]
