"""The corpus of bad spreadsheets: each gets a precise reason (row, column, why) and not one row
is written. Files are built here, the way the wrong ones turn up in practice."""

import datetime as dt
import io
import zipfile

import pytest

from xuejiao.accounts.models import RoleAssignment
from xuejiao.core.errors import ServiceError
from xuejiao.core.roles import Role
from xuejiao.orgs.models import Person
from xuejiao.sheets import parsers
from xuejiao.sheets.spec import Column, Plan, SheetSpec, _registry, register

from .helpers import check, counts, header, people_row, reasons, xlsx


def assert_refused(job, *expected, row=None, col=None):
    """The job is invalid, nothing was written, and each expected text is in some reason."""
    assert job.status == "invalid", job.errors
    for text in expected:
        matching = [e for e in job.errors if text in e["reason"]]
        assert matching, f"{text!r} not in {reasons(job)}"
        if row is not None:
            assert matching[0]["row"] == row, matching[0]
        if col is not None:
            assert matching[0]["col"] == col, matching[0]


@pytest.fixture
def before(tree):
    return counts()


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


def valid_people(*rows):
    return xlsx([header("people"), *rows])


# --- header --------------------------------------------------------------------------------


def test_wrong_header(admin, before):
    wrong = header("people")
    wrong[5] = "部门"
    job = check("people", admin, xlsx([wrong, people_row()]))
    assert_refused(job, "无法识别的列“部门”", row=1, col="F")
    assert counts() == before


def test_missing_header_row(admin, before):
    job = check("people", admin, xlsx([people_row(), people_row(name="李四")]))
    assert_refused(job, "第1行不是模板的表头，应为：" + "、".join(header("people")), row=1)
    assert counts() == before


def test_missing_column(admin, before):
    phone = header("people")[3]
    without_phone = [h for h in header("people") if h != phone]
    job = check("people", admin, xlsx([without_phone, ["ZZ-EQ", "周杰", "男", "是", "党员", 0]]))
    assert_refused(job, f"缺少列“{phone}”")
    assert counts() == before


def test_columns_in_another_order(admin, before):
    code, name, *rest = header("people")
    job = check("people", admin, xlsx([[name, code, *rest], people_row()]))
    assert_refused(job, "列的顺序与模板不一致", f"第A列应为“{code}”", col="A")
    assert counts() == before


def test_header_with_spaces_required_marks_or_in_english_is_fine(admin, before):
    code, name, _gender, phone, *rest = header("people")
    sloppy = [f" {code} ", f"*{name}", "Gender", f"{phone}\u3000", *rest]
    job = check("people", admin, xlsx([sloppy, people_row()]))
    assert job.status == "ready", job.errors


# --- structure -----------------------------------------------------------------------------


def test_merged_cells(admin, before):
    content = xlsx([header("people"), people_row(), people_row(org=None, name="李四")], merge=["A2:A3"])
    job = check("people", admin, content)
    assert_refused(job, "单元格A2:A3为合并单元格", row=2, col="A")
    assert counts() == before


def test_formulas(admin, before):
    content = xlsx([header("people"), people_row(), people_row(name="李四")], formulas={"G3": "=1+1"})
    job = check("people", admin, content)
    assert_refused(job, "单元格G3含有公式（=1+1）", row=3, col="G")
    assert counts() == before


def test_blank_rows_in_the_middle_are_skipped(admin, before):
    content = valid_people(
        people_row(name="周杰"),
        [None] * 7,
        ["", " ", "", "", "", "", ""],
        people_row(name="李四", phone="13811113333"),
        [None] * 7,
        people_row(name="王五", phone="bad"),
    )
    job = check("people", admin, content)
    # Three people rows; the error names the Excel row the user sees (7), not the 3rd data row.
    assert job.rows_total == 3
    assert_refused(job, "请输入11位手机号码或固定电话号码", row=7, col="D")
    assert counts() == before


def test_numbers_typed_as_text_and_phones_typed_as_numbers(admin, before):
    content = valid_people(people_row(phone=13811112222, order="１２"), people_row(name="李四", order=" 3 "))
    job = check("people", admin, content)
    assert job.status == "ready", job.errors
    assert job.created_count == 2


def test_a_number_that_is_not_whole(admin, before):
    job = check("people", admin, valid_people(people_row(order="2.5")))
    assert_refused(job, "“2.5”不是整数", row=2, col="G")
    assert counts() == before


