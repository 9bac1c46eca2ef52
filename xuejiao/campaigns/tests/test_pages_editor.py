"""Setting a campaign up through its pages: the campaign, its phases, the required action
editor (with its Chinese refusals), deleting, and copying actions from another campaign."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.campaigns.models import Campaign, Completion, Phase, RequiredAction, RuleType
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs.models import Category, Kind, System

from .scenario import scenario_fixture  # noqa: F401 - the `scenario` fixture


def zh(message: str, **params) -> str:
    """The message as a Chinese user reads it on the page (the zh-Hans catalogue is complete)."""
    with override("zh-hans"):
        text = gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text % params if params else text)


def action_data(campaign, **changes) -> dict:
    data = {
        "title": "开展“我为群众办实事”恳谈会",
        "description": "每个社区至少召开一次小板凳恳谈会。",
        "phase": "",
        "sort_order": 40,
        "applies_to": "criteria",
        "categories": [Category.COMMUNITY, Category.VILLAGE],
        "org_kinds": [],
        "depths": [],
        "systems": [],
        "rule_type": RuleType.ACTIVITY_COUNT,
        "activity_kinds": [ActivityKind.DISCUSSION_MEETING],
        "min_count": 1,
        "topic_keyword": "",
        "window_start": "",
        "due_date": (timezone.localdate() + timedelta(days=40)).isoformat(),
        "min_photos": 2,
        "min_summary_length": 50,
        "min_attendance_rate": 60,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_action(client, campaign, action=None, **changes):
    if action is None:
        url = reverse("campaigns:action_create", args=[campaign.pk])
    else:
        url = reverse("campaigns:action_edit", args=[campaign.pk, action.pk])
    return client.post(url, action_data(campaign, **changes))


# --- campaigns ------------------------------------------------------------------------------


def test_a_district_office_creates_its_own_campaign_with_phases(client_for, tree):
    client = client_for("erqi_admin")
    response = client.get(reverse("campaigns:create"))
    assert response.context["picked"] == tree.erqi  # its only managed organisation, preselected
    response = client.post(
        reverse("campaigns:create"),
        {
            "root": tree.erqi.pk,
            "name": "二七区主题教育",
            "motto": "",
            "starts_on": "2023-04-01",
            "ends_on": "2023-12-31",
            "phases": "学习教育\n检视整改\n\n总结评估",
        },
    )
    campaign = Campaign.objects.get(name="二七区主题教育")
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.root == tree.erqi
    assert [p.name for p in campaign.phases.all()] == ["学习教育", "检视整改", "总结评估"]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(campaign.pk)).exists()


def test_a_campaign_cannot_be_organised_outside_ones_office(client_for, tree):
    response = client_for("erqi_admin").post(
        reverse("campaigns:create"),
        {"root": tree.zhongyuan.pk, "name": "越权", "starts_on": "2023-04-01", "ends_on": "2023-12-31"},
    )
    assert response.status_code == 200
    assert zh("Choose the organising organisation from the list.") in response.content.decode()
    assert not Campaign.objects.filter(name="越权").exists()


def test_a_campaign_ending_before_it_starts_is_refused_in_chinese(client_for, scenario):
    campaign = scenario.campaign
    response = client_for("city_admin").post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {"name": "党史学习教育", "starts_on": "2021-12-31", "ends_on": "2021-03-01"},
    )
    assert zh("The campaign ends before it starts.") in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.ends_on > campaign.starts_on


def test_editing_a_campaign_is_recorded_with_what_changed(client_for, scenario):
    campaign = scenario.campaign
    response = client_for("city_admin").post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {
            "name": "党史学习教育（郑州）",
            "motto": campaign.motto,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(campaign.pk)).latest("pk")
    assert entry.changes == {"name": ["党史学习教育", "党史学习教育（郑州）"]}


def test_phases_are_renamed_added_and_deleted_in_one_step(client_for, scenario):
    campaign = scenario.campaign
    first, second = campaign.phases.all()
    today = timezone.localdate()
    data = {
        "phases-TOTAL_FORMS": 4,
        "phases-INITIAL_FORMS": 2,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
        "phases-0-id": first.pk,
        "phases-0-name": "学习教育阶段",
        "phases-0-starts_on": campaign.starts_on.isoformat(),
        "phases-0-ends_on": today.isoformat(),
        "phases-1-id": second.pk,
        "phases-1-name": second.name,
        "phases-1-DELETE": "on",
        "phases-2-name": "总结评估",
        "phases-3-name": "",
    }
    response = client_for("city_admin").post(reverse("campaigns:phases", args=[campaign.pk]), data)
    assert response.status_code == 302
    assert [p.name for p in campaign.phases.all()] == ["学习教育阶段", "总结评估"]
    # The deleted phase's action stays, without a phase.
    scenario.report.refresh_from_db()
    assert scenario.report.phase is None
    assert not Phase.objects.filter(pk=second.pk).exists()


def test_a_phase_outside_the_campaign_is_refused_in_chinese(client_for, scenario):
    campaign = scenario.campaign
    data = {
        "phases-TOTAL_FORMS": 1,
        "phases-INITIAL_FORMS": 0,
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
        "phases-0-name": "提前阶段",
        "phases-0-starts_on": (campaign.starts_on - timedelta(days=5)).isoformat(),
    }
    response = client_for("city_admin").post(reverse("campaigns:phases", args=[campaign.pk]), data)
    assert zh("The phase “%(name)s” must fall within the campaign's period.", name="提前阶段") in (
        response.content.decode()
    )
    assert campaign.phases.count() == 2


# --- required actions -----------------------------------------------------------------------


def test_the_office_adds_a_required_action_and_completion_follows(client_for, tree, scenario):
    campaign = scenario.campaign
    education = System.objects.get(code="education")
    first_phase = campaign.phases.first()
    response = post_action(
        client_for("city_admin"),
        campaign,
        phase=first_phase.pk,
        categories=[Category.COMMUNITY, Category.BRANCH],
        org_kinds=[Kind.GENERAL_BRANCH],
        depths=[4],
        systems=[],
        topic_keyword="恳谈",
    )
    action = RequiredAction.objects.get(title="开展“我为群众办实事”恳谈会")
    assert response.url == reverse("campaigns:detail", args=[campaign.pk]) + f"#action-{action.pk}"
    assert action.phase == first_phase
    assert action.categories == [Category.COMMUNITY, Category.BRANCH]
    assert action.org_kinds == [Kind.GENERAL_BRANCH]
    assert action.depths == [4]
    assert (action.min_photos, action.min_summary_length, action.min_attendance_rate) == (2, 50, 60)
    assert action.topic_keyword == "恳谈"
    # 郑飞社区 (a community and general branch at level 4) is the only one it applies to.
    assert list(Completion.objects.filter(action=action).values_list("organization__name", flat=True)) == [
        "郑飞社区"
    ]

    # Changed, it applies anew: now to the education system only.
    post_action(
        client_for("city_admin"),
        campaign,
        action,
        categories=[],
        systems=[education.pk],
        activity_kinds=[ActivityKind.PARTY_CLASS, ActivityKind.THEME_DAY],
    )
    action.refresh_from_db()
    assert action.activity_kinds == [ActivityKind.PARTY_CLASS, ActivityKind.THEME_DAY]
    assert list(action.systems.all()) == [education]
    assert set(Completion.objects.filter(action=action).values_list("organization__name", flat=True)) == {
        "市教育局",
        "郑州市第一中学",
    }


def test_the_editor_shows_the_saved_action(client_for, scenario):
    response = client_for("city_admin").get(
        reverse("campaigns:action_edit", args=[scenario.campaign.pk, scenario.lecture.pk])
    )
    form = response.context["form"]
    assert form["title"].value() == "讲好专题党课"
    assert form["min_count"].value() == 2
    assert form["applies_to"].value() == "criteria"
    assert list(form["categories"].value()) == [Category.DISTRICT, Category.STREET]
    assert re.search(r'value="district"[^>]*checked', response.content.decode())


def test_an_action_for_listed_organisations(client_for, tree, scenario):
    campaign = scenario.campaign
    client = client_for("city_admin")
    response = post_action(
        client, campaign, applies_to="list", explicit_orgs=[tree.zhengfei.pk, tree.school.pk]
    )
    assert response.status_code == 302
    action = RequiredAction.objects.get(title="开展“我为群众办实事”恳谈会")
    assert set(action.explicit_orgs.all()) == {tree.zhengfei, tree.school}
    assert action.categories == []  # the list replaces the criteria
    assert set(Completion.objects.filter(action=action).values_list("organization_id", flat=True)) == {
        tree.zhengfei.pk,
        tree.school.pk,
    }
    # Reopened, the picker shows the chosen organisations.
    response = client.get(reverse("campaigns:action_edit", args=[campaign.pk, action.pk]))
    assert [o["name"] for o in response.context["chosen_json"]] == ["郑飞社区", "郑州市第一中学"]
    assert response.context["form"]["applies_to"].value() == "list"


def test_a_list_needs_organisations_inside_the_campaign(personas, client_for, tree, scenario):
    client = client_for("city_admin")
    response = post_action(client, scenario.campaign, applies_to="list")
    assert response.status_code == 200
    assert "form" in response.context and response.context["form"].errors["explicit_orgs"]
    # 二七区's own campaign cannot list an organisation of 中原区.
    erqi_campaign = Campaign.objects.create(
        root=tree.erqi,
        name="二七区活动",
        starts_on=scenario.campaign.starts_on,
        ends_on=scenario.campaign.ends_on,
    )
    response = post_action(
        client_for("erqi_admin"), erqi_campaign, applies_to="list", explicit_orgs=[tree.zhongyuan.pk]
    )
    assert response.status_code == 200
    assert response.context["form"].errors["explicit_orgs"]
    assert not erqi_campaign.actions.exists()


def test_the_editor_refuses_in_chinese(client_for, scenario):
    campaign = scenario.campaign
    client = client_for("city_admin")
    cases = [
        (
            {"due_date": (campaign.ends_on + timedelta(days=1)).isoformat()},
            zh("The due date must fall within the campaign's period."),
        ),
        ({"activity_kinds": []}, zh("Choose at least one activity kind that counts.")),
        (
            {"window_start": (campaign.ends_on - timedelta(days=1)).isoformat()},
            zh("Counting cannot start after the due date."),
        ),
        ({"due_date": ""}, zh("Set the due date.")),
    ]
    for changes, message in cases:
        response = post_action(client, campaign, **changes)
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    response = post_action(client, campaign, min_attendance_rate=150, title="")
    assert response.context["form"].errors.keys() == {"title", "min_attendance_rate"}
    assert campaign.actions.count() == 3


def test_a_document_action_needs_no_activity_kind(client_for, scenario):
    response = post_action(
        client_for("city_admin"), scenario.campaign, rule_type=RuleType.DOCUMENT, activity_kinds=[]
    )
    assert response.status_code == 302
    action = RequiredAction.objects.get(title="开展“我为群众办实事”恳谈会")
    assert action.rule_type == RuleType.DOCUMENT


def test_deleting_an_action_asks_first_and_is_recorded(client_for, scenario):
    campaign, action = scenario.campaign, scenario.report
    client = client_for("city_admin")
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    delete_url = reverse("campaigns:action_delete", args=[campaign.pk, action.pk])
    form_start = detail.index(f'action="{delete_url}"')
    assert "data-confirm=" in detail[form_start : form_start + 400]
    assert client.get(delete_url).status_code == 405
    response = client.post(delete_url)
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert not RequiredAction.objects.filter(pk=action.pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, summary=action.title).exists()


def test_the_detail_page_groups_actions_by_phase(client_for, scenario):
    response = client_for("city_leader").get(reverse("campaigns:detail", args=[scenario.campaign.pk]))
    groups = [
        (phase.name if phase else None, [a.title for a in actions])
        for phase, actions in response.context["groups"]
    ]
    assert groups == [
        ("学习教育", ["开展主题党日（含第一议题）", "讲好专题党课"]),
        ("专题组织生活会", ["报送专题组织生活会情况报告"]),
    ]
    html = response.content.decode()
    # A leader reads but may not change.
    assert reverse("campaigns:action_create", args=[scenario.campaign.pk]) not in html
    assert reverse("campaigns:action_delete", args=[scenario.campaign.pk, scenario.report.pk]) not in html


# --- copying actions ------------------------------------------------------------------------


def test_copying_the_required_actions_of_another_campaign(client_for, tree, scenario):
    source = scenario.campaign
    client = client_for("city_admin")
    client.post(
        reverse("campaigns:create"),
        {
            "root": tree.city.pk,
            "name": "主题教育",
            "starts_on": (source.starts_on + timedelta(days=365)).isoformat(),
            "ends_on": (source.ends_on + timedelta(days=365)).isoformat(),
        },
    )
    target = Campaign.objects.get(name="主题教育")
    page = client.get(reverse("campaigns:copy_actions", args=[target.pk]))
    assert list(page.context["form"].fields["source"].queryset) == [source]
    assert "data-confirm=" in page.content.decode()
    response = client.post(reverse("campaigns:copy_actions", args=[target.pk]), {"source": source.pk})
    assert response.url == reverse("campaigns:detail", args=[target.pk])
    copies = list(target.actions.order_by("sort_order"))
    assert [a.title for a in copies] == [a.title for a in source.actions.order_by("sort_order")]
    assert [a.due_date for a in copies] == [
        a.due_date + timedelta(days=365) for a in source.actions.order_by("sort_order")
    ]
    assert [p.name for p in target.phases.all()] == ["学习教育", "专题组织生活会"]
    assert copies[0].phase.campaign == target
    assert Completion.objects.filter(action=copies[0]).count() == 2


def test_copying_from_a_campaign_one_cannot_see_is_refused(client_for, tree, scenario):
    zhongyuan = Campaign.objects.create(
        root=tree.zhongyuan,
        name="中原区活动",
        starts_on=scenario.campaign.starts_on,
        ends_on=scenario.campaign.ends_on,
    )
    RequiredAction.objects.create(campaign=zhongyuan, title="中原区动作", due_date=zhongyuan.ends_on)
    erqi = Campaign.objects.create(
        root=tree.erqi,
        name="二七区活动",
        starts_on=scenario.campaign.starts_on,
        ends_on=scenario.campaign.ends_on,
    )
    client = client_for("erqi_admin")
    page = client.get(reverse("campaigns:copy_actions", args=[erqi.pk]))
    assert list(page.context["form"].fields["source"].queryset) == [scenario.campaign]
    response = client.post(reverse("campaigns:copy_actions", args=[erqi.pk]), {"source": zhongyuan.pk})
    assert response.status_code == 200
    assert not erqi.actions.exists()
