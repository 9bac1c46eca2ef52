"""Writing notices and marking them read.

Other apps call `notify` from inside their own write's transaction; the notices are
written only once that transaction commits, so a refused or rolled-back change tells no one.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xuejiao.accounts.models import RoleAssignment
from xuejiao.orgs.permissions import RECORDING_ROLES, REVIEWING_ROLES

from .models import Notice
from .queries import notices_of

# An ancestor's role over its subtree counts as recording for the unit only when it does
# not also make its holder the unit's reviewer: the level above hears of its own decisions
# from its review queue, not from notices.
_ANCESTOR_RECORDING_ROLES = RECORDING_ROLES - REVIEWING_ROLES


def recorders_of(organization):
    """The active users who record for the unit: any recording role held on the unit itself,
    or an operator's role held on an ancestor over its subtree."""
    path, step = organization.path, organization.steplen
    ancestors = [path[:end] for end in range(step, len(path), step)]
    held = RoleAssignment.objects.filter(
        Q(organization=organization, role__in=RECORDING_ROLES)
        | Q(
            organization__path__in=ancestors,
            include_subtree=True,
            role__in=_ANCESTOR_RECORDING_ROLES,
        )
    )
    return get_user_model().objects.filter(is_active=True, pk__in=held.values("user_id")).order_by("pk")


def notify(recipients: Iterable, *, kind: str, title: str, body: str = "", url: str, organization) -> None:
    """Tell each recipient (users or user ids, each once) about `organization`, after commit."""
    ids = sorted({getattr(user, "pk", user) for user in recipients if user is not None})
    if not ids:
        return
    rows = [
        Notice(
            recipient_id=pk,
            kind=kind,
            title=title[:200],
            body=body[:300],
            url=url[:300],
            organization=organization,
            org_path=organization.path,
        )
        for pk in ids
    ]
    transaction.on_commit(lambda: Notice.objects.bulk_create(rows))


def mark_read(user, notices=None) -> int:
    """Mark the user's notices read: those given (ids or notices), or all when None.
    Another user's notices are never touched. Returns how many were marked."""
    unread = notices_of(user).filter(read_at__isnull=True)
    if notices is not None:
        unread = unread.filter(pk__in=[getattr(notice, "pk", notice) for notice in notices])
    return unread.update(read_at=timezone.now())
