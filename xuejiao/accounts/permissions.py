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
    return _within_reach(user, role, organization.path, include_subtree)


def _within_reach(user, role: str, path: str, include_subtree: bool) -> bool:
    """Whether `user` could grant `role` on the organisation at `path` (with its subtree or not)."""
    roles_high_enough = [r for r in MANAGING_ROLES if RANK[r] >= RANK[Role(role)]]
    scope = scope_for(user, roles_high_enough)
    if scope.everything:
        return True
    if include_subtree:
        # The whole subtree must be in scope: only a grant covering a subtree above it will do.
        return any(grant.subtree and path.startswith(grant.path) for grant in scope.grants)
    return scope.covers_path(path)


def can_manage_user(actor, user, assignments=None) -> bool:
    """The one rule for acting on another login, used by every user-management action and page.

    `actor` may reset the password of `user`, deactivate or reactivate it, link it to the
    roster, grant it roles and revoke its roles only when
    - the user's home organisation lies in the actor's management scope, and
    - the actor could have granted every role the user holds: each role's organisation (with
      its sub-units where the role covers them) lies in the scope of the actor's roles of at
      least that role's rank.
    A login that reaches above or beside the actor's part of the tree (a 中原区 user on 二七区's
    guidance group, an inspector the city put on the district) would otherwise hand the actor
    everything that login sees: it is managed only from a level that covers all of it.
    A superuser is managed by a superuser only.

    `assignments` are the user's (role, organisation path, covers subtree), for a list that
    reads them for many users at once; by default they are read from the user.
    """
    if user.is_superuser and not actor.is_superuser:
        return False
    if not manage_scope(actor).covers_path(user.home_org_path):
        return False
    if assignments is None:
        assignments = user.assignments()
    return all(_within_reach(actor, role, path, subtree) for role, path, subtree in assignments)
