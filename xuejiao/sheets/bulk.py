"""Fast multi-row INSERT for the bulk apply path of a sheet.

Django's bulk_create prepares every field of every object through the ORM (≈90 µs an
object here), which caps an import near 5,000 rows/s once each row also gets its audit
entry. This writes the same rows with one multi-row INSERT per batch: values are given
by field name, fields left out take their model default (computed once), and only
fields whose database form differs from the Python value (dates, JSON…) are converted,
per value, by the field itself. Like bulk_create it skips save() and signals, so the
caller sets what save() would (the copied org_path, for instance) and makes the checks
the app's service would make.

With returning_ids the new primary keys come back in row order. On SQLite (3.35+) they
come from INSERT … RETURNING. On PostgreSQL the rows go through COPY, which took half the
time of an INSERT of one array per column through UNNEST (bulk_create's way since Django
5.2) for 100,000 activity rows: the ids are drawn from the table's sequence first
(nextval, in order) and written with the rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

from xuejiao.core.rowupdates import PLAIN

BATCH = 1000


def _converter(field):
    if isinstance(field, PLAIN):
        return None
    if isinstance(field, models.DateField):  # DateTimeField too
        # A column of one timestamp (created_at of every row of an import) is converted once.
        last = [None, None]
        prepare = _datetime_preparer(field) if isinstance(field, models.DateTimeField) else None

        def convert(value):
            if value is None:
                return None
            if value == last[0] and value.__class__ is last[0].__class__:
                return last[1]
            last[0], last[1] = value, (prepare or field.get_db_prep_save)(value, connection)
            return last[1]

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
    model: type[models.Model],
    rows: Iterable[dict],
    *,
    returning_ids: bool = False,
    batch: int = BATCH,
) -> list:
    """Insert `rows` (dicts of field name → value); the new ids in order if asked for."""
    rows = list(rows)
    if not rows:
        return []
    given = set(rows[0])
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # Columns in three groups, so that a row's values come out of one itemgetter call (in C)
    # plus the few converted values, then the defaults.
    plain, converted, constants = [], [], []
    for field in fields:
        name = field.name if field.name in given else field.attname if field.attname in given else None
        column = connection.ops.quote_name(field.column)
        convert = _converter(field)
        if name is None:
            default = field.get_default()
            constants.append((column, convert(default) if convert else default))
        elif convert is None:
            plain.append((column, name))
        else:
            converted.append((column, name, convert))
    columns = [c[0] for c in plain] + [c[0] for c in converted] + [c[0] for c in constants]
    values = _row_values([name for _c, name in plain], [c[1:] for c in converted], [c[1] for c in constants])
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if connection.vendor == "postgresql":
        return _copy(model, table, pk, columns, values, rows, returning_ids)
    head = f"INSERT INTO {table} ({', '.join(columns)})"
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch = max(1, min(batch, max_params() // len(columns)))
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"{head} VALUES {', '.join([one_row] * len(chunk))}"
            params = list(chain.from_iterable(map(values, chunk)))
            if returning_ids:
                cursor.execute(sql + f" RETURNING {pk}", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


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


def _copy(model, table: str, pk: str, columns: list[str], values, rows: list[dict], returning_ids: bool):
    """PostgreSQL: COPY … FROM STDIN, with ids drawn from the sequence first when asked for."""
    ids = []
    with connection.cursor() as cursor:
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                [model._meta.db_table, model._meta.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns = [pk, *columns]
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            if returning_ids:
                for pk_value, row in zip(ids, rows, strict=True):
                    copy.write_row((pk_value, *values(row)))
            else:
                for row in rows:
                    copy.write_row(values(row))
    return ids


def insert_audit(actor, action: str, entries: Iterable[dict]) -> None:
    """One audit entry per record written in bulk, as accounts.audit.record writes it from a
    service (who and when; there is no request in a background import). Each entry gives
    organization_id, org_path, object_type, object_id, summary and optionally changes."""
    from xuejiao.accounts.models import AuditEntry

    now, username = timezone.now(), actor.get_username()
    insert(
        AuditEntry,
        (
            {"created_at": now, "user_id": actor.pk, "username": username, "action": action, **entry}
            for entry in entries
        ),
    )


def max_params() -> int:
    """Parameters one statement may carry. Django assumes SQLite's old limit of 999; since
    SQLite 3.32 it is 32,766. PostgreSQL's wire protocol allows 65,535."""
    if connection.vendor == "sqlite":
        import sqlite3

        return 32_766 if sqlite3.sqlite_version_info >= (3, 32) else 999
    return connection.features.max_query_params or 65_535


def chunks(items: Sequence, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
