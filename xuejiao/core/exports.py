"""Exports of whole lists: a list either fits in one file whole, or it is refused with the
way out (narrow it, export it part by part). Never cut off without a word."""

from django.db.models import QuerySet


def more_than(queryset: QuerySet, limit: int) -> bool:
    """True when the list holds more than `limit` rows, counted up to one past the limit
    (never all of a large list) and without its ordering, which the count does not need."""
    return queryset.order_by().values("pk")[: limit + 1].count() > limit
