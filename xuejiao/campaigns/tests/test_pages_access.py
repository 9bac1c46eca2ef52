"""Role × scope over every campaign page: exact statuses, written out by hand.

- A campaign is visible to those whose scope lies under its organiser, at it or above it;
  otherwise it is a 404.
- Changing a campaign or its required actions belongs to the campaign office of its
  organiser (or above): 403 for everyone else who can see it.
- The completion pages about one organisation (drill-down, checklist, "not done yet"
  filtered to it, highlights filtered to it, the export) are 404 outside the viewer's scope.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import RequiredAction
from xuejiao.core.tests.test_scope_matrix import ORGS, SEES, assert_no_hidden_names, main_part

from .scenario import scenario_fixture  # noqa: F401 - the `scenario` fixture

PERSONAS = list(SEES)
# The campaign office of the city runs the city's campaign; 二七区's office and the city's run 二七区's.
RUNS_CITY = {"city_admin"}
RUNS_ERQI = {"city_admin", "erqi_admin"}
# Who sees 二七区's own campaign: scopes under, at or above 二七区.
SEES_ERQI_CAMPAIGN = {
    "city_admin",
    "city_leader",
    "erqi_admin",
    "street_operator",
    "zhengfei_operator",
    "inspector1",
    "lecturer1",
}
MANAGERS = {"city_admin", "erqi_admin", "zhongyuan_admin"}


@pytest.fixture
def erqi_campaign(personas, tree):
    today = timezone.localdate()
    campaign = campaign_services.create_campaign(
        actor=personas["erqi_admin"],
        root=tree.erqi,
        name="二七区“我为群众办实事”专项行动",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    campaign_services.save_action(
        actor=personas["erqi_admin"],
        campaign=campaign,
        title="社区恳谈会",
        categories=["community"],
        activity_kinds=["discussion_meeting"],
        due_date=today + timedelta(days=30),
    )
    return campaign


def status_table(client, urls: dict, method="get", data=None) -> dict:
    send = client.get if method == "get" else client.post
    return {key: send(url, data or {}).status_code for key, url in urls.items()}


def campaign_pages(campaign, action) -> dict:
    return {
        "detail": reverse("campaigns:detail", args=[campaign.pk]),
        "progress": reverse("campaigns:progress", args=[campaign.pk]),
        "highlights": reverse("campaigns:highlights", args=[campaign.pk]),
        "not done": reverse("campaigns:not_done", args=[campaign.pk, action.pk]),
        "not done export": reverse("campaigns:not_done_export", args=[campaign.pk, action.pk]),
    }


def editing_pages(campaign, action) -> dict:
    return {
        "edit": reverse("campaigns:edit", args=[campaign.pk]),
        "phases": reverse("campaigns:phases", args=[campaign.pk]),
        "copy actions": reverse("campaigns:copy_actions", args=[campaign.pk]),
        "new action": reverse("campaigns:action_create", args=[campaign.pk]),
        "edit action": reverse("campaigns:action_edit", args=[campaign.pk, action.pk]),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_and_the_new_campaign_page(persona, client_for, scenario, erqi_campaign):
    client = client_for(persona)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 200
    listed = set(response.context["page_obj"].object_list)
    expected = {scenario.campaign} | ({erqi_campaign} if persona in SEES_ERQI_CAMPAIGN else set())
    assert listed == expected
    assert client.get(reverse("campaigns:create")).status_code == (200 if persona in MANAGERS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaign_pages_are_readable_by_everyone_who_sees_the_campaign(
    persona, client_for, scenario, erqi_campaign
):
    client = client_for(persona)
    city = campaign_pages(scenario.campaign, scenario.lecture)
    assert status_table(client, city) == dict.fromkeys(city, 200)
    erqi = campaign_pages(erqi_campaign, erqi_campaign.actions.get())
    expected = 200 if persona in SEES_ERQI_CAMPAIGN else 404
    assert status_table(client, erqi) == dict.fromkeys(erqi, expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_pages_are_for_the_organisers_office_only(persona, client_for, scenario, erqi_campaign):
    client = client_for(persona)
    city = editing_pages(scenario.campaign, scenario.lecture)
    assert status_table(client, city) == dict.fromkeys(city, 200 if persona in RUNS_CITY else 403)
    erqi = editing_pages(erqi_campaign, erqi_campaign.actions.get())
    expected = (200 if persona in RUNS_ERQI else 403) if persona in SEES_ERQI_CAMPAIGN else 404
    assert status_table(client, erqi) == dict.fromkeys(erqi, expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_by_anyone_but_the_organisers_office_are_refused_and_change_nothing(
    persona, client_for, scenario
):
    if persona in RUNS_CITY:
        pytest.skip("the office itself is tested in test_pages_editor")
    client = client_for(persona)
    campaign, action = scenario.campaign, scenario.lecture
    posts = {
        "delete action": reverse("campaigns:action_delete", args=[campaign.pk, action.pk]),
        "edit action": reverse("campaigns:action_edit", args=[campaign.pk, action.pk]),
        "copy actions": reverse("campaigns:copy_actions", args=[campaign.pk]),
        "edit": reverse("campaigns:edit", args=[campaign.pk]),
    }
    data = {"title": "改掉", "name": "改掉", "source": campaign.pk}
    assert status_table(client, posts, "post", data) == dict.fromkeys(posts, 403)
    assert RequiredAction.objects.filter(pk=action.pk, title="讲好专题党课").exists()
    campaign.refresh_from_db()
    assert campaign.name == "党史学习教育"


ORG_PAGES = {
    "drill-down": lambda c, a, org: reverse("campaigns:progress", args=[c.pk]) + f"?org={org.pk}",
    "checklist": lambda c, a, org: reverse("campaigns:checklist", args=[c.pk, org.pk]),
    "not done under": lambda c, a, org: reverse("campaigns:not_done", args=[c.pk, a.pk]) + f"?org={org.pk}",
    "not done export under": lambda c, a, org: (
        reverse("campaigns:not_done_export", args=[c.pk, a.pk]) + f"?org={org.pk}"
    ),
    "highlights under": lambda c, a, org: reverse("campaigns:highlights", args=[c.pk]) + f"?org={org.pk}",
}


@pytest.mark.parametrize("page", list(ORG_PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_about_one_organisation_are_404_outside_scope(persona, page, client_for, tree, scenario):
    client = client_for(persona)
    urls = {attr: ORG_PAGES[page](scenario.campaign, scenario.lecture, getattr(tree, attr)) for attr in ORGS}
    expected = {attr: 200 if attr in SEES[persona] else 404 for attr in ORGS}
    assert status_table(client, urls) == expected


def test_an_organisation_outside_the_campaign_is_404_even_in_scope(client_for, tree, scenario, erqi_campaign):
    client = client_for("city_admin")
    outside = reverse("campaigns:checklist", args=[erqi_campaign.pk, tree.zhongyuan.pk])
    assert client.get(outside).status_code == 404
    above = reverse("campaigns:progress", args=[erqi_campaign.pk]) + f"?org={tree.city.pk}"
    assert client.get(above).status_code == 404
    nonsense = reverse("campaigns:progress", args=[scenario.campaign.pk]) + "?org=abc"
    assert client.get(nonsense).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_names_an_organisation_outside_scope(persona, client_for, tree, scenario):
    client = client_for(persona)
    campaign = scenario.campaign
    urls = [
        reverse("campaigns:progress", args=[campaign.pk]),
        reverse("campaigns:not_done", args=[campaign.pk, scenario.lecture.pk]),
        reverse("campaigns:not_done", args=[campaign.pk, scenario.theme_day.pk]),
        reverse("campaigns:highlights", args=[campaign.pk]),
        reverse("campaigns:my_checklist", args=[campaign.pk]),
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_hidden_names(persona, main_part(response))


def test_my_checklist_opens_the_users_own_organisation(client_for, tree, scenario):
    campaign = scenario.campaign
    response = client_for("zhengfei_operator").get(reverse("campaigns:my_checklist", args=[campaign.pk]))
    assert response.url == reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk])
    # The inspector's home (the city) is outside the inspector's scope: the first top instead.
    response = client_for("inspector1").get(reverse("campaigns:my_checklist", args=[campaign.pk]))
    assert response.url == reverse("campaigns:checklist", args=[campaign.pk, tree.erqi.pk])
