"""Completion pages: the figures each level sees, the drill-down, the roll-up by category, the
"not done yet" lists and their export, checklists with optional actions and highlights, and
a number of queries that does not grow with the tree or the list of actions.

The scenario (scenario.py), by hand:
- theme day (communities and branches, due ten days ago): 郑飞社区 done, its branch overdue;
- lecture ×2 (districts and streets, due in a month): 人和路街道 done (2), 中原区 started (1),
  二七区 and 林山寨街道 not started;
- report (municipal units, a document): 市教育局 not started;
- 郑飞社区's film viewing counts towards nothing: an optional action.
"""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.queries import Status
from xuejiao.campaigns.views.common import ledger_links
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Category, Kind, Organization

from .scenario import days_ago, record, scenario_fixture  # noqa: F401 - scenario_fixture is `scenario`


def progress(client, campaign, org=None):
    url = reverse("campaigns:progress", args=[campaign.pk]) + (f"?org={org.pk}" if org else "")
    response = client.get(url)
    assert response.status_code == 200
    return response


def totals(response) -> dict:
    return {
        action.title: (f.applicable, f.done, f.overdue, f.percent) for action, f in response.context["totals"]
    }


def matrix(response) -> dict:
    """{row name: [percent or status per action]} as the matrix shows it."""
    rows = {}
    for row in response.context["matrix"]:
        name = row.organization.name + (" (itself)" if row.is_self else "")
        if row.drills:
            rows[name] = [c["figures"].percent if c["figures"].applicable else None for c in row.cells]
        else:
            rows[name] = [c["status"] for c in row.cells]
    return rows


THEME, LECTURE, REPORT = "开展主题党日（含第一议题）", "讲好专题党课", "报送专题组织生活会情况报告"


def test_the_city_sees_its_totals_and_its_districts_and_units(client_for, scenario):
    response = progress(client_for("city_admin"), scenario.campaign)
    assert totals(response) == {
        THEME: (2, 1, 1, 50.0),
        LECTURE: (4, 1, 0, 25.0),
        REPORT: (1, 0, 0, 0.0),
    }
    # The city itself has no required action; its children are the rows, in tree order.
    assert matrix(response) == {
        "二七区": [50.0, 50.0, None],
        "中原区": [None, 0.0, None],
        "市教育局": [None, None, 0.0],
    }
    html = response.content.decode()
    assert f'progress/?org={scenario.campaign.root.pk}"' not in html  # no link to the level we are on
    assert "progress-bar" in html


def test_drilling_down_to_the_leaves_shows_statuses_and_breadcrumbs(client_for, tree, scenario):
    client = client_for("city_admin")
    response = progress(client, scenario.campaign, tree.renhe)
    assert [o.name for o in response.context["trail"]] == ["中共郑州市委", "二七区"]
    assert matrix(response) == {
        "人和路街道 (itself)": [Status.NOT_APPLICABLE, Status.DONE, Status.NOT_APPLICABLE],
        "郑飞社区": [50.0, None, None],
    }
    response = progress(client, scenario.campaign, tree.zhengfei)
    assert matrix(response) == {
        "郑飞社区 (itself)": [Status.DONE, Status.NOT_APPLICABLE, Status.NOT_APPLICABLE],
        "郑飞社区第一党支部": [Status.OVERDUE, Status.NOT_APPLICABLE, Status.NOT_APPLICABLE],
    }
    html = response.content.decode()
    for crumb in (tree.city, tree.erqi, tree.renhe):
        assert f'href="/campaigns/{scenario.campaign.pk}/progress/?org={crumb.pk}"' in html
    checklist = reverse("campaigns:checklist", args=[scenario.campaign.pk, tree.zhengfei_branch.pk])
    assert f'href="{checklist}"' in html


def test_in_progress_and_not_started_are_told_apart(client_for, tree, scenario):
    response = progress(client_for("zhongyuan_admin"), scenario.campaign)
    assert response.context["current"] == tree.zhongyuan
    assert matrix(response) == {
        "中原区 (itself)": [Status.NOT_APPLICABLE, Status.IN_PROGRESS, Status.NOT_APPLICABLE],
        "林山寨街道": [Status.NOT_APPLICABLE, Status.NOT_STARTED, Status.NOT_APPLICABLE],
    }
    assert totals(response)[LECTURE] == (2, 0, 0, 0.0)
    assert "二七区" not in response.content.decode().split('<div class="page-wrapper">')[1]


