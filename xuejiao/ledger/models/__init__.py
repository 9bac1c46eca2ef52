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
from .materials import (
    MakeUpStatus,
    MakeUpTask,
    Material,
    MaterialAssignment,
    MaterialKind,
    Reflection,
)

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
    "MakeUpStatus",
    "MakeUpTask",
    "Material",
    "MaterialAssignment",
    "MaterialKind",
    "Mode",
    "Reflection",
    "evidence_storage",
]
