"""What a user may do for a unit: record its work, review it, see its people's phones.
Built on the one scope function.

The review rule serves every kind of thing a unit hands to the level above (activity
records in the ledger, documents of required actions in campaigns): one function decides
it, and `reviewable_q` is the same rule as a query.
"""

from collections.abc import Iterable

from django.db.models import Q

from xuejiao.core.roles import Role

from .scope import PATH_END, manage_scope, scope_for

RECORDING_ROLES = frozenset({Role.ADMIN, Role.CAMPAIGN_OFFICE, Role.OPERATOR})
REVIEWING_ROLES = frozenset({Role.ADMIN, Role.CAMPAIGN_OFFICE})


def can_record(user, organization) -> bool:
    return scope_for(user, RECORDING_ROLES).covers(organization)


def reviews_from_above(user, organization) -> bool:
    """The user holds a reviewing role on an ancestor of the organisation, over its subtree.

    A role held on the organisation itself never reviews it (a unit does not review
    itself), nor does a role on the parent alone without its subtree (it does not reach the
    unit). System administrators review everything.
    """
    scope = scope_for(user, REVIEWING_ROLES)
    if scope.everything:
        return True
    path = organization.path
    return any(
        grant.subtree and len(grant.path) < len(path) and path.startswith(grant.path)
        for grant in scope.grants
    )


def can_review(user, organization, authors: Iterable[int | None] = ()) -> bool:
    """Verification, returns, corrections and highlights belong to the level above, and
    never to who made the thing reviewed: `authors` are the ids of the users who created
    or handed it in (separation of duties)."""
    if user is None or not user.is_authenticated or user.pk in set(authors):
        return False
    return reviews_from_above(user, organization)


def reviewable_q(user, path_field: str = "org_path") -> Q:
    """The rule of `reviews_from_above` as a condition on a path column: what lies strictly
    below one of the user's reviewing grants with subtree (authors are checked per item)."""
    scope = scope_for(user, REVIEWING_ROLES)
    if scope.everything:
        return Q()
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.subtree:
            condition |= Q(**{f"{path_field}__gt": grant.path, f"{path_field}__lt": grant.path + PATH_END})
    return condition


def sees_phone_of(user, organization) -> bool:
    return manage_scope(user).covers(organization)


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
