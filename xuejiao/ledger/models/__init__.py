"""Ledger models, one file per topic."""

from .activity import (
    COUNTING_STATUSES,
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    Correction,
    Mode,
)

__all__ = [
    "COUNTING_STATUSES",
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "Attendance",
    "AttendanceStatus",
    "Correction",
    "Mode",
]
