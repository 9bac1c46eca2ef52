"""Writing a sheet: the template and the export are the same workbook, one empty, one filled.

Written with xlsxwriter in constant memory (rows stream to disk), so an export of 100,000
rows needs no more memory than an empty template. The layout:

- the data sheet first (the importer reads the first sheet): row 1 the header, bold, red
  for required columns, each with a comment saying what to write; frozen below the header;
  drop-down lists for every column with choices; text format on code and phone columns;
- an instructions sheet: one line per column (required, what to write, example) and one
  example row under the same header (kept off the data sheet, so it is never imported);
- a hidden sheet holding the drop-down lists (a list written inline is limited to 255
  characters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext as _

from xuejiao.core.exports import new_workbook

from .spec import Column, SheetSpec

EXCEL_MAX_ROW = 1_048_575


def sheet_name(text) -> str:
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in str(text))
    return cleaned[:31] or "Sheet1"


def help_text(column: Column, options: list) -> str:
    parts = [str(column.help)] if column.help else []
    if options:
        parts.append(
            _("Pick from the list: %(values)s.") % {"values": "、".join(str(label) for _v, label in options)}
        )
    parts.append(_("Required.") if column.required else _("May be left blank."))
    return " ".join(parts)


def write_workbook(target, spec: SheetSpec, rows: Iterable[dict] | None = None, user=None) -> int:
    """Write the spec's workbook to `target` (a path or a file object); returns the rows written.
    The drop-down lists are those of `user` (a campaign list shows the campaigns they see)."""
    workbook = new_workbook(target)  # data stays text: a name starting with "=" is no formula
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    header_required = workbook.add_format(
        {"bold": True, "bg_color": "#EEF2F7", "border": 1, "font_color": "#C0392B"}
    )
    text_format = workbook.add_format({"num_format": "@"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    bold = workbook.add_format({"bold": True})

    data = workbook.add_worksheet(sheet_name(spec.title))
    instructions = workbook.add_worksheet(sheet_name(_("Instructions")))
    lists = workbook.add_worksheet(sheet_name(_("Lists")))
    lists.hide()

    choices = {column.key: column.options(user) for column in spec.columns}
    list_columns: list[list[str]] = []
    for index, column in enumerate(spec.columns):
        data.set_column(index, index, column.width, text_format if column.as_text else None)
        data.write_string(0, index, str(column.header), header_required if column.required else header)
        data.write_comment(0, index, help_text(column, choices[column.key]), {"x_scale": 2, "y_scale": 1.5})
        options = [str(label) for _v, label in choices[column.key]]
        if options:
            list_column = len(list_columns)
            list_columns.append([str(column.header), *options])
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            data.data_validation(
                1,
                index,
                EXCEL_MAX_ROW,
                index,
                {
                    "validate": "list",
                    "source": f"='{lists.get_name()}'!${letter}$2:${letter}${len(options) + 1}",
                    "error_title": str(column.header),
                    "error_message": _("Pick a value from the drop-down list."),
                },
            )
    # In constant-memory mode a row is flushed once a later row is written: the lists go
    # row by row, every list's n-th entry before any (n+1)-th.
    for offset in range(max(map(len, list_columns), default=0)):
        for list_column, values in enumerate(list_columns):
            if offset < len(values):
                lists.write_string(offset, list_column, values[offset])
    data.freeze_panes(1, 0)

    count = 0
    formatters = [(index, column.key, column.formatter()) for index, column in enumerate(spec.columns)]
    for count, values in enumerate(rows or (), start=1):
        for index, key, to_cell in formatters:
            write_cell(data, count, index, to_cell(values.get(key)), date_format)

    write_instructions(instructions, spec, choices, wrap, bold, date_format)
    data.activate()
    workbook.close()
    return count


def write_cell(sheet, row: int, col: int, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, _("Yes") if value else _("No"))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_format)
    else:
        sheet.write_string(row, col, str(value))


def write_instructions(sheet, spec: SheetSpec, choices: dict, wrap, bold, date_format) -> None:
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 70)
    sheet.set_column(3, 3, 24)
    line = 0
    sheet.write_string(line, 0, str(spec.title), bold)
    line += 1
    general = [
        str(spec.instructions) if spec.instructions else "",
        _(
            "Fill in the first sheet, one record per row, under the header of row 1. Do not change, "
            "reorder or add columns; do not merge cells; type values, not formulas."
        ),
        _(
            "Rows whose %(columns)s match an existing record update it; "
            "importing the same file again changes nothing."
        )
        % {"columns": "、".join(str(spec.column(key).header) for key in spec.key_columns)},
        _("Blank rows are skipped. Dates may be written 2021-03-02, 2021/3/2, 2021.3.2 or 2021年3月2日."),
    ]
    for paragraph in filter(None, general):
        sheet.write_string(line, 0, paragraph)
        line += 1
    line += 1
    for col, title in enumerate([_("Column"), _("Required"), _("What to write"), _("Example")]):
        sheet.write_string(line, col, title, bold)
    line += 1
    for column in spec.columns:
        sheet.write_string(line, 0, str(column.header))
        sheet.write_string(line, 1, _("Yes") if column.required else _("No"))
        sheet.write_string(line, 2, help_text(column, choices[column.key]), wrap)
        write_cell(sheet, line, 3, column.to_cell(column.example), date_format)
        line += 1
    line += 1
    sheet.write_string(
        line, 0, _("Example row (for reference only: it is not imported from this sheet)"), bold
    )
    line += 1
    for col, column in enumerate(spec.columns):
        sheet.write_string(line, col, str(column.header), bold)
    line += 1
    for col, column in enumerate(spec.columns):
        write_cell(sheet, line, col, column.to_cell(column.example), date_format)
