"""Who records, who reviews. Built on the one scope function."""

from xuejiao.core.roles import Role
from xuejiao.orgs.models import Organization
from xuejiao.orgs.scope import scope_for

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
