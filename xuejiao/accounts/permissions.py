"""Who may manage which users and grant which roles. Built on orgs.scope."""

from xuejiao.core.roles import MANAGING_ROLES, RANK, Role
from xuejiao.orgs.scope import Scope, scope_for


def manage_scope(user) -> Scope:
    """The part of the tree in which `user` manages users and sees unmasked phones."""
    return scope_for(user, MANAGING_ROLES)


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


def sees_phone_of(user, organization) -> bool:
    return manage_scope(user).covers(organization)


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
