"""Page-test scenario: a campaign of the test tree with three required actions and a few records.

Dates are relative to today so that "overdue" and "in progress" hold whenever the tests run:
the theme day fell due ten days ago, the lecture and the document fall due in a month.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Campaign, RequiredAction, RuleType
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.models import Activity, ActivityKind
from xuejiao.orgs.models import Category


def days_ago(n: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=n)
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


def record(
    actor, organization, campaign, when, kind=ActivityKind.THEME_DAY, submit=True, **extra
) -> Activity:
    fields = {
        "campaign": campaign,
        "kind": kind,
        "title": f"{organization.name}{ActivityKind(kind).label}",
        "starts_at": when,
        "first_agenda": True,
        "first_agenda_content": "习近平总书记在党史学习教育动员大会上的重要讲话",
        "expected": 20,
        "present": 18,
    }
    fields.update(extra)
    return ledger_services.create_activity(actor=actor, organization=organization, submit=submit, **fields)


@dataclass
class Scenario:
    campaign: Campaign
    theme_day: RequiredAction  # communities and branches; due ten days ago
    lecture: RequiredAction  # districts and streets, two lectures; due in a month
    report: RequiredAction  # municipal units hand in a report; due in a month
    zhengfei_theme_day: Activity
    film: Activity  # 郑飞社区's film viewing: counts towards no action (自选动作)


@pytest.fixture(name="scenario")
def scenario_fixture(personas, tree) -> Scenario:
    admin = personas["city_admin"]
    today = timezone.localdate()
    campaign = campaign_services.create_campaign(
        actor=admin,
        root=tree.city,
        name="党史学习教育",
        motto="学党史、悟思想、办实事、开新局",
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=120),
        phases=["学习教育", "专题组织生活会"],
    )
    first, second = campaign.phases.all()
    theme_day = campaign_services.save_action(
        actor=admin,
        campaign=campaign,
        phase=first,
        title="开展主题党日（含第一议题）",
        categories=[Category.COMMUNITY, Category.BRANCH],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        due_date=today - timedelta(days=10),
        sort_order=10,
    )
    lecture = campaign_services.save_action(
        actor=admin,
        campaign=campaign,
        phase=first,
        title="讲好专题党课",
        categories=[Category.DISTRICT, Category.STREET],
        activity_kinds=[ActivityKind.PARTY_LECTURE],
        min_count=2,
        due_date=today + timedelta(days=30),
        sort_order=20,
    )
    report = campaign_services.save_action(
        actor=admin,
        campaign=campaign,
        phase=second,
        title="报送专题组织生活会情况报告",
        categories=[Category.MUNICIPAL_UNIT],
        rule_type=RuleType.DOCUMENT,
        due_date=today + timedelta(days=30),
        sort_order=30,
    )
    zhengfei_theme_day = record(admin, tree.zhengfei, campaign, days_ago(20))
    record(
        admin, tree.renhe, campaign, days_ago(15), kind=ActivityKind.PARTY_LECTURE, title="人和路街道专题党课"
    )
    record(
        admin,
        tree.renhe,
        campaign,
        days_ago(5),
        kind=ActivityKind.PARTY_LECTURE,
        title="人和路街道第二次党课",
    )
    record(
        admin, tree.zhongyuan, campaign, days_ago(3), kind=ActivityKind.PARTY_LECTURE, title="中原区专题党课"
    )
    film = record(
        admin, tree.zhengfei, campaign, days_ago(8), kind=ActivityKind.FILM, title="郑飞社区观看《觉醒年代》"
    )
    return Scenario(campaign, theme_day, lecture, report, zhengfei_theme_day, film)
