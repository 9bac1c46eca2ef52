"""Exports of whole lists into a file: a list either fits in one file whole, or it is refused
with the way out (narrow it, export it part by part). Never cut off without a word.

export_file is the one way every export reads its rows:
- counted first, up to one past the limit (never all of a large list), so a list that does
  not fit is refused at once;
- read in one transaction, so the rows stream: outside one, a PostgreSQL cursor is declared
  WITH HOLD and the server works out and keeps the whole result before the first row
  arrives (11 s of a 23 s export of 100,000 rows from a 2,000,000-record ledger);
- read from a query sliced at limit + 1 and refused at the first row past the limit, as the
  list may have grown since it was counted;
- the rows' iterator (and with it the cursor) closed inside that transaction: a PostgreSQL
  cursor still open when its transaction or savepoint is rolled back is gone, and closing
  it later fails, which aborts an enclosing transaction;
- the temporary file closed (deleted) on any failure.

new_workbook is the one way every export (and the import templates) opens its .xlsx: data
is written as data, so a name, position or title beginning with "=" (=HYPERLINK(…), =1+1)
stays text and never becomes a live formula, link or number when the file is opened.
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import IO

import xlsxwriter
from django.db import transaction
from django.db.models import QuerySet

from .errors import ServiceError

WORKBOOK_OPTIONS = {
    # Rows stream to disk: an export of 100,000 rows needs no more memory than an empty one.
    "constant_memory": True,
    # Values are data, never formulas, links or numbers: write() keeps every str a string.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def new_workbook(target) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook at `target` (a path or a file object) that never writes a
    formula from data; write formulas only with write_formula, from the code's own text."""
    return xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)


def more_than(queryset: QuerySet, limit: int) -> bool:
    """True when the list holds more than `limit` rows, counted up to one past the limit
    and without its ordering, which the count does not need."""
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


def export_file(
    queryset: QuerySet,
    *,
    limit: int,
    refusal: str,
    rows_of: Callable[[QuerySet], Iterable],
    write: Callable[[str, Iterable], int],
    on_written: Callable[[int], None],
) -> tuple[IO[bytes], int]:
    """A temporary .xlsx (deleted when closed) holding `queryset`'s rows, and their number.
    rows_of(sliced queryset) gives the rows; write(path, rows) writes them and returns how
    many; on_written(count) follows (the export's audit entry). Raises
    ServiceError(refusal) when the list does not fit in `limit` rows."""
    if more_than(queryset, limit):
        raise ServiceError(refusal)
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115  (the response closes it)
    try:
        with transaction.atomic(), closing(_within(rows_of(queryset[: limit + 1]), limit, refusal)) as rows:
            count = write(spool.name, rows)
        on_written(count)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, count


def _within(rows: Iterable, limit: int, refusal: str) -> Iterator:
    """The rows, refused at the first one past `limit`; closing it closes their iterator."""
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