def test_duplicate_keys_in_one_file_name_both_rows(admin, before):
    content = valid_people(
        people_row(name="周杰"), people_row(name="李四", phone="13811113333"), people_row(name="周杰")
    )
    job = check("people", admin, content)
    code, name, _gender, phone, *_rest = header("people")
    assert_refused(job, f"第2、4行的{code}、{name}、{phone}相同")
    assert sorted(e["row"] for e in job.errors) == [2, 4]
    assert counts() == before


def test_unknown_organisation_code(admin, before):
    job = check("people", admin, valid_people(people_row(org="ZZ-XX")))
    assert_refused(job, "在您的组织范围内找不到代码为“ZZ-XX”的组织", row=2, col="A")
    assert counts() == before


def test_organisation_the_uploader_cannot_see(personas, before):
    # The 二七区 admin names a 中原区 street: the same answer as for a code that does not exist.
    job = check("people", personas["erqi_admin"], valid_people(people_row(org="ZZ-ZY-LH")))
    assert_refused(job, "在您的组织范围内找不到代码为“ZZ-ZY-LH”的组织", row=2, col="A")
    assert counts() == before


def test_organisation_the_uploader_sees_but_does_not_manage(personas, tree, before):
    user = personas["erqi_admin"]
    RoleAssignment.objects.create(user=user, role=Role.LEADER, organization=tree.city, include_subtree=True)
    user.forget_assignments()
    job = check("people", user, valid_people(people_row(), people_row(org="ZZ-ZY-LH", name="李四")))
    assert_refused(job, "“林山寨街道”（ZZ-ZY-LH）不在您可修改的组织范围内", row=3, col="A")
    assert counts() == before


def test_one_bad_row_among_many_writes_nothing(admin, before):
    rows = [people_row(name=f"人员{i}", phone=f"1381111{i:04d}") for i in range(50)]
    rows[37] = people_row(name="人员37", gender="未知")
    job = check("people", admin, valid_people(*rows))
    assert_refused(job, "“未知”不是允许的值", row=39, col="C")
    assert counts() == before


# --- not a workbook, or not a reasonable one ---------------------------------------------------


def test_old_xls_file(admin, before):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    job = check("people", admin, ole2, name="people.xls")
    assert_refused(job, "旧版Excel文件（.xls）")
    assert job.errors[0]["row"] is None
    assert counts() == before


def test_csv_renamed_xlsx(admin, before):
    csv = "组织编码,姓名,性别,手机号\nZZ-EQ,周杰,男,13811112222\n".encode()
    job = check("people", admin, csv, name="people.xlsx")
    assert_refused(job, "文本（CSV）文件")
    csv_gbk = "组织编码,姓名\nZZ-EQ,周杰\n".encode("gbk")
    assert_refused(check("people", admin, csv_gbk), "文本（CSV）文件")
    assert counts() == before


def test_zip_that_is_not_a_workbook(admin, before):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert_refused(check("people", admin, buffer.getvalue()), "zip压缩包，不是Excel工作簿")


