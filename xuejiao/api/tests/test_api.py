"""The JSON API under /api/v1: authentication, scope, filters, pagination, the OpenAPI document."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xuejiao.accounts.models import ApiToken
from xuejiao.accounts.services import create_api_token, revoke_api_token
from xuejiao.audit.models import AuditEntry
from xuejiao.orgs.models import Category, Kind, Organization


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_for(personas):
    def make(username: str) -> str:
        _token, raw = create_api_token(user=personas[username], name="test")
        return raw

    return make


@pytest.fixture
def api(token_for):
    """api("erqi_admin").get(path, params) with that user's token and no session."""

    class Caller:
        def __init__(self, username):
            self.client = Client()
            self.headers = bearer(token_for(username))

        def get(self, path, params=None):
            return self.client.get(f"/api/v1{path}", params or {}, **self.headers)

    return Caller


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# --- authentication ----------------------------------------------------------------------------


def test_a_token_identifies_the_caller_and_their_roles(api, tree):
    body = api("erqi_admin").get("/me").json()
    assert body["username"] == "erqi_admin"
    assert body["organization_id"] == tree.erqi.pk
    assert [(r["role"], r["organization_id"], r["include_subtree"]) for r in body["roles"]] == [
        ("campaign_office", tree.erqi.pk, True)
    ]
    with translation.override("zh-hans"):
        assert body["roles"][0]["organization_name"] == "二七区"


def test_the_command_prints_the_token_and_nothing_else(personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "erqi_admin", stdout=out, stderr=err)
    raw = out.getvalue().removesuffix("\n")
    assert "\n" not in raw and " " not in raw and raw.startswith(ApiToken.PREFIX)
    assert err.getvalue() == ""
    response = Client().get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200 and response.json()["username"] == "erqi_admin"


def test_the_command_refuses_an_unknown_or_inactive_user(personas):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=io.StringIO())
    personas["judge1"].is_active = False
    personas["judge1"].save()
    with pytest.raises(CommandError):
        call_command("create_api_token", "judge1", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_is_stored_only_as_its_hash(personas, token_for):
    raw = token_for("erqi_admin")
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.hint == raw[-4:]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    stored += json.dumps(list(AuditEntry.objects.values()), default=str)
    assert raw not in stored


def test_a_revoked_token_gets_401(personas, token_for):
    raw = token_for("erqi_admin")
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 200
    revoke_api_token(user=personas["erqi_admin"], token=ApiToken.objects.get())
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401
    assert Client().get("/api/v1/orgs", **bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer xj_wrong", "Bearer ", "Token {raw}", "Basic ZXJxaV9hZG1pbjpQZXJzb25hIzIwMjFwYXNz", "{raw}"],
)
def test_a_wrong_or_malformed_token_gets_401(personas, token_for, authorization):
    raw = token_for("erqi_admin")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=authorization.format(raw=raw))
    assert response.status_code == 401


def test_no_authentication_gets_401(personas):
    for path in ("/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/1"):
        assert Client().get(path).status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(personas, token_for):
    raw = token_for("erqi_admin")
    personas["erqi_admin"].is_active = False
    personas["erqi_admin"].save()
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_logged_in_browser_uses_the_api_with_its_session(client_for):
    response = client_for("zhongyuan_admin").get("/api/v1/me")
    assert response.status_code == 200 and response.json()["username"] == "zhongyuan_admin"


def test_a_token_records_when_it_was_last_used_without_writing_on_every_read(personas, token_for):
    raw = token_for("erqi_admin")
    assert ApiToken.objects.get().last_used_at is None
    Client().get("/api/v1/me", **bearer(raw))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        Client().get("/api/v1/me", **bearer(raw))
    assert ApiToken.objects.get().last_used_at == first
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


# --- organisations: scope, filters, pagination -------------------------------------------------


def test_the_organisation_list_holds_only_the_callers_scope(api):
    assert names(api("erqi_admin").get("/orgs")) == ["二七区", "人和路街道", "郑飞社区", "郑飞社区第一党支部"]
    assert names(api("zhongyuan_admin").get("/orgs")) == ["中原区", "林山寨街道"]
    assert names(api("lecturer1").get("/orgs")) == ["人和路街道"]


def test_one_organisation_is_200_in_scope_and_a_json_404_outside(api, tree):
    caller = api("zhongyuan_admin")
    body = caller.get(f"/orgs/{tree.zhongyuan_street.pk}").json()
    assert body["name"] == "林山寨街道" and body["parent_id"] == tree.zhongyuan.pk
    assert body["category"] == Category.STREET and body["child_count"] == 0
    outside = caller.get(f"/orgs/{tree.zhengfei.pk}")
    assert outside.status_code == 404
    assert outside["Content-Type"].startswith("application/json")
    missing = caller.get("/orgs/999999")
    assert outside.json() == missing.json()
    with translation.override("zh-hans"):
        assert outside.json() == {"detail": translation.gettext("Not found.")}


def test_a_parent_outside_the_scope_is_null_so_the_top_of_the_scope_is_a_root(api, tree):
    assert api("city_admin").get(f"/orgs/{tree.zhongyuan.pk}").json()["parent_id"] == tree.city.pk
    assert api("zhongyuan_admin").get(f"/orgs/{tree.zhongyuan.pk}").json()["parent_id"] is None
    items = api("erqi_admin").get("/orgs").json()["items"]
    assert [(o["name"], o["parent_id"]) for o in items[:2]] == [
        ("二七区", None),
        ("人和路街道", tree.erqi.pk),
    ]


