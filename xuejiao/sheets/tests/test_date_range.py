"""Dates from sheets lie in settings.PLAUSIBLE_DATE_RANGE, date cells included: Excel's serial 60
(its 29 February 1900) and the 1900 dates of empty date cells are refused, also when the
row names no campaign whose period would catch them."""

import datetime as dt
import io

import openpyxl
import pytest

from xuejiao.ledger.models import Activity

from .helpers import check, header
from .test_activities_sheet import activity_row


def dated_file(*cells) -> bytes:
    """One activity row per value, its start a date-formatted cell holding the value."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header("activities"))
    for index, value in enumerate(cells):
        sheet.append(activity_row(key=f"D{index}", campaign="", ends="", first_agenda="否"))
        cell = sheet.cell(row=index + 2, column=7, value=value)
        cell.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_serial_60_in_a_date_cell_is_refused(personas, tree):
    job = check("activities", personas["city_admin"], dated_file(60))
    assert job.status == "invalid", job.errors
    (error,) = job.errors
    assert (error["row"], error["col"]) == (2, "G")
    assert "1900-02-28" in error["reason"] and "2000-01-01" in error["reason"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        dt.date(1900, 3, 1),
        dt.datetime(1950, 6, 1, 9, 30),
        dt.date(2101, 1, 1),
        "1900-03-01",
        "1999-12-31 09:00",
        "1900年3月1日",
        61,  # a serial typed as a plain number
    ],
)
def test_dates_outside_the_plausible_range_are_refused_without_a_campaign(personas, tree, value):
    job = check("activities", personas["city_admin"], dated_file(value))
    assert job.status == "invalid", job.errors
    assert [(e["row"], e["col"]) for e in job.errors] == [(2, "G")]


def test_the_range_is_a_setting(personas, tree, settings):
    settings.PLAUSIBLE_DATE_RANGE = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))
    job = check("activities", personas["city_admin"], dated_file(dt.date(1995, 5, 20), "1995-05-21 10:00"))
    assert job.status == "ready", job.errors
    job = check("activities", personas["city_admin"], dated_file(dt.date(1989, 12, 31)))
    assert job.status == "invalid"