def test_damaged_workbook(admin, before):
    content = valid_people(people_row())
    assert_refused(check("people", admin, content[: len(content) // 2]), "文件已损坏")
    assert counts() == before


def test_empty_file(admin, before):
    assert_refused(check("people", admin, b""), "文件为空")
    assert_refused(check("people", admin, xlsx([])), "工作表为空")
    assert_refused(check("people", admin, xlsx([header("people")])), "只有表头，没有可导入的数据行")
    assert counts() == before


def bomb(size: int, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip dressed as a workbook whose sheet is `size` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                sheet.write(block)
    return buffer.getvalue()


def test_zip_bomb(admin, before):
    """64 MB of zeros packed into 64 KB: refused from the zip directory, nothing inflated."""
    content = bomb(64 << 20)
    assert len(content) < 100 * 1024
    job = check("people", admin, content)
    assert_refused(job, "压缩炸弹")
    assert counts() == before


def test_workbook_too_big_once_unpacked(admin, before, settings):
    settings.SHEETS_MAX_UNCOMPRESSED_BYTES = 8 << 20
    job = check("people", admin, bomb(9 << 20, compression=zipfile.ZIP_STORED))
    assert_refused(job, "解压后超过8 MB", "压缩炸弹")
    assert counts() == before


def understate(content: bytes, name: str, size: int) -> bytes:
    """The zip with `name`'s uncompressed size rewritten to `size` in its headers."""
    data = bytearray(content)
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x01\x02", 24, 28, 46),
        (b"PK\x03\x04", 22, 26, 30),
    ):
        position = data.find(signature)
        while position != -1:
            length = int.from_bytes(data[position + name_len_at : position + name_len_at + 2], "little")
            if data[position + name_at : position + name_at + length] == name.encode():
                data[position + size_at : position + size_at + 4] = size.to_bytes(4, "little")
            position = data.find(signature, position + 4)
    return bytes(data)


def test_zip_bomb_that_understates_its_size(admin, before):
    """Sizes in the zip directory can lie. The streamed check reads no more than declared and
    verifies the checksum, so the lie is caught before any parser inflates the sheet."""
    content = valid_people(people_row())
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (64 * 1024 * 1024) + b"</sheetData>")
            out.writestr(info.filename, data)
    job = check("people", admin, understate(buffer.getvalue(), "xl/worksheets/sheet1.xml", 1024))
    assert_refused(job, "文件已损坏")
    assert counts() == before


def test_file_over_the_size_limit(admin, before, tmp_path):
    """60 MB is refused before anything reads it: no job, no row."""
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(60 * 1024 * 1024)
    from django.core.files import File

    from xuejiao.sheets import services
    from xuejiao.sheets.models import ImportJob
    from xuejiao.sheets.spec import get_spec

    upload = File(big.open("rb"), name="big.xlsx")
    with upload, pytest.raises(ServiceError, match="文件大小为60 MB，仅接受不超过50 MB"):
        services.start_validation(spec=get_spec("people"), upload=upload, actor=admin)
    assert not ImportJob.objects.exists()
    assert counts() == before


# --- dates, in a sheet that has them ---------------------------------------------------------


class DatedSheet(SheetSpec):
    """A sheet with a date column, standing in for the ledger's activity sheet."""

    name = "test-dated"
    title = "Dated"
    key_columns = ("code",)
    columns = (
        Column("code", "编号", parser=parsers.text(10), required=True),
        Column("day", "日期", parser=parsers.parse_date, required=True),
        Column("count", "人数", parser=parsers.integer(0, 10_000)),
    )
    written: list = []

    def plan(self, rows, *, actor, report, progress=None):
        plan = Plan(payload=rows)
        for row in rows:
            plan.mark(row.number, Plan.CREATE)
        return plan

    def apply(self, plan, *, actor, progress=None):
        self.written.extend(row.values for row in plan.payload)


@pytest.fixture
def dated():
    spec = register(DatedSheet())
    spec.written.clear()
    yield spec
    _registry.pop(spec.name)


def test_dates_in_every_form_people_type(admin, dated):
    from xuejiao.sheets import services

    forms = [
        "2021-03-02",
        "2021/3/2",
        "2021.3.2",
        "2021年3月2日",
        44257,
        dt.date(2021, 3, 2),
        "２０２１／３／２",
    ]
    content = xlsx([["编号", "日期", "人数"], *[[f"A{i}", form, "１２"] for i, form in enumerate(forms)]])
    job = check(dated.name, admin, content)
    assert job.status == "ready", job.errors
    services.confirm_import(job=job, actor=admin)
    assert [values["day"] for values in dated.written] == [dt.date(2021, 3, 2)] * len(forms)
    assert {values["count"] for values in dated.written} == {12}


def test_dates_refused_name_the_cell(admin, dated):
    content = xlsx(
        [
            ["编号", "日期", "人数"],
            ["A1", "2021-13-02", 1],
            ["A2", "2021-02-30", 1],
            ["A3", 20210302, 1],
            ["A4", "3/2/2021", 1],
            ["A5", "2021-03-02", 1],
        ]
    )
    job = check(dated.name, admin, content)
    assert job.status == "invalid"
    assert [(e["row"], e["col"], e["column"], e["reason"]) for e in job.errors] == [
        (2, "B", "日期", "无法识别日期“2021-13-02”，请按2021-03-02的格式填写。"),
        (3, "B", "日期", "日期“2021-02-30”不存在：该月没有30日。"),
        (4, "B", "日期", "数字20210302不是有效的Excel日期，请按2021-03-02的格式填写日期。"),
        (5, "B", "日期", "无法识别日期“3/2/2021”，请按2021-03-02的格式填写。"),
    ]
    assert dated.written == []


def test_no_person_written_by_any_refused_file(tree):
    assert Person.objects.count() == 7
