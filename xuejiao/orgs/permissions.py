"""What a user may do for a unit: record its work, review it, see its people's phones.
Built on the one scope function."""

from xuejiao.core.roles import Role

from .models import Organization
from .scope import manage_scope, scope_for

RECORDING_ROLES = frozenset({Role.ADMIN, Role.CAMPAIGN_OFFICE, Role.OPERATOR})
REVIEWING_ROLES = frozenset({Role.ADMIN, Role.CAMPAIGN_OFFICE})


def can_record(user, organization) -> bool:
    return scope_for(user, RECORDING_ROLES).covers(organization)


def can_review(user, organization) -> bool:
    """Verification and highlights belong to the level above: the reviewer covers the parent."""
    scope = scope_for(user, REVIEWING_ROLES)
    if scope.everything:
        return True
    if organization.depth <= 1:
        return False
    parent_path = organization.path[: -Organization.steplen]
    return scope.covers_path(parent_path) and scope.covers(organization)


def sees_phone_of(user, organization) -> bool:
    return manage_scope(user).covers(organization)


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
