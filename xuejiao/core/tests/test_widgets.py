"""QuickSelect writes the markup Django's Select writes."""

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from xuejiao.campaigns.models import Campaign
from xuejiao.core.widgets import QuickSelect
from xuejiao.ledger.forms.activities import ActivityFilterForm
from xuejiao.ledger.models import ActivityKind

CHOICES = [("", "全部"), *ActivityKind.choices, ("a&b", "<甲>"), ("x", "重复"), ("x", "重复")]


def both(value, attrs=None, choices=CHOICES):
    ours = QuickSelect(attrs={"class": "form-select"}, choices=choices).render("kind", value, attrs)
    django = forms.Select(attrs={"class": "form-select"}, choices=choices).render("kind", value, attrs)
    return parse_html(ours), parse_html(django)


@pytest.mark.parametrize("value", [None, "", "theme_day", "a&b", "x", "missing"])
def test_same_markup_as_django_select(value):
    ours, django = both(value, attrs={"id": "id_kind", "required": True})
    assert ours == django


def test_escapes_labels_and_values():
    html = QuickSelect(choices=CHOICES).render("kind", "a&b")
    assert '<option value="a&amp;b" selected>&lt;甲&gt;</option>' in html


def test_grouped_choices_fall_back_to_django():
    grouped = [("会议", [("a", "甲"), ("b", "乙")]), ("c", "丙")]
    ours, django = both("b", choices=grouped)
    assert ours == django


def test_filter_form_campaign_choices(db, personas, tree):
    campaign = Campaign.objects.create(
        name="党史学习教育",
        root=tree.city,
        root_path=tree.city.path,
        starts_on="2021-03-01",
        ends_on="2021-12-31",
    )
    form = ActivityFilterForm(
        {"campaign": str(campaign.pk), "kind": "theme_day"}, user=personas["city_admin"]
    )
    assert isinstance(form.fields["campaign"].widget, QuickSelect)
    html = str(form["campaign"])
    assert f'<option value="{campaign.pk}" selected>党史学习教育</option>' in html
    assert '<option value="theme_day" selected>' in str(form["kind"])


def test_model_choices_are_read_in_one_query(db, personas, django_assert_num_queries):
    form = ActivityFilterForm(user=personas["city_admin"])
    with django_assert_num_queries(1):
        str(form["campaign"])


def test_model_choices_are_read_without_a_server_side_cursor(db, personas, tree):
    """On PostgreSQL, Django's choices iterator opens a cursor (DECLARE, FETCH, CLOSE)."""
    for year in (2021, 2023):
        Campaign.objects.create(
            name=f"{year}年学习教育",
            root=tree.city,
            root_path=tree.city.path,
            starts_on=f"{year}-03-01",
            ends_on=f"{year}-12-31",
        )
    form = ActivityFilterForm(user=personas["city_admin"])
    with CaptureQueriesContext(connection) as captured:
        html = str(form["campaign"])
    assert [query["sql"].split()[0] for query in captured] == ["SELECT"]
    assert html.index("2023年学习教育") < html.index("2021年学习教育")


def test_every_model_choice_list_is_read_without_a_cursor(db, personas, tree):
    """The record form's campaigns and the organisation form's systems: the single and the
    multiple choice field."""
    from xuejiao.ledger.forms.activities import ActivityForm
    from xuejiao.orgs.forms import OrganizationForm
    from xuejiao.orgs.models import System

    System.objects.create(name="教育系统")
    fields = [
        ActivityForm(user=personas["city_admin"], creating=True)["campaign"],
        OrganizationForm()["systems"],
    ]
    for field in fields:
        with CaptureQueriesContext(connection) as captured:
            str(field)
        assert [query["sql"].split()[0] for query in captured] == ["SELECT"]
