"""Read-side helpers for the organisation tree."""

from django.db.models import QuerySet

from .models import Organization


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
