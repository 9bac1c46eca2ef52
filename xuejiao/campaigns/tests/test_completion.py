"""Completion computed from the ledger, on hand-computed cases."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.completion import rebuild_action
from xuejiao.campaigns.models import Completion, CompletionRollup
from xuejiao.campaigns.queries import Status, cell_status, checklist, figures_for
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Category, Kind

TODAY = date(2021, 8, 1)  # after the due date of the first action


def at(day: str, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hour:02d}:00"))


@pytest.fixture
def campaign(personas, tree):
    return campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        motto="学党史、悟思想、办实事、开新局",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
        phases=["学习教育", "专题组织生活会", "总结评估"],
    )


@pytest.fixture
def theme_day_action(personas, campaign):
    return campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="开展主题党日（含第一议题）",
        categories=[Category.COMMUNITY, Category.BRANCH],
        activity_kinds=[ActivityKind.THEME_DAY],
        min_count=1,
        require_first_agenda=True,
        due_date=date(2021, 6, 30),
    )


def record(personas, org, campaign, day, kind=ActivityKind.THEME_DAY, submit=True, hour=9, **extra):
    actor = personas["city_admin"]
    fields = {
        "campaign": campaign,
        "kind": kind,
        "title": f"{kind} {day}",
        "starts_at": at(day, hour),
        "first_agenda": True,
        "first_agenda_content": "习近平总书记在党史学习教育动员大会上的重要讲话",
        "expected": 20,
        "present": 18,
    }
    fields.update(extra)
    return ledger_services.create_activity(actor=actor, organization=org, submit=submit, **fields)


def cell(action, org):
    return Completion.objects.filter(action=action, organization=org).first()


def test_an_activity_on_the_due_date_counts(personas, tree, campaign, theme_day_action):
    record(personas, tree.zhengfei, campaign, "2021-06-30", hour=20)
    assert cell_status(cell(theme_day_action, tree.zhengfei), theme_day_action, TODAY) == Status.DONE


def test_an_activity_a_day_late_does_not_count_and_the_action_is_overdue(
    personas, tree, campaign, theme_day_action
):
    record(personas, tree.zhengfei, campaign, "2021-07-01", hour=0)
    completion = cell(theme_day_action, tree.zhengfei)
    assert completion.count == 0
    assert cell_status(completion, theme_day_action, TODAY) == Status.OVERDUE
    assert cell_status(completion, theme_day_action, date(2021, 6, 1)) == Status.NOT_STARTED


def test_an_activity_of_another_campaign_does_not_count(personas, tree, campaign, theme_day_action):
    other = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="另一活动",
        starts_on=date(2021, 1, 1),
        ends_on=date(2021, 12, 31),
    )
    record(personas, tree.zhengfei, other, "2021-05-01")
    assert cell(theme_day_action, tree.zhengfei).count == 0


def test_drafts_and_returned_records_do_not_count_but_submitted_ones_do(
    personas, tree, campaign, theme_day_action
):
    draft = record(personas, tree.zhengfei, campaign, "2021-05-01", submit=False)
    assert cell(theme_day_action, tree.zhengfei).count == 0
    ledger_services.submit_activity(actor=personas["zhengfei_operator"], activity=draft)
    assert cell(theme_day_action, tree.zhengfei).done
    ledger_services.return_activity(actor=personas["erqi_admin"], activity=draft, reason="照片不清楚")
    assert not cell(theme_day_action, tree.zhengfei).done


def test_without_the_first_agenda_item_a_theme_day_does_not_count(personas, tree, campaign, theme_day_action):
    record(personas, tree.zhengfei, campaign, "2021-05-01", first_agenda=False, first_agenda_content="")
    assert cell(theme_day_action, tree.zhengfei).count == 0


def test_a_unit_of_another_category_is_not_applicable(personas, tree, campaign, theme_day_action):
    assert cell(theme_day_action, tree.edu_bureau) is None
    assert cell_status(None, theme_day_action, TODAY) == Status.NOT_APPLICABLE
    # 郑飞社区 (community) and its branch are the only applicable units.
    assert Completion.objects.filter(action=theme_day_action).count() == 2


def test_an_organisation_added_mid_campaign_is_held_only_to_actions_due_after_it_existed(
    personas, tree, campaign, theme_day_action
):
    later = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="专题组织生活会",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.ORG_LIFE_MEETING],
        due_date=date(2021, 12, 31),
    )
    new_community = org_services.create_organization(
        actor=personas["erqi_admin"],
        parent=tree.renhe,
        code="ZZ-EQ-RH-NEW",
        name="新建社区",
        category=Category.COMMUNITY,
        kind=Kind.GENERAL_BRANCH,
        established_on=date(2021, 9, 1),
    )
    assert cell(theme_day_action, new_community) is None  # due 2021-06-30, before it existed
    assert cell(later, new_community) is not None
    erqi = figures_for(campaign, [tree.erqi], TODAY)[(later.pk, tree.erqi.pk)]
    assert erqi.applicable == 2 and erqi.done == 0


def test_an_action_can_be_satisfied_by_two_kinds_of_record(personas, tree, campaign):
    action = campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="专题学习两次",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY, ActivityKind.PARTY_CLASS],
        min_count=2,
        due_date=date(2021, 9, 30),
    )
    record(personas, tree.zhengfei, campaign, "2021-05-01", kind=ActivityKind.THEME_DAY)
    assert cell_status(cell(action, tree.zhengfei), action, TODAY) == Status.IN_PROGRESS
    record(personas, tree.zhengfei, campaign, "2021-05-20", kind=ActivityKind.PARTY_CLASS)
    assert cell_status(cell(action, tree.zhengfei), action, TODAY) == Status.DONE


def test_roll_ups_give_each_level_its_figures(personas, tree, campaign, theme_day_action):
    record(personas, tree.zhengfei, campaign, "2021-05-01")
    figures = figures_for(campaign, [tree.city, tree.erqi, tree.renhe, tree.zhongyuan], TODAY)
    city = figures[(theme_day_action.pk, tree.city.pk)]
    assert (city.applicable, city.done, city.overdue) == (2, 1, 1)
    assert city.percent == 50.0
    assert city.by_category[Category.COMMUNITY].done == 1
    assert city.by_category[Category.BRANCH].done == 0
    assert figures[(theme_day_action.pk, tree.zhongyuan.pk)].applicable == 0


def test_an_organisation_moved_to_another_district_takes_its_figures_along(
    personas, tree, campaign, theme_day_action
):
    record(personas, tree.zhengfei, campaign, "2021-05-01")
    org_services.move_organization(
        actor=personas["city_admin"], organization=tree.renhe, new_parent=tree.zhongyuan
    )
    tree.zhongyuan.refresh_from_db()
    tree.erqi.refresh_from_db()
    figures = figures_for(campaign, [tree.erqi, tree.zhongyuan], TODAY)
    assert figures[(theme_day_action.pk, tree.erqi.pk)].applicable == 0
    moved = figures[(theme_day_action.pk, tree.zhongyuan.pk)]
    assert (moved.applicable, moved.done) == (2, 1)


def test_the_checklist_names_the_records_that_satisfy_each_action(personas, tree, campaign, theme_day_action):
    activity = record(personas, tree.zhengfei, campaign, "2021-05-01")
    items = checklist(campaign, tree.zhengfei, TODAY)
    assert [item["status"] for item in items] == [Status.DONE]
    assert items[0]["records"] == [activity]


def test_incremental_figures_equal_a_full_rebuild(personas, tree, campaign, theme_day_action):
    first = record(personas, tree.zhengfei, campaign, "2021-05-01")
    record(personas, tree.zhengfei_branch, campaign, "2021-05-02", submit=False)
    ledger_services.return_activity(actor=personas["erqi_admin"], activity=first, reason="补充材料")
    ledger_services.submit_activity(actor=personas["zhengfei_operator"], activity=first)
    # A counted record changes only as a correction by the level above once verified.
    ledger_services.verify_activity(actor=personas["erqi_admin"], activity=first)
    ledger_services.update_activity(
        actor=personas["erqi_admin"], activity=first, reason="第一议题记录有误", first_agenda=False
    )

    def snapshot():
        return sorted(
            CompletionRollup.objects.filter(action=theme_day_action).values_list(
                "org_path", "category", "applicable", "done", "started"
            )
        )

    incremental = snapshot()
    rebuild_action(theme_day_action)
    assert snapshot() == incremental


def test_moving_and_archiving_a_subtree_gives_the_figures_of_a_full_rebuild(
    personas, tree, campaign, theme_day_action
):
    record(personas, tree.zhengfei, campaign, "2021-05-01")
    record(personas, tree.zhengfei_branch, campaign, "2021-05-02")

    def snapshot():
        return sorted(
            CompletionRollup.objects.filter(action=theme_day_action).values_list(
                "org_path", "category", "applicable", "done", "started"
            )
        ), sorted(Completion.objects.filter(action=theme_day_action).values_list("org_path", "count", "done"))

    org_services.move_organization(
        actor=personas["city_admin"], organization=tree.renhe, new_parent=tree.zhongyuan
    )
    tree.zhengfei.refresh_from_db()
    org_services.archive_organization(actor=personas["city_admin"], organization=tree.zhengfei_branch)
    incremental = snapshot()
    rebuild_action(theme_day_action)
    assert snapshot() == incremental
    assert Completion.objects.filter(action=theme_day_action).count() == 1  # the branch is archived
