"""Every export writes data as data: text beginning with "=" (a name, a position, a title)
comes back as text when the file is opened, never as a live formula or link."""

import io

import openpyxl
from django.urls import reverse

from xuejiao.campaigns.models import RequiredAction
from xuejiao.campaigns.tests.scenario import scenario_fixture  # noqa: F401 - the `scenario` fixture
from xuejiao.orgs.models import Organization, Person

LINK = '=HYPERLINK("http://evil.example/","点此查看")'
SUM = "=1+1"


def cells(response) -> list:
    """Every non-empty cell of the first sheet, opened as Excel would (formulas not evaluated)."""
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [cell for row in workbook.worksheets[0].iter_rows() for cell in row if cell.value is not None]


def assert_text(found: list, *texts) -> None:
    for text in texts:
        matching = [cell for cell in found if cell.value == text]
        assert matching, f"{text!r} is not in the export"
        assert all(cell.data_type == "s" for cell in matching), f"{text!r} was written as a formula"
    assert not [cell for cell in found if cell.data_type == "f"]


def test_the_roster_export_writes_names_and_positions_as_text(tree, client_for):
    Organization.objects.filter(pk=tree.renhe.pk).update(name=LINK)
    Person.objects.filter(name="李秀英").update(position=SUM, name="+SUM(A1:A9)")
    found = cells(client_for("erqi_admin").get(reverse("orgs:export_people")))
    assert_text(found, LINK, SUM, "+SUM(A1:A9)")


def test_the_not_done_export_writes_names_and_titles_as_text(tree, client_for, scenario):
    Organization.objects.filter(pk=tree.zhongyuan.pk).update(name=LINK)
    RequiredAction.objects.filter(pk=scenario.lecture.pk).update(title=SUM)
    url = reverse("campaigns:not_done_export", args=[scenario.campaign.pk, scenario.lecture.pk])
    found = cells(client_for("city_admin").get(url))
    assert_text(found, LINK, SUM)


def test_the_sheet_exports_write_names_and_positions_as_text(tree, client_for):
    Organization.objects.filter(pk=tree.renhe.pk).update(name=LINK, short_name=SUM)
    Person.objects.filter(name="李秀英").update(position=SUM)
    client = client_for("erqi_admin")
    assert_text(cells(client.get(reverse("sheets:export", args=["orgs"]))), LINK, SUM)
    assert_text(cells(client.get(reverse("sheets:export", args=["people"]))), SUM)


def test_every_workbook_is_opened_by_the_one_writer():
    """A new export written with xlsxwriter's defaults would turn "=…" text into formulas."""
    from pathlib import Path

    import xuejiao

    root = Path(xuejiao.__file__).parent
    opened = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "xlsxwriter.Workbook(" in path.read_text(encoding="utf-8")
    ]
    assert opened == ["core/exports.py"]
