"""Who may manage which users and grant which roles. Built on orgs.scope."""

from xuejiao.core.roles import MANAGING_ROLES, RANK, Role
from xuejiao.orgs.scope import manage_scope, scope_for


def can_manage_users(user) -> bool:
    return not manage_scope(user).is_empty


def grantable_roles(user) -> list[Role]:
    return [
        role for role in Role if RANK[role] <= user.top_rank and (role != Role.ADMIN or user.top_rank >= 100)
    ]


def can_grant(user, role: str, organization, include_subtree: bool) -> bool:
    """A role may be granted only inside the granter's scope and never above the granter's rank."""
    roles_high_enough = [r for r in MANAGING_ROLES if RANK[r] >= RANK[Role(role)]]
    scope = scope_for(user, roles_high_enough)
    return scope.covers_subtree(organization) if include_subtree else scope.covers(organization)
