"""The one place that decides which part of the organisation tree a user may see.

Every scoped query starts here: list and detail pages, exports, the API, dashboards,
search and autocomplete. A scope is a set of grants, each a path in the tree with or
without its subtree; an administrator's scope is everything. Filtering is an indexed
range on a path column (`path >= p AND path < p || "~"`), which both SQLite and
PostgreSQL (with the path columns in the "C" collation) answer from the index.

Where grants come from is pluggable: role assignments give one grant each, and other
apps (guidance groups cover a set of organisations) add providers with
`register_grant_provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from xuejiao.core.roles import MANAGING_ROLES, Role

# Greater than every character of the path alphabet (0-9A-Z), so [p, p + PATH_END)
# holds p and exactly its descendants.
PATH_END = "~"


@dataclass(frozen=True, order=True)
class Grant:
    path: str
    subtree: bool = True

    def covers(self, path: str) -> bool:
        return path == self.path or (self.subtree and path.startswith(self.path))


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    grants: tuple[Grant, ...] = ()

    @classmethod
    def of(cls, grants: Iterable[Grant], everything: bool = False) -> Scope:
        return cls(everything=everything, grants=_minimal(grants) if not everything else ())

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.grants

    def covers_path(self, path: str) -> bool:
        return self.everything or any(grant.covers(path) for grant in self.grants)

    def covers(self, organization) -> bool:
        return self.covers_path(organization.path)

    def covers_subtree(self, organization) -> bool:
        """True when the organisation and everything below it are in scope."""
        return self.everything or any(
            grant.subtree and organization.path.startswith(grant.path) for grant in self.grants
        )

    def reaches_below(self, organization) -> bool:
        """True when some organisation below this one is in scope (its children may be listed)."""
        return self.everything or any(
            grant.path.startswith(organization.path)
            and (grant.subtree or len(grant.path) > len(organization.path))
            for grant in self.grants
        )

    def q(self, path_field: str, indexed: bool = True) -> Q:
        """A condition on `path_field` (a column holding an organisation path).

        indexed=False writes the subtree test as a prefix match (LIKE 'p%'), which SQLite
        never answers from the path index: a newest-first list over a large subtree then
        walks the date index and skips the rows outside, instead of sorting every match.
        """
        if self.everything:
            return Q()
        if not self.grants:
            return Q(pk__in=[])
        condition = Q()
        for grant in self.grants:
            if grant.subtree:
                condition |= subtree_q(path_field, grant.path, indexed)
            else:
                condition |= Q(**{path_field: grant.path})
        return condition

    def filter(self, queryset: QuerySet, indexed: bool = True) -> QuerySet:
        """Restrict any queryset of organisations or of organisation-scoped records."""
        return queryset.filter(self.q(path_field_of(queryset.model), indexed))

    def get_or_404(self, queryset: QuerySet, **lookup) -> Model:
        """The record matching `lookup` if it is in scope; 404 whether it is missing or not ours."""
        try:
            return self.filter(queryset).get(**lookup)
        except queryset.model.DoesNotExist as missing:
            raise Http404 from missing


def subtree_q(path_field: str, path: str, indexed: bool = True) -> Q:
    """Records of the organisation at `path` and everything below it (see Scope.q)."""
    if indexed:
        return Q(**{f"{path_field}__gte": path, f"{path_field}__lt": path + PATH_END})
    return Q(**{f"{path_field}__startswith": path})


def path_field_of(model: type[Model]) -> str:
    from .models import Organization, OrgScopedModel

    if issubclass(model, Organization):
        return "path"
    if issubclass(model, OrgScopedModel):
        return "org_path"
    scope_path = getattr(model, "scope_path_field", None)
    if scope_path:
        return scope_path
    raise TypeError(f"{model.__name__} is not scoped by organisation")


def _minimal(grants: Iterable[Grant]) -> tuple[Grant, ...]:
    """Drop grants already covered by another subtree grant, so filters stay short."""
    kept: list[Grant] = []
    for grant in sorted(set(grants), key=lambda g: (len(g.path), not g.subtree, g.path)):
        if not any(other.subtree and grant.path.startswith(other.path) for other in kept):
            kept.append(grant)
    return tuple(sorted(kept))


GrantProvider = Callable[[object, frozenset[str] | None], Iterable[Grant]]
_grant_providers: list[GrantProvider] = []


def register_grant_provider(provider: GrantProvider) -> None:
    """Add a source of grants: provider(user, roles) yields Grants for those roles (None = any)."""
    if provider not in _grant_providers:
        _grant_providers.append(provider)


def scope_for(user, roles: Iterable[str] | None = None) -> Scope:
    """What `user` may see, through role assignments of `roles` (any role when None).

    Cached on the user object for the request, per role set.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    role_set = frozenset(roles) if roles is not None else None
    cache = user.__dict__.setdefault("_scope_cache", {})
    if role_set in cache:
        return cache[role_set]
    if user.is_superuser or user.has_role(Role.ADMIN) and (role_set is None or Role.ADMIN in role_set):
        scope = Scope(everything=True)
    else:
        grants = [grant for provider in _grant_providers for grant in provider(user, role_set)]
        scope = Scope.of(grants)
    cache[role_set] = scope
    return scope


def manage_scope(user) -> Scope:
    """The part of the tree in which `user` manages users and sees unmasked phones."""
    return scope_for(user, MANAGING_ROLES)