def test_the_parent_filter_lists_the_children_in_scope(api, tree):
    city = api("city_admin")
    assert names(city.get("/orgs", {"parent": tree.city.pk})) == ["二七区", "中原区", "市教育局"]
    assert names(city.get("/orgs", {"parent": tree.renhe.pk})) == ["郑飞社区"]
    assert names(api("lecturer1").get("/orgs", {"parent": tree.renhe.pk})) == []


def test_the_parent_filter_outside_the_scope_is_404(api, tree):
    assert api("erqi_admin").get("/orgs", {"parent": tree.zhongyuan.pk}).status_code == 404
    assert api("erqi_admin").get("/orgs", {"parent": tree.city.pk}).status_code == 404


def test_the_category_filter_stays_in_scope(api):
    assert names(api("city_admin").get("/orgs", {"category": Category.DISTRICT})) == ["二七区", "中原区"]
    assert names(api("erqi_admin").get("/orgs", {"category": Category.DISTRICT})) == ["二七区"]
    assert names(api("erqi_admin").get("/orgs", {"category": Category.STREET})) == ["人和路街道"]


def test_the_system_filter_stays_in_scope(api):
    assert names(api("city_leader").get("/orgs", {"system": "education"})) == ["市教育局", "郑州市第一中学"]
    assert names(api("inspector1").get("/orgs", {"system": "education"})) == ["市教育局", "郑州市第一中学"]
    assert names(api("erqi_admin").get("/orgs", {"system": "education"})) == []
    body = api("city_leader").get("/orgs", {"system": "education"}).json()
    assert body["count"] == 2 and all(item["systems"] == ["education"] for item in body["items"])


def test_q_finds_by_name_pinyin_initials_and_code_inside_the_scope(api):
    city = api("city_admin")
    assert names(city.get("/orgs", {"q": "zfsq"})) == ["郑飞社区", "郑飞社区第一党支部"]
    assert names(city.get("/orgs", {"q": "二七"})) == ["二七区"]
    assert names(city.get("/orgs", {"q": "zz-jy-1z"})) == ["郑州市第一中学"]
    assert names(api("zhongyuan_admin").get("/orgs", {"q": "zfsq"})) == []


def test_filters_combine(api, tree):
    city = api("city_admin")
    assert names(city.get("/orgs", {"q": "zz", "category": Category.STREET})) == ["人和路街道", "林山寨街道"]
    assert names(city.get("/orgs", {"parent": tree.city.pk, "system": "education"})) == ["市教育局"]


def test_archived_organisations_are_left_out_unless_asked_for(api, tree):
    Organization.objects.filter(path__startswith=tree.zhengfei.path).update(is_archived=True)
    caller = api("erqi_admin")
    assert names(caller.get("/orgs")) == ["二七区", "人和路街道"]
    archived = caller.get("/orgs", {"include_archived": "true"}).json()["items"]
    assert [(o["name"], o["is_archived"]) for o in archived][2:] == [
        ("郑飞社区", True),
        ("郑飞社区第一党支部", True),
    ]


def test_pagination_gives_the_full_count_and_disjoint_pages_in_path_order(api):
    city = api("city_admin")
    everything = city.get("/orgs", {"limit": 200}).json()
    assert everything["count"] == 9 and len(everything["items"]) == 9
    pages = [city.get("/orgs", {"limit": 4, "offset": offset}).json() for offset in (0, 4, 8, 12)]
    assert [page["count"] for page in pages] == [9, 9, 9, 9]
    assert [len(page["items"]) for page in pages] == [4, 4, 1, 0]
    assert [item["id"] for page in pages for item in page["items"]] == [
        item["id"] for item in everything["items"]
    ]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}])
def test_a_limit_or_offset_out_of_bounds_is_refused(api, params):
    assert api("city_admin").get("/orgs", params).status_code == 422


def test_the_list_runs_the_same_number_of_queries_for_5_rows_as_for_50(api, tree):
    for n in range(60):
        Organization.objects.add_child(
            tree.erqi,
            {
                "code": f"ZZ-EQ-X{n:02}",
                "name": f"社区{n:02}",
                "category": Category.COMMUNITY,
                "kind": Kind.BRANCH,
            },
        )
    caller = api("erqi_admin")
    caller.get("/me")  # the token's first use is recorded once

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            body = caller.get("/orgs", {"limit": limit}).json()
        assert len(body["items"]) == limit
        return len(queries.captured_queries)

    assert count(5) == count(50)


# --- the OpenAPI document and the docs page ----------------------------------------------------


def test_the_openapi_document_is_valid_json_listing_the_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/orgs", "/api/v1/orgs/{org_id}"} <= set(document["paths"])
    parameters = {p["name"] for p in document["paths"]["/api/v1/orgs"]["get"]["parameters"]}
    assert {"parent", "category", "system", "q", "limit", "offset"} <= parameters
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_answers_200(client):
    assert client.get("/api/v1/docs").status_code == 200


def test_the_docs_page_loads_nothing_from_a_cdn_because_the_intranet_has_no_internet(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs", "https://", "http://"):
        assert host not in html, host
