"""Where the data of the first worksheet lies, found before the reading library sees it.

python-calamine holds a sheet as one dense rectangle from A1 to the farthest cell holding a
value: one space typed in XFD1048576 is a rectangle of 17 billion cells (512 GB), and the
process dies trying to allocate it; one in T1048576 costs a gigabyte. The <dimension>
element cannot be trusted (any program may write anything there), so the cells themselves
are looked at, in two steps:

1. while open_package streams the worksheet (which it does anyway), a look at the row tags
   and at cells in columns beyond Z, with regular expressions over the bytes: how many rows
   hold cells, the last row, the widest column, the hidden rows. A sheet whose cells stay
   within MAX_COLUMNS columns and whose last row is at most 2 × (rows with cells) +
   ROW_SLACK (blank rows between blocks of data are fine) is read as it is: the rectangle
   is then bounded by the data. That is every sheet filled in normally;
2. any other sheet is parsed cell by cell (defusedxml, streaming, one row in memory at a
   time): cells without a value or holding only spaces are dropped wherever they are; a
   cell with a value far outside the data is refused, naming the cell; what remains is
   written to a trimmed copy of the workbook, which is what the reading library reads.

A sheet is also looked at cell by cell when its rectangle would hold more than DENSITY cells
for each cell the file has (plus FLOOR): a million rows of one cell with one more cell in
column BL is a rectangle of 64 million; after blanks are dropped such a sheet is refused.
So the reading library's rectangle is at most MAX_COLUMNS × (2 × rows holding values +
ROW_SLACK) cells and at most DENSITY × cells + FLOOR, whatever the file: the cost of
checking follows the data.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree
from django.utils.translation import gettext as _

from .spec import column_letter

MAX_COLUMNS = 64  # BL: the templates have at most a few dozen columns
ROW_SLACK = 1000
DENSITY = 16  # a template row has a value in at least one column of four
FLOOR = 1_000_000
MAX_LISTED = 5

# Both patterns begin with a literal, which the regular expression engine finds fast. Row tags
# carry the prefix of the worksheet's namespace, if it has one (<x:row>), found at the first
# chunk; the byte before a cell's r attribute is checked by hand.
ROW_TAG = re.compile(rb"<row\b([^>]*?)(/?)>")
SHEET_DATA_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*):sheetData\b")
ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
HIDDEN = re.compile(rb'\shidden="(?:1|true)"')
# A cell in a column of two or three letters (AA and beyond): rare, so looked at one by one.
WIDE_CELL = re.compile(rb'r="([A-Z]{2,3})\d')
ADDRESS = re.compile(r"([A-Z]{1,3})(\d+)")


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def far_row(row: int, rows_so_far: int) -> bool:
    return row > 2 * rows_so_far + ROW_SLACK


@dataclass
class Glance:
    """What step 1 saw of the worksheet's bytes."""

    rows: int = 0
    cells: int = 0
    last_row: int = 0
    widest: int = 0
    hidden: list[int] = field(default_factory=list)
    sparse: bool = False  # a row or a column far from the rest: step 2 decides
    carry: bytes = b""
    row_tag: re.Pattern | None = None
    cell_tag: bytes = b"<c "

    def feed(self, chunk: bytes) -> None:
        buffer = self.carry + chunk
        if self.row_tag is None:  # rows come only inside <sheetData>: found before any row
            prefixed = SHEET_DATA_PREFIX.search(buffer)
            if prefixed:
                self.row_tag = re.compile(b"<" + re.escape(prefixed.group(1)) + rb":row\b([^>]*?)(/?)>")
                self.cell_tag = b"<" + prefixed.group(1) + b":c "
            elif b"<sheetData" in buffer:
                self.row_tag = ROW_TAG
        cut = buffer.rfind(b"<")
        if cut <= 0:
            self.carry = buffer
            return
        self.carry = buffer[cut:]
        self._look(buffer[:cut])

    def finish(self) -> None:
        self._look(self.carry)
        self.carry = b""
        if too_sparse(self.last_row, max(self.widest, 26), self.cells):
            self.sparse = True

    def _look(self, data: bytes) -> None:
        self.cells += data.count(self.cell_tag)
        for match in self.row_tag.finditer(data) if self.row_tag is not None else ():
            attributes, empty = match.groups()
            if empty:  # a row with a height or a style and no cells
                continue
            number = ROW_NUMBER.search(attributes)
            row = int(number.group(1)) if number else self.last_row + 1
            self.rows += 1
            self.last_row = max(self.last_row, row)
            if far_row(row, self.rows):
                self.sparse = True
            if HIDDEN.search(attributes):
                self.hidden.append(row)
        for match in WIDE_CELL.finditer(data):
            if match.start() == 0 or data[match.start() - 1] not in b" \t\r\n":
                continue
            width = column_number(match.group(1).decode())
            self.widest = max(self.widest, width)
            if width > MAX_COLUMNS:
                self.sparse = True