def test_a_unit_only_operator_sees_only_its_own_cells(client_for, tree, scenario):
    response = progress(client_for("zhengfei_operator"), scenario.campaign)
    assert response.context["current"] == tree.zhengfei
    # Its own theme day only: the branch below it is outside a unit-only grant.
    assert totals(response)[THEME] == (1, 1, 0, 100.0)
    assert matrix(response) == {
        "郑飞社区 (itself)": [Status.DONE, Status.NOT_APPLICABLE, Status.NOT_APPLICABLE]
    }
    assert response.context["categories"] == []
    assert "郑飞社区第一党支部" not in response.content.decode()


def test_a_viewer_with_two_tops_gets_one_row_each_and_their_sum(client_for, tree, scenario):
    response = progress(client_for("inspector1"), scenario.campaign)
    assert response.context["current"] is None
    assert matrix(response) == {"二七区": [50.0, 50.0, None], "市教育局": [None, None, 0.0]}
    assert totals(response) == {THEME: (2, 1, 1, 50.0), LECTURE: (2, 1, 0, 50.0), REPORT: (1, 0, 0, 0.0)}


def test_the_roll_up_by_category(client_for, tree, scenario):
    response = progress(client_for("city_admin"), scenario.campaign)
    shown = {
        c["category"]: (c["applicable"], c["done"], c["percent"]) for c in response.context["categories"]
    }
    assert shown == {
        Category.BRANCH: (1, 0, 0.0),
        Category.COMMUNITY: (1, 1, 100.0),
        Category.DISTRICT: (2, 0, 0.0),
        Category.MUNICIPAL_UNIT: (1, 0, 0.0),
        Category.STREET: (2, 1, 50.0),
    }
    erqi = progress(client_for("erqi_admin"), scenario.campaign)
    shown = {c["category"]: (c["applicable"], c["done"]) for c in erqi.context["categories"]}
    assert shown == {
        Category.BRANCH: (1, 0),
        Category.COMMUNITY: (1, 1),
        Category.DISTRICT: (1, 0),
        Category.STREET: (1, 1),
    }


def not_done_rows(client, campaign, action, org=None, page=None):
    params = []
    if org:
        params.append(f"org={org.pk}")
    if page:
        params.append(f"page={page}")
    url = reverse("campaigns:not_done", args=[campaign.pk, action.pk]) + (
        "?" + "&".join(params) if params else ""
    )
    response = client.get(url)
    assert response.status_code == 200
    return [(c.organization.name, " › ".join(c.trail), c.status) for c in response.context["page_obj"]]


def test_not_done_lists_the_units_under_the_viewer_with_their_place_in_the_tree(client_for, tree, scenario):
    campaign = scenario.campaign
    city = client_for("city_admin")
    assert not_done_rows(city, campaign, scenario.theme_day) == [
        ("郑飞社区第一党支部", "二七区 › 人和路街道 › 郑飞社区", Status.OVERDUE),
    ]
    assert not_done_rows(city, campaign, scenario.lecture) == [
        ("二七区", "", Status.NOT_STARTED),
        ("中原区", "", Status.IN_PROGRESS),
        ("林山寨街道", "中原区", Status.NOT_STARTED),
    ]
    assert not_done_rows(city, campaign, scenario.lecture, org=tree.erqi) == [
        ("二七区", "", Status.NOT_STARTED)
    ]
    assert not_done_rows(client_for("zhongyuan_admin"), campaign, scenario.lecture) == [
        ("中原区", "", Status.IN_PROGRESS),
        ("林山寨街道", "中原区", Status.NOT_STARTED),
    ]
    assert not_done_rows(client_for("erqi_admin"), campaign, scenario.report) == []


def test_not_done_is_paginated(client_for, settings, scenario):
    settings.PAGE_SIZE = 2
    client = client_for("city_admin")
    first = not_done_rows(client, scenario.campaign, scenario.lecture)
    second = not_done_rows(client, scenario.campaign, scenario.lecture, page=2)
    assert [row[0] for row in first + second] == ["二七区", "中原区", "林山寨街道"]


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_not_done_export_reopens_with_the_rows_on_screen_and_is_audited(client_for, tree, scenario):
    campaign, action = scenario.campaign, scenario.lecture
    url = reverse("campaigns:not_done_export", args=[campaign.pk, action.pk])
    rows = open_export(client_for("city_admin").get(url))
    assert rows[0][0] == "讲好专题党课"
    body = [row for row in rows[4:] if row and row[0]]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in body] == [
        ("ZZ-EQ", "二七区", None, 0, 2),
        ("ZZ-ZY", "中原区", None, 1, 2),
        ("ZZ-ZY-LH", "林山寨街道", "中原区", 0, 2),
    ]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.changes["rows"] == 3
    assert entry.user.username == "city_admin"

    rows = open_export(client_for("zhongyuan_admin").get(url))
    names = [row[1] for row in rows[4:] if row and row[0]]
    assert names == ["中原区", "林山寨街道"]
    rows = open_export(client_for("city_admin").get(url + f"?org={tree.zhongyuan.pk}"))
    assert [row[1] for row in rows[4:] if row and row[0]] == ["中原区", "林山寨街道"]


