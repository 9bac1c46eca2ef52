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
from .evidence import Evidence, EvidenceKind, evidence_storage

__all__ = [
    "COUNTING_STATUSES",
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "Attendance",
    "AttendanceStatus",
    "Correction",
    "Evidence",
    "EvidenceKind",
    "Mode",
    "evidence_storage",
]