def too_sparse(last_row: int, last_col: int, cells: int) -> bool:
    return last_row * last_col > DENSITY * cells + FLOOR


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def blank_shared_strings(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of shared strings holding nothing but spaces."""
    names = set(archive.namelist())
    entry = "xl/sharedStrings.xml"
    if entry not in names:
        return set()
    blank, index = set(), 0
    with archive.open(entry) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if local(element.tag) == "si":
                if not "".join(element.itertext()).strip():
                    blank.add(index)
                index += 1
                element.clear()
    return blank


@dataclass
class Trimmed:
    path: Path
    hidden: list[int]


def trim(path: Path, archive: zipfile.ZipFile, sheet_entry: str) -> Trimmed:
    """Step 2: a copy of the workbook whose first worksheet holds only the cells with a value,
    or FileRejected naming the cells far outside the data."""
    from .reader import FileRejected

    blank_strings = blank_shared_strings(archive)
    partial = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    partial.close()
    target = Path(partial.name)
    far_right: list[str] = []
    far_below: list[tuple[str, int]] = []
    hidden: list[int] = []
    rows = last_row = last_col = cells_kept = 0
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                if info.filename != sheet_entry:
                    with archive.open(info) as source, copy.open(info.filename, "w") as sink:
                        shutil.copyfileobj(source, sink, 1 << 20)
            with archive.open(sheet_entry) as stream, copy.open(sheet_entry, "w") as sink:
                sink.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData>"
                )
                merges: list[str] = []
                row_number = 0
                row_hidden = False
                column = 0
                cells: list[bytes] = []
                parent = None
                for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                    name = local(element.tag)
                    if event == "start":
                        if name == "sheetData":
                            parent = element
                        elif name == "row":
                            number = element.get("r")
                            row_number = int(number) if number else row_number + 1
                            row_hidden = element.get("hidden") in ("1", "true")
                            column = 0
                            cells = []
                        continue
                    if name == "c":
                        address = element.get("r")
                        match = ADDRESS.fullmatch(address or "")
                        column = column_number(match.group(1)) if match else column + 1
                        cell = cell_xml(element, blank_strings, f"{column_letter(column - 1)}{row_number}")
                        if cell is not None:
                            if column > MAX_COLUMNS:
                                if len(far_right) < MAX_LISTED:
                                    far_right.append(f"{column_letter(column - 1)}{row_number}")
                            else:
                                cells.append(cell)
                                last_col = max(last_col, column)
                    elif name == "row":
                        if cells:
                            rows += 1
                            if far_row(row_number, rows):
                                if len(far_below) < MAX_LISTED:
                                    far_below.append((cells_first_address(cells), last_row))
                            else:
                                last_row = row_number
                                cells_kept += len(cells)
                                if row_hidden:
                                    hidden.append(row_number)
                                sink.write(f'<row r="{row_number}">'.encode() + b"".join(cells) + b"</row>")
                        if parent is not None:
                            parent.clear()
                    elif name == "mergeCell" and element.get("ref"):
                        merges.append(element.get("ref"))
                sink.write(b"</sheetData>")
                if merges:
                    sink.write(
                        f'<mergeCells count="{len(merges)}">'.encode()
                        + b"".join(f"<mergeCell ref={quoteattr(ref)}/>".encode() for ref in merges)
                        + b"</mergeCells>"
                    )
                sink.write(b"</worksheet>")
        if far_right:
            raise FileRejected(
                _(
                    "Cell %(cells)s holds something far to the right of the data (the template's columns "
                    "end long before). Delete those columns (or clear the cell) and upload the file again."
                )
                % {"cells": "、".join(far_right)}
            )
        if not far_below and too_sparse(last_row, last_col, cells_kept):
            raise FileRejected(
                _(
                    "The sheet's data is spread too thinly: %(cells)s cells hold values among %(rows)s rows "
                    "and %(cols)d columns. Delete the empty rows and columns between the data and upload "
                    "the file again."
                )
                % {"cells": f"{cells_kept:,}", "rows": f"{last_row:,}", "cols": last_col}
            )
        if far_below:
            address, above = far_below[0]
            raise FileRejected(
                _(
                    "Cell %(cell)s holds something far below the data, which ends at row %(last)d. "
                    "Delete the rows below your data (or clear the cell) and upload the file again."
                )
                % {"cell": address, "last": above}
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Trimmed(target, hidden)


CELL_ADDRESS_BYTES = re.compile(rb'r="([A-Z]+\d+)"')


def cells_first_address(cells: list[bytes]) -> str:
    return CELL_ADDRESS_BYTES.search(cells[0]).group(1).decode()


def cell_xml(element, blank_strings: set[int], address: str) -> bytes | None:
    """The cell as the trimmed sheet writes it, or None when it holds no value (nothing, or
    only spaces). Only what the reading library reads is kept: type, style and value."""
    kind = element.get("t") or "n"
    value = None
    for child in element:
        child_name = local(child.tag)
        if child_name == "v":
            value = child.text or ""
        elif child_name == "is":
            value = "".join(child.itertext())
    if value is None:
        return None
    if kind == "s":
        try:
            if int(value) in blank_strings:
                return None
        except ValueError:
            return None
    elif not value.strip():
        return None
    style = element.get("s")
    attributes = f'r="{address}"' + (f' s="{escape(style)}"' if style else "")
    if kind == "inlineStr":
        text = f'<is><t xml:space="preserve">{escape(value)}</t></is>'
        return f'<c {attributes} t="inlineStr">{text}</c>'.encode()
    if kind != "n":
        attributes += f" t={quoteattr(kind)}"
    return f"<c {attributes}><v>{escape(value)}</v></c>".encode()
