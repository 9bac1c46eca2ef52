"""The values people actually type, read as they meant them; everything else refused with a reason."""

import datetime as dt

import pytest

from xuejiao.sheets import parsers
from xuejiao.sheets.parsers import CellError

MARCH_2 = dt.date(2021, 3, 2)


@pytest.mark.parametrize(
    "typed",
    [
        "2021-03-02",
        "2021-3-2",
        "2021/3/2",
        "2021/03/02",
        "2021.3.2",
        "2021.03.02",
        "2021年3月2日",
        "2021年03月02日",
        "2021年3月2",
        " 2021-03-02 ",
        "２０２１／３／２",  # typed with a Chinese input method: full-width digits and slash
        "２０２１年３月２日",
        44257,  # Excel's serial number for 2021-03-02
        44257.0,
        44257.5,  # a date and time serial: the day counts
        dt.date(2021, 3, 2),
        dt.datetime(2021, 3, 2, 14, 30),
    ],
)
def test_date_forms_people_type(typed):
    assert parsers.parse_date(typed) == MARCH_2


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2021-13-02", "无法识别日期“2021-13-02”，请按2021-03-02"),
        ("21/3/2", "无法识别日期“21/3/2”"),
        ("3/2/2021", "无法识别日期“3/2/2021”"),
        ("2021-03/02", "无法识别日期“2021-03/02”"),
        ("20210302", "无法识别日期“20210302”"),
        ("2021-03-02 10:00", "无法识别日期“2021-03-02 10:00”"),
        ("三月二日", "无法识别日期“三月二日”"),
        ("2021-02-30", "日期“2021-02-30”不存在"),
        ("2021年2月29日", "日期“2021年2月29日”不存在"),
        (20210302, "数字20210302不是有效的Excel日期"),
        (-5, "数字-5不是有效的Excel日期"),
        (True, "无法识别日期“True”"),
    ],
)
def test_dates_refused_with_a_reason(typed, reason):
    with pytest.raises(CellError) as refused:
        parsers.parse_date(typed)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "number"),
    [(12, 12), (12.0, 12), ("12", 12), ("１２", 12), (" 12 ", 12), ("-3", -3), ("1,200", 1200), ("12.0", 12)],
)
def test_whole_numbers_as_numbers_or_text(typed, number):
    assert parsers.parse_int(typed) == number


@pytest.mark.parametrize("typed", ["12.5", 12.5, "十二", "12个", True, "1e400"])
def test_not_whole_numbers(typed):
    with pytest.raises(CellError, match="不是整数"):
        parsers.parse_int(typed)


def test_number_out_of_range():
    with pytest.raises(CellError, match="超出范围"):
        parsers.parse_int("99999999999")


@pytest.mark.parametrize(
    ("typed", "value"), [("是", True), ("否", False), (True, True), ("Yes", True), ("no", False)]
)
def test_yes_and_no(typed, value):
    assert parsers.parse_bool(typed) is value


def test_yes_or_no_refuses_anything_else():
    with pytest.raises(CellError, match="请填写“是”或“否”"):
        parsers.parse_bool("对")


def test_text_keeps_phone_numbers_typed_as_numbers():
    assert parsers.text(20)(13800001111.0) == "13800001111"
    with pytest.raises(CellError, match="最多5个字符"):
        parsers.text(5)("郑州市第一中学")


def test_choices_accept_the_label_in_any_language_or_the_stored_value():
    from xuejiao.orgs.models import Category

    parse = parsers.choice(Category.choices)
    assert parse("社区") == parse("Community") == parse("community") == Category.COMMUNITY
    with pytest.raises(CellError) as refused:
        parse("小区")
    assert "“小区”不是允许的值" in str(refused.value) and "社区" in str(refused.value)


def test_lists_split_on_the_usual_separators():
    assert parsers.split_list("教育、卫健，国资;  其他") == ["教育", "卫健", "国资", "其他"]
