"""Bad input to the pages gets a clear 4xx with the reason in Chinese, never a 500, and
writes nothing: offsets and ids past 64 bits, dates at the calendar's edges or outside the
plausible range, counts beyond any plausible size, NUL characters."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Campaign, RequiredAction
from xuejiao.ledger.models import Activity, Material
from xuejiao.orgs.models import Category, Person

BEYOND_64_BITS = str(2**63 + 5)
TWENTY_NINES = "99999999999999999999"
RANGE_REASON = "超出允许的范围（2000-01-01 至 2100-12-31）"


@pytest.fixture
def page(personas):
    """page("erqi_admin") is a logged-in client that answers 500 instead of raising, in Chinese."""

    def make(username):
        client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(personas[username])
        return client

    return make


@pytest.fixture
def campaign(personas, tree):
    return campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )


# --- the organisation tree -------------------------------------------------------------------


@pytest.mark.parametrize("offset", ["abc", "-1", BEYOND_64_BITS, "1.5", "²"])
def test_a_bad_offset_of_the_tree_children_is_a_400_with_the_reason(page, tree, offset):
    response = page("city_admin").get(reverse("orgs:children", args=[tree.city.pk]), {"offset": offset})
    assert response.status_code == 400
    assert "位置" in response.content.decode()


def test_the_tree_children_still_page(page, tree):
    response = page("city_admin").get(reverse("orgs:children", args=[tree.city.pk]), {"offset": "1"})
    assert response.status_code == 200
    assert "二七区" not in response.content.decode() and "中原区" in response.content.decode()


@pytest.mark.parametrize("params", [{"q": "街道\x00"}, {"category": "street\x00"}])
def test_a_nul_character_in_the_organisation_search_is_a_400(page, tree, params):
    response = page("city_admin").get(reverse("orgs:search"), params)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_nul_character_in_the_organisation_picker_finds_nothing(page, tree):
    response = page("city_admin").get(reverse("orgs:autocomplete"), {"q": "街道\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["sort_order"])
def test_a_huge_number_in_the_organisation_form_is_refused(page, tree, field):
    data = {"code": "ZZ-EQ-X", "name": "新单位", "kind": "branch", "category": "branch", "sort_order": 0}
    data[field] = BEYOND_64_BITS
    response = page("city_admin").post(reverse("orgs:create_child", args=[tree.erqi.pk]), data)
    assert response.status_code in (200, 400)
    assert not tree.erqi.get_children().filter(code="ZZ-EQ-X").exists()


def test_a_huge_sort_order_of_a_person_is_refused(page, tree):
    data = {"name": "王五", "gender": "", "phone": "", "position": "党员", "sort_order": BEYOND_64_BITS}
    response = page("city_admin").post(reverse("orgs:create_person", args=[tree.erqi.pk]), data)
    assert response.status_code in (200, 400)
    assert not Person.objects.filter(name="王五").exists()


# --- the ledger --------------------------------------------------------------------------------


@pytest.mark.parametrize("param", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_ledger_date_filter_outside_the_range_is_a_400_with_the_reason(page, tree, param, day):
    response = page("city_admin").get(reverse("ledger:activities"), {param: day})
    assert response.status_code == 400
    assert RANGE_REASON in response.content.decode()


def test_a_ledger_date_filter_inside_the_range_is_fine(page, tree):
    response = page("city_admin").get(reverse("ledger:activities"), {"date_from": "2000-01-01"})
    assert response.status_code == 200


@pytest.mark.parametrize("param", ["campaign", "org"])
def test_a_ledger_id_filter_beyond_64_bits_is_refused(page, tree, param):
    response = page("city_admin").get(reverse("ledger:activities"), {param: TWENTY_NINES})
    assert response.status_code in (400, 404)


def test_a_huge_page_number_of_the_ledger_gives_a_page(page, tree):
    response = page("city_admin").get(reverse("ledger:activities"), {"page": TWENTY_NINES, "q": "学习"})
    assert response.status_code == 200


def activity_form(tree, campaign, **extra):
    data = {
        "organization": tree.zhengfei.pk,
        "campaign": campaign.pk,
        "kind": "theme_day",
        "title": "主题党日",
        "starts_at": "2021-05-20T19:30",
        "expected": "30",
        "present": "28",
        "mode": "offline",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("expected", BEYOND_64_BITS, "100000"),
        ("present", "1000000000", "100000"),
        ("starts_at", "9999-12-31T23:59", RANGE_REASON),
        ("starts_at", "0001-01-01T00:00", RANGE_REASON),
        ("ends_at", "9999-12-31T23:59", RANGE_REASON),
        ("title", "   ", ""),
        ("organization", TWENTY_NINES, ""),
    ],
)
def test_a_bad_field_of_the_activity_form_is_refused_and_nothing_is_written(
    page, tree, campaign, field, value, reason
):
    # A street's operator records for several units, so picks the organisation.
    response = page("street_operator").post(
        reverse("ledger:activity_create"), activity_form(tree, campaign, **{field: value})
    )
    assert response.status_code in (200, 400), response.status_code
    assert reason in response.content.decode()
    assert not Activity.objects.exists()


def material_form(tree, **extra):
    data = {
        "publisher": str(tree.erqi.pk),
        "title": "学习材料",
        "kind": "text",
        "body": "内容",
        "deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "recipient": [str(tree.renhe.pk)],
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "extra",
    [
        {"publisher": TWENTY_NINES},
        {"recipient": [TWENTY_NINES]},
        {"deadline": "9999-12-31"},
        {"title": "学习\x00材料"},
    ],
)
def test_the_materials_form_with_a_huge_number_or_date_is_a_400_and_writes_nothing(page, tree, extra):
    response = page("erqi_admin").post(reverse("ledger:material_publish"), material_form(tree, **extra))
    assert response.status_code == 400
    assert not Material.objects.exists()


def test_the_materials_form_still_publishes(page, tree):
    response = page("erqi_admin").post(reverse("ledger:material_publish"), material_form(tree))
    assert response.status_code == 302 and Material.objects.count() == 1


@pytest.mark.parametrize("org", [TWENTY_NINES, "abc"])
def test_the_materials_list_with_a_huge_org_is_refused(page, tree, org):
    response = page("erqi_admin").get(reverse("ledger:materials"), {"org": org})
    assert response.status_code in (400, 404)


# --- campaigns -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_campaign_dates_outside_the_range_are_refused(page, tree, field, day):
    data = {"name": "新活动", "starts_on": "2021-03-01", "ends_on": "2021-12-31", "root": tree.erqi.pk}
    data[field] = day
    response = page("city_admin").post(reverse("campaigns:create"), data)
    assert RANGE_REASON in response.content.decode()
    assert not Campaign.objects.filter(name="新活动").exists()


def test_a_campaign_root_beyond_64_bits_is_refused(page, tree):
    data = {"name": "新活动", "starts_on": "2021-03-01", "ends_on": "2021-12-31", "root": TWENTY_NINES}
    response = page("city_admin").post(reverse("campaigns:create"), data)
    assert response.status_code in (200, 400)
    assert not Campaign.objects.filter(name="新活动").exists()


@pytest.mark.parametrize(
    "extra",
    [{"due_date": "9999-12-31"}, {"window_start": "0001-01-01"}, {"sort_order": BEYOND_64_BITS}],
)
def test_an_action_with_an_implausible_date_or_number_is_refused(page, tree, campaign, extra):
    data = {
        "title": "主题党日",
        "sort_order": "0",
        "applies_to": "criteria",
        "categories": [Category.COMMUNITY],
        "rule_type": "activity_count",
        "min_count": "1",
        "due_date": "2021-06-30",
        "min_photos": "0",
        "min_summary_length": "0",
        "min_attendance_rate": "0",
        **extra,
    }
    response = page("city_admin").post(reverse("campaigns:action_create", args=[campaign.pk]), data)
    assert response.status_code in (200, 400)
    assert not RequiredAction.objects.exists()


@pytest.mark.parametrize("org", [TWENTY_NINES, BEYOND_64_BITS])
def test_the_progress_page_with_a_huge_org_is_refused(page, tree, campaign, org):
    response = page("city_admin").get(reverse("campaigns:progress", args=[campaign.pk]), {"org": org})
    assert response.status_code in (400, 404)


# --- the audit log -------------------------------------------------------------------------------


@pytest.mark.parametrize("param", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_audit_date_filter_outside_the_range_is_refused(page, tree, param, day):
    response = page("city_admin").get(reverse("accounts:audit"), {param: day})
    assert response.status_code in (200, 400)
    assert RANGE_REASON in response.content.decode()


# --- the setting ---------------------------------------------------------------------------------


def test_the_plausible_range_is_read_from_the_environment(monkeypatch):
    from xuejiao.settings import env_date_range

    monkeypatch.setenv("PLAUSIBLE_DATE_RANGE", "2010-01-01, 2030-12-31")
    assert env_date_range("PLAUSIBLE_DATE_RANGE", "") == (date(2010, 1, 1), date(2030, 12, 31))
    for wrong in ("2030-12-31,2010-01-01", "2010-01-01", "soon,later"):
        monkeypatch.setenv("PLAUSIBLE_DATE_RANGE", wrong)
        with pytest.raises(ValueError, match="PLAUSIBLE_DATE_RANGE"):
            env_date_range("PLAUSIBLE_DATE_RANGE", "")


def test_a_page_date_filter_follows_the_setting(page, tree, settings):
    settings.PLAUSIBLE_DATE_RANGE = (date(2021, 1, 1), date(2021, 12, 31))
    client = page("city_admin")
    assert client.get(reverse("ledger:activities"), {"date_from": "2021-06-01"}).status_code == 200
    response = client.get(reverse("ledger:activities"), {"date_from": "2022-01-01"})
    assert response.status_code == 400 and "2021-01-01 至 2021-12-31" in response.content.decode()
