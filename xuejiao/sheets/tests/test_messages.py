"""Messages that tell the user what to do: title rows above the header, the sheet read, a
name typed where a code belongs, invisible characters, text and web pages posing as
workbooks, record numbers that differ only in case."""

import io

import openpyxl
import pytest

from xuejiao.orgs.models import Category, Kind, Organization

from .helpers import check, header, people_row, reasons, xlsx
from .test_activities_sheet import activity_row, ledger_file


def only_reason(job) -> str:
    assert job.status == "invalid", job.errors
    assert len(job.errors) == 1, reasons(job)
    return job.errors[0]["reason"]


def test_a_merged_title_row_above_the_header(personas, tree):
    content = xlsx([["二七区人员名册"], header("people"), people_row()], merge=["A1:G1"])
    reason = only_reason(check("people", personas["city_admin"], content))
    assert "删除表头上方的标题行" in reason and "表头在第2行" in reason
    assert "合并" not in reason


def workbook(*sheets, hidden_first=False) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if hidden_first:
        book.worksheets[0].sheet_state = "hidden"
        book.active = 1
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_a_hidden_first_sheet_is_named(personas, tree):
    content = workbook(
        ("旧数据", [["备注"]]), ("人员名册", [header("people"), people_row()]), hidden_first=True
    )
    job = check("people", personas["city_admin"], content)
    assert any("读取的是工作簿的第一个工作表“旧数据”，它是隐藏的" in reason for reason in reasons(job)), (
        reasons(job)
    )


def test_data_on_the_second_sheet_names_the_sheet_read(personas, tree):
    content = workbook(("说明", [["填表说明"]]), ("人员名册", [header("people"), people_row()]))
    job = check("people", personas["city_admin"], content)
    assert any("导入只读取第一个工作表，这里是“说明”" in reason for reason in reasons(job)), reasons(job)


@pytest.fixture
def second_zhengfei(tree):
    """Another 郑飞社区, in 中原区."""
    return Organization.objects.add_child(
        Organization.objects.get(pk=tree.zhongyuan_street.pk),
        {
            "code": "ZZ-ZY-LH-ZF",
            "name": "郑飞社区",
            "category": Category.COMMUNITY,
            "kind": Kind.GENERAL_BRANCH,
        },
    )


def test_an_organisation_given_by_name_gets_its_code(personas, tree):
    reason = only_reason(
        check("people", personas["erqi_admin"], xlsx([header("people"), people_row(org="郑飞社区")]))
    )
    assert reason == "“郑飞社区”是组织的名称，不是代码：它的代码是 ZZ-EQ-RH-ZF。请在这一列填写代码。"


def test_an_ambiguous_name_lists_the_candidates_in_scope_only(personas, tree, second_zhengfei):
    content = xlsx([header("people"), people_row(org="郑飞社区")])
    reason = only_reason(check("people", personas["city_admin"], content))
    assert "是 2 个组织的名称" in reason
    assert "ZZ-EQ-RH-ZF（人和路街道）" in reason and "ZZ-ZY-LH-ZF（林山寨街道）" in reason
    reason = only_reason(check("people", personas["zhongyuan_admin"], content))
    assert "ZZ-ZY-LH-ZF" in reason and "ZZ-EQ-RH-ZF" not in reason


def test_a_name_outside_the_scope_reads_as_an_unknown_code(personas, tree):
    content = xlsx([header("people"), people_row(org="郑飞社区")])
    reason = only_reason(check("people", personas["zhongyuan_admin"], content))
    assert reason == "在您的组织范围内找不到代码为“郑飞社区”的组织。"


def test_an_invisible_character_is_shown(personas, tree):
    content = xlsx([header("people"), people_row(org="ZZ-EQ-RH-ZF\u200b")])
    reason = only_reason(check("people", personas["city_admin"], content))
    assert "不可见字符 U+200B" in reason and "ZZ-EQ-RH-ZF[U+200B]" in reason


@pytest.mark.parametrize(
    ("content", "name", "text"),
    [
        ("编码,姓名\nZZ,张三\n".encode(), "people.csv", "这是一个文本（CSV）文件"),
        ("编码\t姓名\r\nZZ\t张三\r\n".encode("utf-16"), "people.txt", "UTF-16 编码的文本文件"),
        (
            "<html><body><table><tr><td>编码</td></tr></table></body></html>".encode(),
            "people.xls",
            "网页文件（HTML 表格",
        ),
    ],
)
def test_text_and_web_pages_get_their_own_sentence(personas, tree, content, name, text):
    reason = only_reason(check("people", personas["city_admin"], content, name=name))
    assert text in reason


def test_record_numbers_differing_only_in_case_are_one_record(personas, tree):
    job = check(
        "activities",
        personas["city_admin"],
        ledger_file(activity_row(key="EQ-001"), activity_row(key="eq-001", campaign="")),
    )
    assert job.status == "invalid"
    assert sorted((e["row"], e["col"]) for e in job.errors) == [(2, "A"), (3, "A")]
    assert "第2、3行的记录编号相同" in job.errors[0]["reason"]


def test_a_record_number_differing_only_in_case_from_a_record_is_refused(personas, tree):
    from xuejiao.ledger.models import Activity

    from .helpers import import_file

    admin = personas["city_admin"]
    assert (
        import_file("activities", admin, ledger_file(activity_row(key="EQ-001", campaign=""))).status
        == "done"
    )
    job = check("activities", admin, ledger_file(activity_row(key="eq-001", campaign="", present=20)))
    reason = only_reason(job)
    assert "“eq-001”与已有记录的编号“EQ-001”只差大小写" in reason
    assert Activity.objects.count() == 1


def test_an_out_of_scope_parent_code_answers_as_an_unknown_one(personas, tree):
    from .helpers import org_row

    def answer(parent):
        job = check(
            "orgs", personas["erqi_admin"], xlsx([header("orgs"), org_row("ZZ-NEW", "新社区", parent)])
        )
        return [(e["col"], e["reason"].replace(parent, "CODE")) for e in job.errors]

    assert answer("ZZ-ZY") == answer("ZZ-NONE")
    assert Organization.objects.filter(code="ZZ-NEW").count() == 0
