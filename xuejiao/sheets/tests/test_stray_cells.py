"""A stray cell far from the data costs nothing: the reading follows the data.

The reading runs in a child process under an address-space limit (read_limited.py), so a
file that makes the reading library allocate without bound ends the child, never the test
run: on a reader without the extent check the XFD1048576 file aborts the child."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xuejiao.sheets.spec import get_spec
from xuejiao.sheets.workbook import write_workbook

from .test_activities_sheet import activity_row

SCRIPT = Path(__file__).with_name("read_limited.py")
ROOT = Path(__file__).parents[3]
LIMIT_MB = 2048


def template_with(path: Path, rows: int, cells: dict) -> Path:
    """The activity template as downloaded, `rows` rows filled in and `cells` typed in."""
    template = io.BytesIO()
    write_workbook(template, get_spec("activities"))
    template.seek(0)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    for index in range(rows):
        sheet.append(activity_row(key=f"EQ-{index}"))
    for address, value in cells.items():
        sheet[address] = value
    workbook.save(path)
    return path


def read_in_child(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "activities", str(path), str(LIMIT_MB)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, f"the reading process died ({done.returncode}): {done.stderr[-1500:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def campaign_free(db, settings):
    settings.LANGUAGE_CODE = "zh-hans"


def test_a_space_in_xfd1048576_of_a_12_kb_file_does_not_kill_the_process(tmp_path, campaign_free):
    path = template_with(tmp_path / "stray.xlsx", 3, {"XFD1048576": " "})
    assert path.stat().st_size < 20_000
    outcome = read_in_child(path)
    assert (outcome["rows"], outcome["errors"]) == (3, [])
    assert outcome["peak_mb"] < 400, outcome


@pytest.mark.parametrize(("rows", "address"), [(3, "T1048576"), (2000, "XFD1")])
def test_a_stray_space_costs_what_the_data_costs(tmp_path, campaign_free, rows, address):
    outcome = read_in_child(template_with(tmp_path / "stray.xlsx", rows, {address: " "}))
    assert (outcome["rows"], outcome["errors"]) == (rows, [])
    assert outcome["peak_mb"] < 400, outcome  # 1 GB and 1.4 GB before


@pytest.mark.parametrize(
    ("address", "text"),
    [
        ("XFD1", "单元格 XFD1 在数据右侧很远的地方有内容"),
        ("BM5", "单元格 BM5 在数据右侧很远的地方有内容"),
        ("A1048576", "单元格 A1048576 在数据下方很远的地方有内容，而数据在第 4 行结束"),
    ],
)
def test_a_value_far_from_the_data_is_refused_by_its_cell(tmp_path, campaign_free, address, text):
    outcome = read_in_child(template_with(tmp_path / "far.xlsx", 3, {address: "备注"}))
    assert outcome["rows"] == 0
    assert len(outcome["errors"]) == 1 and text in outcome["errors"][0], outcome
    assert outcome["peak_mb"] < 400, outcome


def test_values_a_little_to_the_right_or_below_are_read_as_before(tmp_path, campaign_free):
    """Column U (no header) and a row after some blank ones are the reader's ordinary cases."""
    outcome = read_in_child(template_with(tmp_path / "near.xlsx", 3, {"U3": "备注", "A900": "EQ-9"}))
    assert outcome["rows"] == 4
    assert any("第U列有数据但没有表头" in error for error in outcome["errors"]), outcome


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_the_glance_at_the_bytes_finds_far_rows_and_columns_with_or_without_a_prefix(prefix):
    from xuejiao.sheets.extent import Glance

    p = prefix
    rows = "".join(
        f'<{p}row r="{n}"><{p}c r="A{n}" t="n"><{p}v>1</{p}v></{p}c></{p}row>' for n in range(1, 50)
    )
    body = (
        f'<{p}worksheet xmlns{":x" if p else ""}="urn:x"><{p}sheetData>{rows}'
        f'<{p}row r="60" hidden="1"><{p}c r="B60"><{p}v>2</{p}v></{p}c></{p}row>'
        f'<{p}row r="70" ht="20"/>'
    ).encode()
    glance = Glance()
    for start in range(0, len(body), 7):  # chunks that cut tags in two
        glance.feed(body[start : start + 7])
    glance.finish()
    assert (glance.rows, glance.last_row, glance.hidden, glance.sparse) == (50, 60, [60], False)

    far = Glance()
    far.feed(body + f'<{p}row r="1048576"><{p}c r="A1048576"><{p}v>3</{p}v></{p}c></{p}row>'.encode())
    far.finish()
    assert far.sparse
    wide = Glance()
    wide.feed(body + f'<{p}row r="61"><{p}c r="XFD61"><{p}v>3</{p}v></{p}c></{p}row>'.encode())
    wide.finish()
    assert wide.sparse and wide.widest == 16384


def test_a_sheet_spread_too_thinly_is_refused(tmp_path, campaign_free):
    """70,000 rows of one cell and one cell in column BL: a rectangle of 4.5 million cells
    for 70,001 values."""
    import xlsxwriter

    path = tmp_path / "thin.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_string(0, 63, "x")
    for row in range(1, 70_001):
        sheet.write_number(row, 0, row)
    workbook.close()
    outcome = read_in_child(path)
    assert outcome["rows"] == 0
    assert len(outcome["errors"]) == 1 and "数据过于稀疏" in outcome["errors"][0], outcome
