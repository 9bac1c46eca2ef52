"""Sheet specifications: the columns of a sheet, how its rows are checked, how they are written.

A module that offers Excel import and export describes its sheet once, as a SheetSpec, and
registers it from its AppConfig.ready():

    from xuejiao.sheets.spec import register
    register(ActivitySheet())

The framework does everything that is the same for every sheet: the template, reading the
file safely, the header, blank rows, parsing every cell with its column's parser,
duplicate external keys, the error report and error file, the preview, the transaction, the
background task and its progress, the export. The spec does what only it knows:

- plan(rows, actor=, report=, progress=): look up what the rows refer to, check scope and
  permissions (report.add(...) for every problem) and decide, row by row, whether it
  creates, updates or leaves a record unchanged. It only reads. It runs at validation
  (the preview's counts) and again inside the import transaction.
- apply(plan, actor=, progress=): write the plan through the app's services (or a bulk
  path making the same checks). The framework runs it inside one transaction and rolls
  everything back if it raises.
- export_queryset(user, organization=None) and export_row(obj): the scoped list as rows,
  in the same columns, so that exporting and importing again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import parsers

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazily translated string; any language's text is accepted on import
    parser: parsers.Parser | None = None
    required: bool = False
    # (stored value, label) pairs: a drop-down in the template, the label on export; the
    # label in any language, or the stored value, on import. Or a callable returning them for
    # the user a workbook is written for (None when reading or for no one in particular).
    choices: Sequence[tuple[str, Any]] | Callable[[Any], Iterable[tuple[str, Any]]] | None = None
    help: Any = ""
    example: Any = ""
    default: Any = ""
    width: int = 16
    # Store and show the cell as text (codes, phone numbers), so Excel never turns
    # 13800001111 into 1.38E+10 or drops a leading zero.
    as_text: bool = False

    def options(self, user=None) -> list[tuple[str, Any]]:
        if self.choices is None:
            return []
        return list(self.choices(user) if callable(self.choices) else self.choices)

    def make_parser(self) -> parsers.Parser:
        """The column's parser (called once per file: a drop-down's labels are read then)."""
        if self.parser is not None:
            return self.parser
        if self.choices is not None:
            return parsers.choice(self.options())
        raise TypeError(f"column {self.key} has neither a parser nor choices")

    def formatter(self) -> Callable[[Any], Any]:
        """value → exported cell (read back by make_parser); labels looked up once per export."""
        labels = (
            {stored: str(label) for stored, label in self.options()} if self.choices is not None else None
        )
        yes, no = _("Yes"), _("No")

        def to_cell(value):
            if value is None:
                return ""
            if value is True or value is False:
                return yes if value else no
            if isinstance(value, list | tuple | set):
                return "、".join(str(item) for item in value)
            if labels is not None and value != "":
                return labels.get(value, value)
            if isinstance(value, dt.datetime):
                return value.date()
            return value

        return to_cell

    def to_cell(self, value):
        return self.formatter()(value)


@dataclass
class Row:
    number: int  # the row's number in Excel; the header is row 1
    values: dict[str, Any]


@dataclass
class Plan:
    """What an import will do. The counts show in the preview; payload is the spec's own."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    actions: dict[int, str] = field(default_factory=dict)  # row number → create | update | unchanged
    payload: Any = None

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    def mark(self, number: int, action: str) -> None:
        self.actions[number] = action
        if action == self.CREATE:
            self.created += 1
        elif action == self.UPDATE:
            self.updated += 1
        else:
            self.unchanged += 1


class Report:
    """The problems found in one file, each with its row, column and reason.

    Only the first `limit` are kept (a file with every row wrong would otherwise fill the
    database); `total` counts them all.
    """

    def __init__(self, spec: SheetSpec | None = None, limit: int = 10_000):
        self.spec = spec
        self.limit = limit
        self.errors: list[dict] = []
        self.total = 0
        self.bad_rows: set[int] = set()
        self.notes: list[str] = []  # not problems: what the preview should say all the same
        self._letters = {}
        self._headers = {}
        if spec is not None:
            for index, column in enumerate(spec.columns):
                self._letters[column.key] = column_letter(index)
                self._headers[column.key] = str(column.header)

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, reason: str, *, row: int | None = None, column: str | None = None, value="", col=""):
        """column is a column key of the spec; col a column letter (for cells outside the spec)."""
        self.total += 1
        if row is not None:
            self.bad_rows.add(row)
        if len(self.errors) < self.limit:
            self.errors.append(
                {
                    "row": row,
                    "col": col or self._letters.get(column, ""),
                    "column": self._headers.get(column, ""),
                    "value": parsers.show(value) if value not in (None, "") else "",
                    "reason": str(reason),
                }
            )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class SheetSpec:
    name: str = ""
    title: Any = ""
    columns: Sequence[Column] = ()
    key_columns: Sequence[str] = ()
    # A paragraph at the top of the template's instructions sheet.
    instructions: Any = ""
    # Tables to ANALYZE on PostgreSQL after a large import (the planner's statistics).
    analyze_tables: Sequence[str] = ()
    # Columns holding organisation codes: the organisations a file names, which decide who
    # sees its job (sheets.services.visible_jobs).
    org_columns: Sequence[str] = ("org_code",)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    # --- who may use it -------------------------------------------------------------------

    def can_import(self, user) -> bool:
        from xuejiao.accounts.permissions import manage_scope

        return not manage_scope(user).is_empty

    def can_export(self, user) -> bool:
        return user.is_authenticated

    # --- import ---------------------------------------------------------------------------

    def plan(self, rows: list[Row], *, actor, report: Report, progress: Progress = no_progress) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, *, actor, progress: Progress = no_progress) -> None:
        raise NotImplementedError

    # --- export ---------------------------------------------------------------------------

    def export_queryset(self, user, organization=None):
        raise NotImplementedError

    def export_rows(self, queryset, user) -> Iterable[dict]:
        """The queryset as dicts of Python values by column key (formatted by Column.to_cell)."""
        raise NotImplementedError

    def describe_key(self, values: dict) -> str:
        return " / ".join(parsers.show(values.get(key, "")) for key in self.key_columns)


_registry: dict[str, SheetSpec] = {}


def register(spec: SheetSpec) -> SheetSpec:
    if not spec.name or not spec.columns or not spec.key_columns:
        raise ValueError("a sheet spec needs a name, columns and key columns")
    keys = [column.key for column in spec.columns]
    if len(set(keys)) != len(keys) or not set(spec.key_columns) <= set(keys):
        raise ValueError(f"sheet spec {spec.name}: duplicate column keys or unknown key columns")
    _registry[spec.name] = spec
    return spec


def get_spec(name: str) -> SheetSpec | None:
    return _registry.get(name)


def all_specs() -> list[SheetSpec]:
    return list(_registry.values())