def test_a_not_done_export_too_large_for_one_file_is_refused_not_cut_off(
    client_for, tree, scenario, monkeypatch
):
    from xuejiao.campaigns.views import progress

    campaign, action = scenario.campaign, scenario.lecture
    url = reverse("campaigns:not_done_export", args=[campaign.pk, action.pk])
    back = reverse("campaigns:not_done", args=[campaign.pk, action.pk])
    monkeypatch.setattr(progress, "EXPORT_LIMIT", 2)
    client = client_for("city_admin")
    response = client.get(url)  # three organisations not done
    assert response.status_code == 302 and response["Location"] == back
    assert "一个文件放不下" in client.get(back).content.decode()
    # The list narrowed to 中原区 (two) fits; the choice is kept when it does not.
    assert len(open_export(client.get(url + f"?org={tree.zhongyuan.pk}"))) == 4 + 2
    monkeypatch.setattr(progress, "EXPORT_LIMIT", 1)
    response = client.get(url + f"?org={tree.zhongyuan.pk}")
    assert response.status_code == 302 and response["Location"] == back + f"?org={tree.zhongyuan.pk}"
    # Grown past the limit after the count: refused at the first row too many.
    monkeypatch.setattr("xuejiao.core.exports.more_than", lambda queryset, limit: False)
    assert client.get(url).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1  # only the one that fitted


def test_a_checklist_names_the_records_and_the_optional_actions(personas, client_for, tree, scenario):
    campaign = scenario.campaign
    url = reverse("campaigns:checklist", args=[campaign.pk, tree.zhengfei.pk])
    response = client_for("zhengfei_operator").get(url)
    assert response.status_code == 200
    items = {item["action"].title: item for item in response.context["items"]}
    assert items[THEME]["status"] == Status.DONE
    assert items[THEME]["records"] == [scenario.zhengfei_theme_day]
    assert items[LECTURE]["status"] == Status.NOT_APPLICABLE
    assert list(response.context["page_obj"]) == [scenario.film]
    html = response.content.decode()
    assert scenario.film.title in html
    if ledger_links():
        activity_url = reverse("ledger:activity_detail", args=[scenario.zhengfei_theme_day.pk])
        assert f'href="{activity_url}"' in html


def test_optional_actions_apply_the_evidence_rules_of_the_actions(personas, client_for, tree, scenario):
    """A film viewing counts towards a film action only with 80 % attendance and a summary
    of 20 characters; one without the summary stays an optional action."""
    admin = personas["city_admin"]
    campaign_services.save_action(
        actor=admin,
        campaign=scenario.campaign,
        title="组织观看红色电影",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.FILM],
        min_attendance_rate=80,
        min_summary_length=20,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    counted = record(
        admin,
        tree.zhengfei,
        scenario.campaign,
        days_ago(2),
        kind=ActivityKind.FILM,
        title="郑飞社区观看《长津湖》",
        summary="组织党员群众六十余人集中观看，观后开展交流，大家深受教育，表示要传承红色基因。",
    )
    record(
        admin,
        tree.zhengfei,
        scenario.campaign,
        days_ago(1),
        kind=ActivityKind.FILM,
        title="郑飞社区观看《建党伟业》",
        summary="组织党员群众六十余人集中观看，观后开展交流，大家深受教育，表示要传承红色基因。",
        present=10,
    )
    response = client_for("city_admin").get(
        reverse("campaigns:checklist", args=[scenario.campaign.pk, tree.zhengfei.pk])
    )
    optional = [a.title for a in response.context["page_obj"]]
    assert optional == ["郑飞社区观看《建党伟业》", "郑飞社区观看《觉醒年代》"]
    assert counted.title not in optional


def test_highlights_of_the_campaign_in_scope(personas, client_for, tree, scenario):
    ledger_services.flag_highlight(
        actor=personas["erqi_admin"],
        activity=scenario.film,
        citation="郑飞社区组织观看《觉醒年代》，线上线下同步开展。",
    )
    url = reverse("campaigns:highlights", args=[scenario.campaign.pk])
    for persona, expected in {
        "city_admin": [scenario.film],
        "erqi_admin": [scenario.film],
        "zhengfei_operator": [scenario.film],
        "zhongyuan_admin": [],
    }.items():
        response = client_for(persona).get(url)
        assert list(response.context["page_obj"]) == expected, persona
    response = client_for("city_admin").get(url + f"?org={tree.zhongyuan.pk}")
    assert list(response.context["page_obj"]) == []
    response = client_for("city_admin").get(
        reverse("campaigns:checklist", args=[scenario.campaign.pk, tree.zhengfei.pk])
    )
    assert "线上线下同步开展" in response.content.decode()


