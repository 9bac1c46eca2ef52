"""Fast INSERT of many rows: the bulk paths of the services (a subtree of organisations) and
of the sheets (people, the ledger).

Django's bulk_create prepares every field of every object through the ORM (≈90 µs an
object here), which caps an import near 5,000 rows/s once each row also gets its audit
entry. This writes the same rows in the database's fastest way: values are given by
field name, fields left out take their model default (computed once), and only fields
whose database form differs from the Python value (dates, JSON…) are converted, per
distinct value, by the field itself. Like bulk_create it skips save() and signals, so
the caller sets what save() would (the copied org_path, for instance) and makes the
checks the app's service would make.

- PostgreSQL: COPY, which took half the time of an INSERT of one array per column
  through UNNEST (bulk_create's way since Django 5.2) for 100,000 activity rows.
- SQLite: one single-row INSERT, compiled once and run for every row (executemany). A
  multi-row INSERT … VALUES is compiled anew for every statement: 3.7 s instead of 2.7 s
  for 100,000 ledger rows written into 2,000,000.

With returning_ids the new primary keys come back in row order. They are drawn before
the rows are written and written with them: on PostgreSQL from the table's sequence
(nextval, in order); on SQLite above the largest id the table has ever had (its
AUTOINCREMENT counter in sqlite_sequence). SQLite has one writer at a time, and a
transaction that read the counter before another writer committed is refused its own
write ("database is locked"), so two imports never draw the same ids.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from operator import itemgetter

from django.db import connection, models

from xuejiao.core.rowupdates import PLAIN

# Distinct date and time values remembered per column while converting (see _converter).
CONVERTED_MAX = 20_000


def _converter(field):
    if isinstance(field, PLAIN):
        return None
    if isinstance(field, models.DateField):  # DateTimeField too
        # Each distinct value is converted once: the one timestamp of a column (submitted_at
        # of every row an import submits), and the few thousand start times of a ledger
        # (meetings begin on the hour). Aware datetimes equal as instants are stored as the
        # same time; a naive datetime never equals an aware one, and the class keeps dates
        # apart.
        converted: dict = {}
        last = [None, None]  # the value met last, and its conversion
        prepare = _datetime_preparer(field) if isinstance(field, models.DateTimeField) else None

        def convert(value):
            if value is None:
                return None
            if value is last[0]:
                return last[1]
            key = (value.__class__, value)
            result = converted.get(key, converted)
            if result is converted:
                if len(converted) >= CONVERTED_MAX:
                    converted.clear()
                result = converted[key] = (prepare or field.get_db_prep_save)(value, connection)
            last[0], last[1] = value, result
            return result

        return convert
    if isinstance(field, models.JSONField):
        # As text, which both databases take for a JSON column (COPY included): the adapter
        # get_db_prep_save gives PostgreSQL would be serialised again for every row.
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    return lambda value: field.get_db_prep_save(value, connection)


def _datetime_preparer(field):
    """An aware datetime goes straight to the backend's adapter (what get_db_prep_save ends
    with, after checks that matter only for naive values); anything else takes the field's
    full path, warnings included."""
    adapt = connection.ops.adapt_datetimefield_value

    def prepare(value, connection):
        if value.__class__ is dt.datetime and value.utcoffset() is not None:
            return adapt(value)
        return field.get_db_prep_save(value, connection)

    return prepare


def insert(
    model: type[models.Model], rows: Iterable[dict], *, same: dict | None = None, returning_ids: bool = False
) -> list:
    """Insert `rows` (dicts of field name → value), with the values of `same` in every row
    (who and when, say: given once, converted once); the new ids in order if asked for."""
    rows = list(rows)
    if not rows:
        return []
    same = same or {}
    given = set(rows[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # Columns in three groups, so that a row's values come out of one itemgetter call (in C)
    # plus the few converted values, then the defaults.
    plain, converted, constants = [], [], []
    for field in fields:
        name = _named(field, given)
        column = connection.ops.quote_name(field.column)
        convert = _converter(field)
        if name is None:
            shared = _named(field, same)
            value = same[shared] if shared is not None else field.get_default()
            constants.append((column, convert(value) if convert else value))
        elif convert is None:
            plain.append((column, name))
        else:
            converted.append((column, name, convert))
    columns = [c[0] for c in plain] + [c[0] for c in converted] + [c[0] for c in constants]
    values = _row_values([name for _c, name in plain], [c[1:] for c in converted], [c[1] for c in constants])
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        ids = _draw_ids(cursor, model, len(rows)) if returning_ids else []
        if ids:
            columns = [pk, *columns]
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in _with_ids(ids, map(values, rows)):
                    copy.write_row(row)
        else:
            markers = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({markers})",
                list(_with_ids(ids, map(values, rows))),
            )
    return ids


def _named(field, names) -> str | None:
    """How `names` call the field: by its name, or by its column's attribute (organization_id)."""
    if field.name in names:
        return field.name
    return field.attname if field.attname in names else None


def _draw_ids(cursor, model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys in increasing order (see the module's docstring)."""
    table, column = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]
    quoted = connection.ops.quote_name
    cursor.execute(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max({quoted(column)}) FROM {quoted(table)}), 0))",
        [table],
    )
    last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def _with_ids(ids: list[int], values: Iterable[tuple]) -> Iterable[tuple]:
    if not ids:
        return values
    return ((pk, *row) for pk, row in zip(ids, values, strict=True))


def _row_values(plain: list[str], converted: list[tuple], constants: list) -> Callable[[dict], tuple]:
    """row → its values in column order: the plain fields, the converted ones, the defaults."""
    if len(plain) == 1:
        only = plain[0]
        pick = lambda row: (row[only],)  # noqa: E731  (itemgetter of one name is not a tuple)
    elif plain:
        pick = itemgetter(*plain)
    else:
        pick = lambda row: ()  # noqa: E731
    constants = tuple(constants)

    def values(row: dict) -> tuple:
        return (*pick(row), *[convert(row[name]) for name, convert in converted], *constants)

    return values
