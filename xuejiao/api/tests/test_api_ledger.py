"""The ledger and campaign endpoints: create, workflow, scope, completion."""

import json

import pytest
from django.test import Client

from xuejiao.accounts.services import create_api_token
from xuejiao.ledger.models import Activity


@pytest.fixture
def call(personas):
    tokens = {}

    def make(username, method, path, body=None):
        if username not in tokens:
            tokens[username] = create_api_token(user=personas[username], name="t")[1]
        client = Client()
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {tokens[username]}"}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return make


def theme_day(tree, campaign, **extra):
    body = {
        "organization_id": tree.zhengfei.pk,
        "campaign_id": campaign.pk,
        "kind": "theme_day",
        "title": "线上主题党日",
        "starts_at": "2021-05-20T19:30:00+08:00",
        "first_agenda": True,
        "first_agenda_content": "“七一”重要讲话",
        "expected": 30,
        "present": 28,
        "submit": True,
    }
    body.update(extra)
    return body


def test_an_operator_records_a_theme_day_and_the_district_sees_it_done(call, tree, campaign):
    response = call("zhengfei_operator", "post", "/activities", theme_day(tree, campaign))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    figures = call("erqi_admin", "get", f"/campaigns/{campaign.pk}/completion?org={tree.erqi.pk}").json()
    (action,) = figures["organization"]["actions"]
    assert (action["applicable"], action["done"]) == (1, 1)
    checklist = call("erqi_admin", "get", f"/campaigns/{campaign.pk}/checklist/{tree.zhengfei.pk}").json()
    assert checklist[0]["status"] == "done"
    assert checklist[0]["record_ids"] == [response.json()["id"]]


def test_recording_outside_scope_is_404_and_writes_nothing(call, tree, campaign):
    body = theme_day(tree, campaign, organization_id=tree.zhongyuan.pk)
    assert call("zhengfei_operator", "post", "/activities", body).status_code == 404
    assert not Activity.objects.exists()


def test_a_leader_cannot_record(call, tree, campaign):
    response = call("city_leader", "post", "/activities", theme_day(tree, campaign))
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_bad_input_is_refused_with_a_reason(call, tree, campaign):
    late = theme_day(tree, campaign, starts_at="2022-05-01T09:00:00+08:00")
    response = call("zhengfei_operator", "post", "/activities", late)
    assert response.status_code == 400 and response.json()["detail"]
    too_many = theme_day(tree, campaign, present=40)
    assert call("zhengfei_operator", "post", "/activities", too_many).status_code == 400
    assert call("zhengfei_operator", "post", "/activities", {"title": "x"}).status_code == 422
    assert not Activity.objects.exists()


def test_only_the_level_above_verifies_and_returning_needs_a_reason(call, tree, campaign):
    activity_id = call("zhengfei_operator", "post", "/activities", theme_day(tree, campaign)).json()["id"]
    assert call("zhengfei_operator", "post", f"/activities/{activity_id}/verify").status_code == 403
    assert call("zhongyuan_admin", "post", f"/activities/{activity_id}/verify").status_code == 404
    assert call("erqi_admin", "post", f"/activities/{activity_id}/return", {}).status_code == 422
    response = call("erqi_admin", "post", f"/activities/{activity_id}/verify")
    assert response.status_code == 200 and response.json()["status"] == "verified"


def test_a_stale_change_is_refused_with_409(call, tree, campaign):
    created = call("zhengfei_operator", "post", "/activities", theme_day(tree, campaign, submit=False)).json()
    first = call(
        "zhengfei_operator", "patch", f"/activities/{created['id']}", {"version": 1, "title": "改一"}
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = call(
        "zhengfei_operator", "patch", f"/activities/{created['id']}", {"version": 1, "title": "改二"}
    )
    assert second.status_code == 409
    assert Activity.objects.get().title == "改一"


def test_the_list_is_scoped_and_filtered(call, tree, campaign):
    call("zhengfei_operator", "post", "/activities", theme_day(tree, campaign))
    call(
        "city_admin",
        "post",
        "/activities",
        theme_day(tree, campaign, organization_id=tree.zhongyuan_street.pk),
    )
    assert call("erqi_admin", "get", "/activities").json()["count"] == 1
    assert call("zhongyuan_admin", "get", "/activities").json()["count"] == 1
    assert call("city_admin", "get", "/activities").json()["count"] == 2
    assert call("city_admin", "get", f"/activities?org={tree.erqi.pk}").json()["count"] == 1
    assert call("city_admin", "get", "/activities?date_from=2021-05-21").json()["count"] == 0
    assert call("zhongyuan_admin", "get", f"/activities?org={tree.erqi.pk}").status_code == 404


def test_campaigns_are_visible_below_their_root_and_actions_listed(call, campaign):
    assert [c["name"] for c in call("zhengfei_operator", "get", "/campaigns").json()["items"]] == [
        "党史学习教育"
    ]
    actions = call("zhengfei_operator", "get", f"/campaigns/{campaign.pk}/actions").json()
    assert actions[0]["title"] == "主题党日"
