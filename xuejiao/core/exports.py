"""Exports of whole lists: a list either fits in one file whole, or it is refused with the
way out (narrow it, export it part by part). Never cut off without a word."""

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from .errors import ServiceError


def more_than(queryset: QuerySet, limit: int) -> bool:
    """True when the list holds more than `limit` rows, counted up to one past the limit
    (never all of a large list) and without its ordering, which the count does not need."""
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


def within(rows: Iterable, limit: int, refusal: str) -> Iterator:
    """The rows, refused (ServiceError) at the first one past `limit`: the list may have grown
    since it was counted. Read rows from a query sliced at limit + 1.

    Close it (contextlib.closing) inside the transaction the rows are read in: it closes the
    rows' iterator, and so the query's cursor. A PostgreSQL cursor still open when its
    transaction (or savepoint) is rolled back is gone, and closing it later fails, which in
    an enclosing transaction aborts that transaction."""
    source = iter(rows)
    try:
        for count, row in enumerate(source, start=1):
            if count > limit:
                raise ServiceError(refusal)
            yield row
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
