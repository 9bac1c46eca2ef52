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
)

__all__ = [
    "ACTIVITY_FIELDS",
    "create_activity",
    "delete_activity",
    "flag_highlight",
    "return_activity",
    "submit_activity",
    "update_activity",
    "validate_activity",
    "verify_activity",
]
