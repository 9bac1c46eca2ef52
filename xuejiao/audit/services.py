"""Writing the audit trail: every service calls `record` inside its transaction."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from xuejiao.core import bulk
from xuejiao.core.client_ip import client_ip

from .models import AuditAction, AuditEntry


def record(
    action: str,
    *,
    actor=None,
    request=None,
    organization=None,
    obj=None,
    summary: str = "",
    changes: dict | None = None,
    username: str = "",
) -> AuditEntry:
    if organization is None and obj is not None:
        organization = getattr(obj, "organization", None)
    if organization is None and actor is not None and getattr(actor, "is_authenticated", False):
        organization = actor.home_organization
    return AuditEntry.objects.create(
        user=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        username=username or (actor.get_username() if actor is not None and actor.is_authenticated else ""),
        action=action,
        organization=organization,
        org_path=organization.path if organization is not None else "",
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        changes=changes or {},
        ip_address=client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
    )


def record_export(*, actor, what: str, rows: int, organization=None, request=None) -> None:
    record(
        AuditAction.EXPORT,
        actor=actor,
        request=request,
        organization=organization,
        summary=_("Exported %(what)s (%(rows)d rows)") % {"what": what, "rows": rows},
        changes={"what": what, "rows": rows},
    )


def record_many(actor, action: str, entries: Iterable[dict]) -> None:
    """One audit entry per record written in bulk, as `record` writes it from a service (who
    and when; there is no request in a background import). Each entry gives
    organization_id, org_path, object_type, object_id, summary and optionally changes."""
    same = {
        "created_at": timezone.now(),
        "user_id": actor.pk,
        "username": actor.get_username(),
        "action": action,
    }
    bulk.insert(AuditEntry, entries, same=same)
