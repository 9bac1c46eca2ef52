"""The bulk apply path of a sheet: rows written with core.bulk.insert, and the audit entry of
each record written so (what the app's service writes for one record)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from xuejiao.core.bulk import insert

__all__ = ["insert", "insert_audit"]


def insert_audit(actor, action: str, entries: Iterable[dict]) -> None:
    """One audit entry per record written in bulk, as accounts.audit.record writes it from a
    service (who and when; there is no request in a background import). Each entry gives
    organization_id, org_path, object_type, object_id, summary and optionally changes."""
    from xuejiao.accounts.models import AuditEntry

    same = {
        "created_at": timezone.now(),
        "user_id": actor.pk,
        "username": actor.get_username(),
        "action": action,
    }
    insert(AuditEntry, entries, same=same)
