"""Read-side helpers for the organisation tree."""

from django.db.models import QuerySet

from .models import Organization
from .scope import scope_for


def search_organizations(queryset: QuerySet, text: str) -> QuerySet:
    """Match every word of `text` against name, code, full pinyin or pinyin initials."""
    for word in text.lower().split()[:5]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def children_of(parent: Organization, include_archived: bool = False) -> QuerySet:
    queryset = Organization.objects.filter(
        depth=parent.depth + 1, path__gte=parent.path, path__lt=parent.path + "~"
    )
    if not include_archived:
        queryset = queryset.filter(is_archived=False)
    return queryset.order_by("sort_order", "path")


def ancestors_of(organization: Organization) -> QuerySet:
    """All ancestors, root first, in one query."""
    step = Organization.steplen
    paths = [organization.path[:end] for end in range(step, len(organization.path), step)]
    return Organization.objects.filter(path__in=paths).order_by("depth")


def scope_roots(user) -> list[Organization]:
    """The organisations at the top of the user's scope (the tree's roots for an admin)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Organization.get_root_nodes())
    paths = [grant.path for grant in scope.grants]
    return list(Organization.objects.filter(path__in=paths).order_by("path"))


def mark_expandable(user, nodes):
    """Flag the nodes whose children the user may list (a unit-only grant shows no children)."""
    scope = scope_for(user)
    for node in nodes:
        node.expandable = node.numchild > 0 and scope.reaches_below(node)
    return nodes
