"""Bad input to the API gets a clear 4xx in the caller's language, never a 500, and writes
nothing: ids, offsets and counts past any plausible size, dates at the calendar's edges,
explicit nulls, blank titles and NUL characters."""

import json

import pytest
from django.test import Client

from xuejiao.accounts.services import create_api_token
from xuejiao.ledger.models import Activity

from .test_api_ledger import theme_day

BEYOND_64_BITS = 2**63 + 5
TWENTY_NINES = "99999999999999999999"


@pytest.fixture
def caller(personas):
    """caller("erqi_admin") is a client with that user's token that returns 500s instead of raising."""

    def make(username):
        raw = create_api_token(user=personas[username], name="t")[1]
        return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def assert_refused(response, status=422):
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def assert_chinese(text: str):
    assert any("\u4e00" <= char <= "\u9fff" for char in text), text


@pytest.mark.parametrize("path", ["/orgs", "/activities", "/campaigns", "/imports"])
def test_an_offset_beyond_64_bits_is_refused_on_every_list(caller, campaign, path):
    response = caller("city_admin").get(f"/api/v1{path}", {"offset": BEYOND_64_BITS})
    body = assert_refused(response)
    assert [e["field"] for e in body["errors"]] == ["offset"]
    assert_chinese(body["detail"])


@pytest.mark.parametrize("param", ["campaign", "org"])
def test_an_id_filter_beyond_64_bits_is_refused(caller, campaign, param):
    body = assert_refused(caller("city_admin").get("/api/v1/activities", {param: TWENTY_NINES}))
    assert body["errors"][0]["field"] == param


@pytest.mark.parametrize(
    "path",
    [
        "/activities/{huge}",
        "/orgs/{huge}",
        "/campaigns/{huge}",
        "/campaigns/{huge}/actions",
        "/campaigns/{campaign}/checklist/{huge}",
        "/imports/{huge}",
    ],
)
def test_an_id_in_the_path_beyond_64_bits_is_refused(caller, campaign, path):
    response = caller("city_admin").get("/api/v1" + path.format(huge=TWENTY_NINES, campaign=campaign.pk))
    assert_refused(response)


@pytest.mark.parametrize("param", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_date_filter_outside_the_plausible_range_is_refused(caller, campaign, param, day):
    body = assert_refused(caller("city_admin").get("/api/v1/activities", {param: day}))
    assert body["errors"][0]["field"] == param
    assert "2000-01-01" in body["detail"] and "2100-12-31" in body["detail"]
    assert_chinese(body["detail"])


def test_the_plausible_range_is_a_setting(caller, campaign, settings):
    from datetime import date

    settings.PLAUSIBLE_DATE_RANGE = (date(2021, 1, 1), date(2021, 12, 31))
    assert caller("city_admin").get("/api/v1/activities", {"date_from": "2021-05-01"}).status_code == 200
    assert_refused(caller("city_admin").get("/api/v1/activities", {"date_from": "2020-12-31"}))


def test_dates_inside_the_range_still_filter(caller, tree, campaign):
    client = caller("city_admin")
    post(client, "/api/v1/activities", theme_day(tree, campaign))
    assert client.get("/api/v1/activities", {"date_to": "2100-12-31"}).json()["count"] == 1
    assert client.get("/api/v1/activities", {"date_from": "2000-01-01"}).json()["count"] == 1


def test_a_completion_org_beyond_64_bits_is_refused(caller, campaign):
    assert_refused(
        caller("city_admin").get(f"/api/v1/campaigns/{campaign.pk}/completion", {"org": TWENTY_NINES})
    )


def post(client, path, body, method="post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "field, value",
    [
        ("expected", 2**63),
        ("expected", 2**63 + 1),
        ("present", 10**9),
        ("organization_id", TWENTY_NINES),
        ("campaign_id", 2**70),
        ("title", "   "),
        ("title", "线上\x00主题党日"),
        ("summary", "总结\x00"),
        ("topic", "x" * 201),
        ("starts_at", "9999-12-31T23:59:59+08:00"),
        ("starts_at", "0001-01-01T00:00:00+08:00"),
        ("ends_at", "9999-12-31T23:59:59Z"),
        ("title", None),
        ("kind", None),
    ],
)
def test_a_bad_field_of_a_new_record_is_refused_and_nothing_is_written(caller, tree, campaign, field, value):
    body = theme_day(tree, campaign, **{field: value})
    refusal = assert_refused(post(caller("zhengfei_operator"), "/api/v1/activities", body))
    assert [e["field"] for e in refusal["errors"]] == [field]
    assert_chinese(refusal["detail"])
    assert not Activity.objects.exists()


def test_a_title_is_stored_without_its_surrounding_spaces(caller, tree, campaign):
    response = post(
        caller("zhengfei_operator"), "/api/v1/activities", theme_day(tree, campaign, title=" 学习 ")
    )
    assert response.status_code == 201 and response.json()["title"] == "学习"


@pytest.mark.parametrize(
    "field", ["title", "kind", "starts_at", "expected", "present", "first_agenda", "topic", "mode", "summary"]
)
def test_an_explicit_null_on_a_required_field_of_a_change_is_refused(caller, tree, campaign, field):
    client = caller("zhengfei_operator")
    created = post(client, "/api/v1/activities", theme_day(tree, campaign, submit=False)).json()
    response = post(
        client, f"/api/v1/activities/{created['id']}", {"version": 1, field: None}, method="patch"
    )
    body = assert_refused(response)
    assert [e["field"] for e in body["errors"]] == [field]
    activity = Activity.objects.get()
    assert (activity.version, activity.title) == (1, "线上主题党日")


def test_null_still_clears_what_may_be_empty(caller, tree, campaign):
    client = caller("zhengfei_operator")
    created = post(client, "/api/v1/activities", theme_day(tree, campaign, submit=False)).json()
    response = post(
        client,
        f"/api/v1/activities/{created['id']}",
        {"version": 1, "campaign_id": None, "ends_at": None},
        method="patch",
    )
    assert response.status_code == 200 and response.json()["campaign_id"] is None


def test_a_version_beyond_64_bits_is_refused(caller, tree, campaign):
    client = caller("zhengfei_operator")
    created = post(client, "/api/v1/activities", theme_day(tree, campaign, submit=False)).json()
    response = post(client, f"/api/v1/activities/{created['id']}", {"version": 2**64}, method="patch")
    assert_refused(response)


@pytest.mark.parametrize("param", ["q", "category", "system"])
def test_a_nul_character_in_a_search_is_refused(caller, tree, param):
    body = assert_refused(caller("city_admin").get("/api/v1/orgs", {param: "a\x00b"}))
    assert_chinese(body["detail"])


def test_a_nul_character_in_the_ledger_search_is_refused(caller, campaign):
    assert_refused(caller("city_admin").get("/api/v1/activities", {"q": "a\x00b"}))


def test_a_body_that_is_not_json_is_a_400_in_chinese(caller, tree, campaign):
    response = caller("zhengfei_operator").post(
        "/api/v1/activities", "{not json", content_type="application/json"
    )
    body = assert_refused(response, 400)
    assert_chinese(body["detail"])


def test_no_token_is_a_401_in_chinese(db):
    body = assert_refused(Client().get("/api/v1/orgs"), 401)
    assert_chinese(body["detail"])


def test_a_browser_session_writing_without_its_csrf_token_is_a_403_in_chinese(personas, tree, campaign):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["zhengfei_operator"])
    response = post(client, "/api/v1/activities", theme_day(tree, campaign))
    body = assert_refused(response, 403)
    assert_chinese(body["detail"])
    assert not Activity.objects.exists()
