"""Reading an uploaded workbook safely, then its rows.

In order, and each step before anything more expensive:
1. the size, against SHEETS_MAX_UPLOAD_BYTES (also checked in the view before the upload is
   read);
2. the first bytes: an .xlsx is a zip; an old .xls (or a password-protected workbook) is an
   OLE2 file; a CSV renamed .xlsx is text. Each gets its own message;
3. the zip itself, with zipfile and nothing else: number of entries, total uncompressed
   size and compression ratio as declared, then every entry streamed through once (which
   verifies its CRC and that it is no bigger than declared) before python-calamine touches
   the file. Streaming the first worksheet also looks for formulas (<f> elements), the
   <dimension> element (how many rows, for choosing inline or background validation) and
   where the cells lie (extent.py: a stray cell far from the data is dropped or refused
   before the reading library would allocate the rectangle up to it);
4. cells: python-calamine reads the first worksheet (or its trimmed copy); merged cells come
   from calamine, the addresses and text of formulas from the worksheet XML (defusedxml,
   streaming);
5. the header (row 1): every column of the spec, in the spec's order, nothing unknown;
   surrounding spaces and a "*" marking required columns are tolerated, and a header in
   any language of the site is accepted;
6. rows: fully blank rows are skipped silently wherever they are (a blank row followed by
   more data is fine); every other row has each cell parsed by its column's parser.

Steps 1-5 stop at their first kind of problem (there is no point checking rows under a
wrong header or with merged cells); step 6 reports every cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from python_calamine import CalamineError, CalamineWorkbook

from . import extent, parsers
from .spec import Progress, Report, Row, SheetSpec, column_letter, no_progress

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# A <f> or <x:f> element (a formula), not <formula1> of a data validation nor <filterColumn>.
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
CHUNK = 1 << 20
MAX_FORMULAS_LISTED = 100


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return setting("SHEETS_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Package:
    sheet_entry: str
    rows_hint: int | None = None
    formulas: list[tuple[str, str]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    # The trimmed copy the reading library reads instead of the upload (extent.trim), if any;
    # read_rows deletes it.
    trimmed: Path | None = None
    # The first worksheet, the one read: its name, whether hidden, how many sheets in all.
    sheet_name: str = ""
    sheet_hidden: bool = False
    sheet_count: int = 1


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def too_big_message(size: int) -> str:
    return _(
        "The file is %(size)s MB; files of at most %(limit)s MB are accepted. Split it into smaller files."
    ) % {"size": megabytes(size), "limit": megabytes(max_upload_bytes())}


def check_size(size: int) -> None:
    if size > max_upload_bytes():
        raise FileRejected(too_big_message(size))


def sniff(path: Path) -> None:
    """Reject what is not an .xlsx by its first bytes, with a message for each usual case."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(_("The file is empty."))
    check_size(size)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(OLE2_MAGIC):
        raise FileRejected(
            _(
                "This is an old-format Excel file (.xls) or a password-protected workbook. "
                "Open it in Excel, remove any password and save it as “Excel Workbook (.xlsx)”."
            )
        )
    if head.startswith(EMPTY_ZIP_MAGIC):
        raise FileRejected(_("The file is empty."))
    if not head.startswith(ZIP_MAGIC):
        if looks_like_html(head):
            raise FileRejected(
                _(
                    "This is a web page (an HTML table, as some systems export under an .xls name), not "
                    "an Excel workbook. Open it in Excel and save it as “Excel Workbook (.xlsx)”."
                )
            )
        if looks_like_utf16(head):
            raise FileRejected(
                _(
                    "This is a text file in UTF-16 (what Excel saves as “Unicode Text”), not an Excel "
                    "workbook. Open it in Excel and save it as “Excel Workbook (.xlsx)”."
                )
            )
        if looks_like_text(head):
            raise FileRejected(
                _(
                    "This is a text (CSV) file, not an Excel workbook, whatever its name says. "
                    "Open it in Excel and save it as “Excel Workbook (.xlsx)”."
                )
            )
        raise FileRejected(_("This is not an Excel workbook (.xlsx). Download the template and fill it in."))


HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|table|meta|head|body)\b", re.I | re.S
)


def looks_like_html(head: bytes) -> bool:
    return bool(HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")))


def looks_like_utf16(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    # Without a byte order mark: Latin text has a zero byte in every other place.
    sample = head[:512]
    return len(sample) >= 8 and sample[1::2].count(0) > len(sample) // 4


def looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def open_package(path: Path) -> Package:
    """Steps 1-3: the file is a real, reasonable .xlsx. Returns what the stream showed."""
    sniff(path)
    max_entries = setting("SHEETS_MAX_ZIP_ENTRIES", 1000)
    max_total = setting("SHEETS_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)
    max_ratio = setting("SHEETS_MAX_COMPRESSION_RATIO", 200)
    too_big = _(
        "The workbook unpacks to more than %(limit)s MB. It is either damaged or built to "
        "overload the server (a “zip bomb”), and was not read."
    ) % {"limit": megabytes(max_total)}
    damaged = _("The file is damaged and cannot be read as an Excel workbook. Save it again in Excel.")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > max_entries:
                raise FileRejected(
                    _(
                        "The workbook holds %(count)d parts, more than an Excel file ever has; "
                        "it was not read."
                    )
                    % {"count": len(infos)}
                )
            if sum(info.file_size for info in infos) > max_total:
                raise FileRejected(too_big)
            for info in infos:
                if info.file_size > CHUNK and info.file_size > max_ratio * max(info.compress_size, 1):
                    raise FileRejected(
                        _(
                            "A part of the workbook is compressed %(ratio)d to 1, far more than any "
                            "spreadsheet. It is either damaged or built to overload the server "
                            "(a “zip bomb”), and was not read."
                        )
                        % {"ratio": info.file_size // max(info.compress_size, 1)}
                    )
                if info.flag_bits & 0x1:
                    raise FileRejected(damaged)
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise FileRejected(
                    _("This is a zip file but not an Excel workbook. Download the template and fill it in.")
                )
            sheet_entry, sheet_name, sheet_hidden, sheet_count = first_sheet(archive)
            if sheet_entry not in names:
                raise FileRejected(damaged)
            package = Package(
                sheet_entry=sheet_entry,
                sheet_name=sheet_name,
                sheet_hidden=sheet_hidden,
                sheet_count=sheet_count,
            )
            glance = extent.Glance()
            has_formula = False
            for info in infos:
                is_sheet = info.filename == sheet_entry
                tail = b""
                read = 0
                with archive.open(info) as stream:
                    while chunk := stream.read(CHUNK):
                        read += len(chunk)
                        if read > max_total:
                            raise FileRejected(too_big)
                        if is_sheet:
                            window = tail + chunk
                            if package.rows_hint is None and read <= CHUNK:
                                match = DIMENSION.search(window)
                                if match:
                                    package.rows_hint = int(match.group(1) or 1)
                            if not has_formula and FORMULA_TAG.search(window):
                                has_formula = True
                            tail = chunk[-16:]
                            glance.feed(chunk)
            glance.finish()
            if has_formula:
                package.formulas = locate_formulas(archive, sheet_entry)
            if glance.sparse:
                trimmed = extent.trim(path, archive, sheet_entry)
                package.trimmed, package.hidden_rows = trimmed.path, trimmed.hidden
            else:
                package.hidden_rows = glance.hidden
    except FileRejected:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, NotImplementedError, OSError):
        raise FileRejected(damaged) from None
    except ElementTree.ParseError:
        raise FileRejected(damaged) from None
    return package


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def first_sheet_entry(archive: zipfile.ZipFile) -> str:
    """The zip entry of the workbook's first worksheet (the one calamine reads as index 0)."""
    return first_sheet(archive)[0]


def first_sheet(archive: zipfile.ZipFile) -> tuple[str, str, bool, int]:
    """The first worksheet's zip entry, name and hidden state, and the number of sheets."""
    with archive.open("xl/workbook.xml") as stream:
        workbook = ElementTree.parse(stream).getroot()
    sheets = [element for element in workbook.iter() if local(element.tag) == "sheet"]
    relation_id = None
    if sheets:
        first = sheets[0]
        relation_id = next((v for k, v in first.attrib.items() if local(k) == "id"), None)
        name, hidden = first.get("name", ""), first.get("state", "visible") != "visible"
    if relation_id is None:
        raise FileRejected(_("The workbook has no worksheet."))
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        relations = ElementTree.parse(stream).getroot()
    for element in relations:
        if element.get("Id") == relation_id:
            target = element.get("Target", "")
            if target.startswith("/"):
                entry = target.lstrip("/")
            else:
                entry = posixpath.normpath(posixpath.join("xl", target))
            return entry, name, hidden, len(sheets)
    raise FileRejected(_("The workbook has no worksheet."))


def locate_formulas(archive: zipfile.ZipFile, sheet_entry: str) -> list[tuple[str, str]]:
    """(cell address, formula text) of the worksheet's formula cells, streaming."""
    found = []
    cell = ""
    with archive.open(sheet_entry) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            name = local(element.tag)
            if event == "start" and name == "c":
                cell = element.get("r", "")
            elif event == "end" and name == "f":
                found.append((cell, element.text or ""))
                if len(found) >= MAX_FORMULAS_LISTED:
                    break
            elif event == "end" and name == "row":
                element.clear()
    return found


# --- rows --------------------------------------------------------------------------------

CELL_ADDRESS = re.compile(r"([A-Z]+)(\d+)")
# Characters that show as nothing: zero-width spaces and joiners, direction marks, the byte
# order mark, soft hyphens, control characters. Copied from web pages and chat messages,
# they make a code or a number look right and match nothing.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


def invisible_message(text: str) -> str:
    match = INVISIBLE.search(text)
    return _(
        "This cell holds an invisible character, U+%(code)04X, at character %(position)d: "
        "“%(shown)s”. Delete it (retype the value) and upload the file again."
    ) % {
        "code": ord(match.group()),
        "position": match.start() + 1,
        "shown": INVISIBLE.sub(lambda found: f"[U+{ord(found.group()):04X}]", text),
    }


def header_variants(spec: SheetSpec) -> dict[str, str]:
    """Every accepted header text → column key."""
    variants = {}
    for column in spec.columns:
        for text in parsers.all_labels(column.header):
            variants[clean_header(text)] = column.key
    return variants


def clean_header(value) -> str:
    return parsers.normalise(parsers.show(value)).strip("*").strip()


def blank(value) -> bool:
    return value == "" or value is None or (value.__class__ is str and not value.strip())


def read_rows(
    path: Path, spec: SheetSpec, package: Package, report: Report, progress: Progress = no_progress
):
    """Steps 4-6. Returns the rows (parsed values) and the first rows as shown, for the preview."""
    try:
        workbook = CalamineWorkbook.from_path(str(package.trimmed or path))
        sheet = workbook.get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, OSError):
        raise FileRejected(
            _("The file is damaged and cannot be read as an Excel workbook. Save it again in Excel.")
        ) from None
    finally:
        if package.trimmed is not None:
            package.trimmed.unlink(missing_ok=True)
    while cells and all(blank(value) for value in cells[-1]):
        cells.pop()
    if not cells:
        raise FileRejected(
            " ".join(
                filter(
                    None,
                    [
                        _("The worksheet is empty: there is not even a header row."),
                        which_sheet(package, spec),
                    ],
                )
            )
        )

    header_at = header_row_below(cells, spec)
    if header_at:
        report.add(
            ngettext(
                "Row 1 is a title above the header, which is row %(header)d. Delete the title rows above "
                "the header, so that the header is row 1, and upload the file again.",
                "Rows 1 to %(last)d are titles above the header, which is row %(header)d. Delete the title "
                "rows above the header, so that the header is row 1, and upload the file again.",
                header_at,
            )
            % {"last": header_at, "header": header_at + 1},
            row=1,
            col="A",
        )
        return [], []

    if merged:
        for (top, left), (bottom, right) in merged[:MAX_FORMULAS_LISTED]:
            area = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            report.add(
                _("Cells %(area)s are merged. Unmerge them and fill in every cell.") % {"area": area},
                row=top + 1,
                col=column_letter(left),
            )
    for address, formula in package.formulas:
        match = CELL_ADDRESS.fullmatch(address)
        report.add(
            _("Cell %(cell)s holds a formula (=%(formula)s). Copy the column and paste it back as values.")
            % {"cell": address, "formula": formula}
            if formula
            else _("Cell %(cell)s holds a formula. Copy the column and paste it back as values.")
            % {"cell": address},
            row=int(match.group(2)) if match else None,
            col=match.group(1) if match else "",
        )
    if report:
        return [], []

    width = check_header(cells[0], spec, report)
    if report:
        sheet_note = which_sheet(package, spec)
        if sheet_note:
            report.add(sheet_note)
        return [], []

    columns = [
        (index, column.key, column.make_parser(), column.required, column.default)
        for index, column in enumerate(spec.columns)
    ]
    rows: list[Row] = []
    shown: list[list[str]] = []
    hidden = set(package.hidden_rows)
    hidden_read: list[int] = []
    total = len(cells) - 1
    required_message = _("This column is required.")
    for offset, cell_values in enumerate(cells[1:]):
        number = offset + 2
        if offset % 5000 == 0:
            progress(offset, total)
        if all(blank(value) for value in cell_values):
            continue
        values = {}
        for index, key, parse, required, default in columns:
            raw = cell_values[index] if index < len(cell_values) else ""
            if blank(raw):
                if required:
                    report.add(required_message, row=number, column=key)
                values[key] = default
                continue
            if raw.__class__ is str and INVISIBLE.search(raw):
                report.add(invisible_message(raw), row=number, column=key, value=raw)
                continue
            try:
                values[key] = parse(raw)
            except parsers.CellError as error:
                report.add(str(error), row=number, column=key, value=raw)
        for index in range(width, len(cell_values)):
            if not blank(cell_values[index]):
                report.add(
                    _("Column %(col)s has a value but no header. Remove it or use the template's columns.")
                    % {"col": column_letter(index)},
                    row=number,
                    col=column_letter(index),
                    value=cell_values[index],
                )
                break
        rows.append(Row(number, values))
        if number in hidden:
            hidden_read.append(number)
        if len(shown) < 20:
            shown.append([number] + [parsers.show(value) for value in cell_values[:width]])
    progress(total, total)
    if hidden_read:
        report.notes.append(hidden_rows_note(hidden_read))
    return rows, shown


def hidden_rows_note(numbers: list[int]) -> str:
    listed = "、".join(str(number) for number in numbers[:20])
    if len(numbers) > 20:
        listed = _("%(rows)s and %(more)d more") % {"rows": listed, "more": len(numbers) - 20}
    return ngettext(
        "Row %(rows)s is hidden in Excel. It is checked and imported like every other row: "
        "unhide it to see what it holds, or delete it if it should not be imported.",
        "Rows %(rows)s are hidden in Excel. They are checked and imported like every other row: "
        "unhide them to see what they hold, or delete those that should not be imported.",
        len(numbers),
    ) % {"rows": listed}


def header_row_below(cells: list[list], spec: SheetSpec) -> int:
    """The 0-based index of the header when title rows stand above it (0 when row 1 is the
    header or no header is found in the first rows)."""
    variants = header_variants(spec)
    enough = max(2, len(spec.columns) // 2)

    def matches(row: list) -> int:
        return sum(1 for value in row if not blank(value) and clean_header(value) in variants)

    if matches(cells[0]) >= enough:
        return 0
    for index in range(1, min(len(cells), 10)):
        if matches(cells[index]) >= enough:
            return index
    return 0


def which_sheet(package: Package, spec: SheetSpec) -> str:
    """Which sheet was read, when that may be why the header is not found."""
    from .workbook import sheet_name

    names = {"sheet": package.sheet_name, "expected": sheet_name(spec.title)}
    if package.sheet_hidden:
        return (
            _(
                "The sheet read is the workbook's first sheet, “%(sheet)s”, which is hidden. Put your data "
                "in the first sheet (“%(expected)s” in the template), or delete the hidden sheet."
            )
            % names
        )
    if package.sheet_count > 1:
        return (
            _(
                "Only the first sheet is read, here “%(sheet)s”. Put your data in the first sheet "
                "(“%(expected)s” in the template)."
            )
            % names
        )
    return ""


def check_header(header_cells: list, spec: SheetSpec, report: Report) -> int:
    """Match row 1 against the spec's columns; report what is wrong. Returns the header's width."""
    texts = [clean_header(value) if not blank(value) else "" for value in header_cells]
    while texts and not texts[-1]:
        texts.pop()
    variants = header_variants(spec)
    keys = [variants.get(text) for text in texts]
    expected = "、".join(str(column.header) for column in spec.columns)
    if not any(keys):
        report.add(
            _(
                "Row 1 is not the template's header. It must read: %(headers)s. "
                "Download the template and copy your data into it."
            )
            % {"headers": expected},
            row=1,
            col="A",
        )
        return len(texts)
    headers = {column.key: str(column.header) for column in spec.columns}
    seen = {}
    for index, (text, key) in enumerate(zip(texts, keys, strict=True)):
        letter = column_letter(index)
        if not text:
            report.add(_("Column %(col)s has no header.") % {"col": letter}, row=1, col=letter)
        elif key is None:
            report.add(
                _("Unknown column “%(header)s”. The template's columns are: %(headers)s.")
                % {"header": text, "headers": expected},
                row=1,
                col=letter,
                value=text,
            )
        elif key in seen:
            report.add(
                _("The column “%(header)s” appears twice (columns %(first)s and %(second)s).")
                % {"header": headers[key], "first": seen[key], "second": letter},
                row=1,
                col=letter,
            )
        else:
            seen[key] = letter
    missing = [column for column in spec.columns if column.key not in seen]
    for column in missing:
        report.add(
            _("The column “%(header)s” is missing. Download the template and copy your data into it.")
            % {"header": headers[column.key]},
            row=1,
        )
    if not report:
        for index, (key, column) in enumerate(zip(keys, spec.columns, strict=False)):
            if key != column.key:
                report.add(
                    _(
                        "The columns are not in the template's order: column %(col)s must be "
                        "“%(expected)s”, not “%(found)s”."
                    )
                    % {"col": column_letter(index), "expected": headers[column.key], "found": texts[index]},
                    row=1,
                    col=column_letter(index),
                )
                break
    return len(texts)


def check_duplicate_keys(rows: list[Row], spec: SheetSpec, report: Report) -> None:
    """Two rows of one file with the same external key, upper and lower case alike: both (all)
    rows are named."""
    seen: dict[tuple, list[int]] = {}
    for row in rows:
        if row.number in report.bad_rows:
            continue
        # Keys that differ only in case (EQ-001, eq-001) name the same record: a duplicate.
        key = tuple(
            value.casefold() if value.__class__ is str else value
            for value in (row.values.get(name) for name in spec.key_columns)
        )
        seen.setdefault(key, []).append(row.number)
    headers = "、".join(str(spec.column(name).header) for name in spec.key_columns)
    first_key = spec.key_columns[0]
    for key, numbers in seen.items():
        if len(numbers) < 2:
            continue
        shown = " / ".join(parsers.show(part) for part in key)
        listed = "、".join(str(number) for number in numbers[:20])
        for number in numbers:
            report.add(
                _("Rows %(rows)s have the same %(columns)s (%(key)s); each record may appear only once.")
                % {"rows": listed, "columns": headers, "key": shown},
                row=number,
                column=first_key,
                value=shown,
            )


def rows_hint(path: Path) -> int | None:
    """How many rows the first worksheet declares, read cheaply (None when unknown)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entry = first_sheet_entry(archive)
            with archive.open(entry) as stream:
                match = DIMENSION.search(stream.read(8192))
    except Exception:  # noqa: BLE001  (anything wrong is found again, and reported, by open_package)
        return None
    return int(match.group(1) or 1) if match else None