def test_highlights_are_read_through_their_partial_index(personas, tree, scenario):
    """The highlights of a campaign come from the small activity_highlights index, not from a
    walk over the campaign's records (millions in a city). On PostgreSQL sequential scans are
    priced out here: a table of a few test rows would be scanned whatever the indexes."""
    from xuejiao.campaigns.queries import highlights
    from xuejiao.orgs.scope import scope_for

    for persona in ("city_admin", "erqi_admin"):
        queryset = highlights(scenario.campaign, scope_for(personas[persona]))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        assert "activity_highlights" in plan, plan


# --- queries --------------------------------------------------------------------------------


def add_org(personas, parent, code, name, category, kind):
    """Through the service, so that completion cells follow as they would in use."""
    return org_services.create_organization(
        actor=personas["city_admin"],
        parent=Organization.objects.get(pk=parent.pk),
        code=code,
        name=name,
        category=category,
        kind=kind,
        established_on=date(2000, 1, 1),
    )


def grow(personas, tree, campaign, districts: int, actions: int):
    """More districts, each with a street and two communities (one with a record), and more actions."""
    admin = personas["city_admin"]
    for n in range(districts):
        district = add_org(
            personas, tree.city, f"ZZ-X{n}", f"新区{n}", Category.DISTRICT, Kind.PARTY_COMMITTEE
        )
        street = add_org(
            personas, district, f"ZZ-X{n}-S", f"新区{n}街道", Category.STREET, Kind.WORKING_COMMITTEE
        )
        for m in range(2):
            community = add_org(
                personas, street, f"ZZ-X{n}-S-{m}", f"新区{n}社区{m}", Category.COMMUNITY, Kind.GENERAL_BRANCH
            )
            if m == 0:
                record(admin, community, campaign, days_ago(20))
    for n in range(actions):
        campaign_services.save_action(
            actor=admin,
            campaign=campaign,
            title=f"追加动作{n}",
            categories=[Category.COMMUNITY, Category.STREET],
            activity_kinds=[ActivityKind.THEME_DAY, ActivityKind.PARTY_CLASS],
            due_date=timezone.localdate() + timedelta(days=20),
        )


def count_queries(client, url) -> int:
    client.get(url)  # warm caches that are not the page's own (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["city_admin", "inspector1"])
def test_the_overview_and_the_matrix_take_the_same_queries_whatever_the_size(
    personas, client_for, tree, scenario, persona
):
    campaign = scenario.campaign
    client = client_for(persona)
    top = reverse("campaigns:progress", args=[campaign.pk])
    drill = top + f"?org={tree.erqi.pk}"
    leaves = top + f"?org={tree.zhengfei.pk}"
    small = [count_queries(client, url) for url in (top, drill, leaves)]
    grow(personas, tree, campaign, districts=6, actions=4)
    # The new districts hang under the city; give 二七区 and 郑飞社区 more children too.
    for n in range(5):
        add_org(
            personas, tree.erqi, f"ZZ-EQ-N{n}", f"二七区新街道{n}", Category.STREET, Kind.WORKING_COMMITTEE
        )
        add_org(
            personas,
            tree.zhengfei,
            f"ZZ-EQ-RH-ZF-{n + 2}",
            f"郑飞社区第{n + 2}党支部",
            Category.BRANCH,
            Kind.BRANCH,
        )
    campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="支部书记讲党课",
        categories=[Category.BRANCH, Category.STREET],
        activity_kinds=[ActivityKind.PARTY_LECTURE],
        due_date=timezone.localdate() + timedelta(days=20),
    )
    large = [count_queries(client, url) for url in (top, drill, leaves)]
    rows = len(progress(client, campaign).context["matrix"])
    assert rows >= (9 if persona == "city_admin" else 2)
    assert len(progress(client, campaign).context["actions"]) == 8
    assert large == small
    print(f"queries for {persona} (overview, drill-down, leaves): {small}")


def test_the_checklist_and_not_done_pages_take_a_bounded_number_of_queries(
    personas, client_for, tree, scenario
):
    client = client_for("city_admin")
    not_done = reverse("campaigns:not_done", args=[scenario.campaign.pk, scenario.theme_day.pk])
    small = count_queries(client, not_done)
    grow(personas, tree, scenario.campaign, districts=4, actions=0)
    assert count_queries(client, not_done) == small
