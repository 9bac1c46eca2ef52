"""A copy of the uploaded workbook with every bad cell filled red and a comment saying why.

openpyxl keeps the user's own formatting, which a rewrite would lose. It loads the whole
workbook in memory (about 15 s and several hundred MB for 100,000 rows), so it runs in the
validation step, in the background for large files, and not at all above
SHEETS_ERROR_FILE_MAX_ROWS (the errors table and its export still list everything).
"""

from __future__ import annotations

import io
from collections import defaultdict

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

RED = PatternFill(fill_type="solid", start_color="FFF4B6B6", end_color="FFF4B6B6")
MAX_COMMENTS = 10_000


def build_error_file(source, errors: list[dict], rows_total: int) -> bytes | None:
    """The marked-up copy as bytes, or None when the file cannot or should not be rewritten."""
    if not errors or rows_total > getattr(settings, "SHEETS_ERROR_FILE_MAX_ROWS", 200_000):
        return None
    cells: dict[str, list[str]] = defaultdict(list)
    for error in errors:
        if error.get("row"):
            cells[f"{error.get('col') or 'A'}{error['row']}"].append(error["reason"])
    if not cells:
        return None
    try:
        workbook = openpyxl.load_workbook(source)
    except Exception:  # noqa: BLE001  (a file openpyxl cannot open simply gets no marked copy)
        return None
    sheet = workbook.worksheets[0]
    author = _("Xuejiao import check")
    for count, (address, reasons) in enumerate(cells.items()):
        try:
            cell = sheet[address]
        except (ValueError, IndexError):
            continue
        if cell.__class__.__name__ == "MergedCell":
            continue
        cell.fill = RED
        if count < MAX_COMMENTS:
            comment = Comment("\n".join(dict.fromkeys(reasons)), author)
            comment.width, comment.height = 300, 120
            cell.comment = comment
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
