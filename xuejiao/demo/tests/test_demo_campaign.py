"""The demo's running campaign: required actions, the ledger of 2021 and its completion."""

from datetime import date, datetime, time

import pytest
from django.db.models import Q

from xuejiao.accounts.models import User
from xuejiao.campaigns.completion import rebuild_campaign
from xuejiao.campaigns.models import Campaign, Completion, RequiredAction
from xuejiao.campaigns.queries import Status, cell_status, figures_for
from xuejiao.campaigns.rules import counted_records
from xuejiao.demo.zhengzhou import campaign as spec
from xuejiao.demo.zhengzhou.activities import ZONE
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
from xuejiao.ledger.services.activities import create_activity, validate_activity
from xuejiao.orgs.models import Category, Organization
from xuejiao.orgs.permissions import can_review

from .conftest import completion_rows, run, snapshot

pytestmark = pytest.mark.django_db

FIRST_THEME_DAY = "开展党史学习教育主题党日（含第一议题）"


def named(name: str) -> Organization:
    return Organization.objects.get(Q(name=name) | Q(short_name=name))


def under(path: tuple[str, ...]) -> Organization:
    """The organisation at a path of names from the root, e.g. ("二七区", "人和路街道", "郑飞社区")."""
    organization = Organization.objects.get(code="ZZ")
    for name in path:
        organization = Organization.objects.get_children(organization).get(name=name)
    return organization


@pytest.fixture
def campaign(demo) -> Campaign:
    return Campaign.objects.get(name="党史学习教育")


def test_campaign_and_actions_exist_once_after_two_runs(campaign):
    before = snapshot()
    output = run("load_demo", "zhengzhou-2021")
    assert snapshot() == before
    for name in ("campaigns", "phases", "required actions", "activities", "completion cells", "roll-up rows"):
        assert f"{name:<17} created      0" in output

    (campaign,) = Campaign.objects.all()
    assert (campaign.motto, campaign.starts_on, campaign.ends_on, campaign.root.name) == (
        "学党史、悟思想、办实事、开新局",
        date(2021, 2, 20),
        date(2021, 12, 31),
        "中共郑州市委",
    )
    assert list(campaign.phases.values_list("name", flat=True)) == ["学习教育", "专题组织生活会", "总结评估"]
    titles = list(campaign.actions.values_list("title", flat=True))
    assert titles == [action.title for action in spec.ACTIONS]
    assert 8 <= len(titles) <= 10
    for action in campaign.actions.select_related("phase"):
        assert action.phase is not None
        assert campaign.starts_on <= action.due_date <= campaign.ends_on
    org_life = campaign.actions.get(title="召开专题组织生活会")
    assert org_life.phase.name == "专题组织生活会"
    assert org_life.activity_kinds == [ActivityKind.ORG_LIFE_MEETING]
    center_group = campaign.actions.get(title="党委（党组）理论学习中心组专题学习")
    assert (center_group.min_count, center_group.require_first_agenda) == (4, True)
    assert set(center_group.categories) == {Category.DISTRICT, Category.MUNICIPAL_UNIT}


def test_the_summary_prints_the_new_counts(demo):
    for name in ("campaigns", "phases", "required actions", "activities", "completion cells", "roll-up rows"):
        assert name in demo
    activities = Activity.objects.count()
    assert f"activities        created {activities:>6}" in demo
    assert 2000 <= activities <= 8000


def test_the_city_mobilisation_meeting_of_2_march(demo):
    root = Organization.objects.get(code="ZZ")
    meeting = Activity.objects.get(
        organization=root,
        kind=ActivityKind.MOBILISATION_MEETING,
        starts_at__gte=datetime.combine(date(2021, 3, 2), time.min, ZONE),
        starts_at__lt=datetime.combine(date(2021, 3, 3), time.min, ZONE),
    )
    assert meeting.title == "郑州市党史学习教育动员大会"
    # Nobody in the demo is above the city: its own records await a system administrator.
    assert meeting.status == ActivityStatus.SUBMITTED
    assert meeting.campaign.name == "党史学习教育"


@pytest.mark.parametrize(
    ("path", "kind", "title", "check"),
    [
        (("登封市", "告成镇"), ActivityKind.EXPERT_LECTURE, "党史专题讲座", lambda a: "王心月" in a.speaker),
        (("上街区", "矿山街道"), ActivityKind.SITE_VISIT, "豫西抗日纪念馆", lambda a: a.present == 36),
        (("郑东新区", "龙子湖街道"), ActivityKind.FILM, "《1921》", lambda a: "赓续红色基因" in a.summary),
        (("中牟县", "东风路街道"), ActivityKind.MASS_CULTURE, "小板凳", lambda a: "红色宣讲团" in a.summary),
        (("中牟县", "东风路街道"), ActivityKind.MASS_CULTURE, "快乐星期天", lambda a: "广场舞" in a.title),
        (("中牟县", "东风路街道"), ActivityKind.DISCUSSION_MEETING, "小板凳恳谈会", lambda a: a.summary),
        (("上街区",), ActivityKind.DISCUSSION_MEETING, "小板凳恳谈会", lambda a: a.summary),
        (
            ("二七区", "人和路街道", "郑飞社区"),
            ActivityKind.THEME_DAY,
            "线上主题党日",
            lambda a: a.mode == Mode.ONLINE and "牢记初心使命" in a.topic and a.first_agenda,
        ),
    ],
)
def test_the_records_the_article_names(demo, path, kind, title, check):
    organization = under(path)
    (record,) = Activity.objects.filter(organization=organization, kind=kind, title__contains=title)
    assert record.org_path == organization.path
    assert record.external_key.startswith("demo-2021-seed-")
    assert record.status in (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED)
    assert check(record)


def test_highlights_statuses_and_the_returned_record(demo):
    highlights = Activity.objects.filter(is_highlight=True)
    assert 3 <= highlights.count() <= 8
    for record in highlights:
        assert record.status in (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED)
        assert len(record.highlight_citation) >= 40
    assert highlights.filter(title__contains="豫西抗日纪念馆").exists()

    total = Activity.objects.count()
    by_status = {s: Activity.objects.filter(status=s).count() for s in ActivityStatus.values}
    assert by_status[ActivityStatus.VERIFIED] > total / 2
    assert by_status[ActivityStatus.SUBMITTED] > 0 and 0 < by_status[ActivityStatus.DRAFT] < total / 10
    (returned,) = Activity.objects.filter(status=ActivityStatus.RETURNED)
    assert returned.return_reason and returned.organization.name == "人和路社区"
    assert returned.submitted_at and not returned.verified_at
    verified = Activity.objects.filter(status=ActivityStatus.VERIFIED)
    assert not verified.filter(Q(verified_at__isnull=True) | Q(verified_by__isnull=True)).exists()
    assert (
        verified.filter(organization__path__startswith=named("二七区").path)
        .exclude(organization=named("二七区"))
        .values_list("verified_by__username", flat=True)
        .distinct()
        .get()
        == "erqi_admin"
    )
    assert not Activity.objects.filter(status=ActivityStatus.DRAFT, submitted_at__isnull=False).exists()


def test_every_record_passes_the_ledgers_own_checks(campaign):
    for record in Activity.objects.select_related("organization", "campaign"):
        fields = {f: getattr(record, f) for f in ("campaign", "starts_at", "ends_at", "first_agenda")}
        fields.update(
            first_agenda_content=record.first_agenda_content,
            expected=record.expected,
            present=record.present,
            on_leave=record.on_leave,
            absent=record.absent,
        )
        validate_activity(record.organization, fields)
        assert record.org_path == record.organization.path
        assert record.campaign_id == campaign.pk
    # Every level has records: districts, units, streets, grassroots and branches.
    kinds_by_category = {
        category: set(Activity.objects.filter(organization__category=category).values_list("kind", flat=True))
        for category in Category.values
    }
    assert ActivityKind.CENTER_GROUP_STUDY in kinds_by_category[Category.DISTRICT]
    assert ActivityKind.READING_CLASS in kinds_by_category[Category.DISTRICT]
    assert ActivityKind.CENTER_GROUP_STUDY in kinds_by_category[Category.MUNICIPAL_UNIT]
    assert ActivityKind.SITE_VISIT in kinds_by_category[Category.STREET]
    assert ActivityKind.THEME_DAY in kinds_by_category[Category.COMMUNITY]
    assert ActivityKind.THEME_DAY in kinds_by_category[Category.VILLAGE]
    assert ActivityKind.ORG_LIFE_MEETING in kinds_by_category[Category.BRANCH]
    themed = Activity.objects.filter(kind=ActivityKind.THEME_DAY, organization__category=Category.COMMUNITY)
    assert themed.filter(first_agenda=True).count() > themed.count() / 2


def test_zhengfei_has_its_first_theme_day_still_to_do(campaign):
    zhengfei = under(("二七区", "人和路街道", "郑飞社区"))
    action = campaign.actions.get(title=FIRST_THEME_DAY)
    assert not counted_records(action).filter(organization_id=zhengfei.pk).exists()
    assert not Activity.objects.filter(
        organization=zhengfei,
        kind=ActivityKind.THEME_DAY,
        starts_at__lt=datetime.combine(date(2021, 7, 1), time.min, ZONE),
    ).exists()
    cell = Completion.objects.get(action=action, organization=zhengfei)
    assert (cell.count, cell.done) == (0, False)
    assert cell_status(cell, action, today=date(2026, 1, 1)) == Status.OVERDUE
    assert cell_status(cell, action, today=date(2021, 6, 1)) == Status.NOT_STARTED


def test_recording_zhengfei_theme_day_completes_it(campaign):
    """What the browser test does, through the service: the cell and the roll-ups move."""
    zhengfei = under(("二七区", "人和路街道", "郑飞社区"))
    erqi = named("二七区")
    action = campaign.actions.get(title=FIRST_THEME_DAY)
    before = figures_for(campaign, [erqi])[(action.pk, erqi.pk)]
    create_activity(
        actor=User.objects.get(username="zhengfei_operator"),
        organization=zhengfei,
        submit=True,
        campaign=campaign,
        kind=ActivityKind.THEME_DAY,
        title="“学党史、悟思想”主题党日",
        starts_at=datetime(2021, 6, 5, 9, 0, tzinfo=ZONE),
        first_agenda=True,
        first_agenda_content="学习习近平总书记在党史学习教育动员大会上的重要讲话",
    )
    assert Completion.objects.get(action=action, organization=zhengfei).done
    after = figures_for(campaign, [erqi])[(action.pk, erqi.pk)]
    assert after.done == before.done + 1 and after.applicable == before.applicable


def test_the_city_roll_up_is_between_none_and_all(campaign):
    root = Organization.objects.get(code="ZZ")
    action = campaign.actions.get(title=FIRST_THEME_DAY)
    city = figures_for(campaign, [root])[(action.pk, root.pk)]
    assert (
        city.applicable
        == Organization.objects.filter(category__in=[Category.COMMUNITY, Category.VILLAGE]).count()
    )
    assert 0 < city.percent < 100
    assert 0 < city.done < city.applicable


def test_the_districts_are_at_different_stages(campaign):
    districts = list(Organization.objects.filter(category=Category.DISTRICT))
    figures = figures_for(campaign, districts)
    titles = (FIRST_THEME_DAY, "下半年常态化开展主题党日", "召开专题组织生活会", "主要负责同志讲专题党课")
    for title in titles:
        action = campaign.actions.get(title=title)
        percents = {figures[(action.pk, d.pk)].percent for d in districts}
        assert len(percents) >= 5, title
        assert min(percents) < 75 and max(percents) > 80, title
    # Over all actions, no district is at 0 % or 100 %.
    for district in districts:
        done = sum(figures[(a.pk, district.pk)].done for a in campaign.actions.all())
        applicable = sum(figures[(a.pk, district.pk)].applicable for a in campaign.actions.all())
        assert 0 < done < applicable, district.name


def test_every_action_but_the_written_summary_is_partly_done(campaign):
    root = Organization.objects.get(code="ZZ")
    figures = figures_for(campaign, [root])
    for action in campaign.actions.all():
        city = figures[(action.pk, root.pk)]
        assert city.applicable > 0, action.title
        if action.rule_type == "document":
            assert city.done == 0
        else:
            assert 0 < city.done < city.applicable, action.title


def test_completion_equals_a_fresh_rebuild(campaign):
    before = completion_rows()
    assert Completion.objects.filter(action__campaign=campaign).count() > 1000
    rebuild_campaign(campaign)
    assert completion_rows() == before
    assert RequiredAction.objects.filter(campaign=campaign).count() == len(spec.ACTIONS)


def test_the_load_completes_what_is_missing_and_rebuilds(campaign):
    """A deleted action and some deleted records come back; completion follows them."""
    before = snapshot()
    campaign.actions.get(title="召开专题民主生活会").delete()
    erqi = named("二七区")
    Activity.objects.filter(kind=ActivityKind.ORG_LIFE_MEETING, org_path__startswith=erqi.path).delete()
    Completion.objects.filter(action__campaign=campaign).update(count=0, done=False)
    output = run("load_demo", "zhengzhou-2021")
    assert "required actions  created      1" in output
    after = snapshot()
    for key in ("required actions", "activities", "activity rows", "completion rows", "roll-up rows"):
        assert after[key] == before[key], key


def test_every_verified_record_was_verified_by_the_level_above(demo):
    """The demo follows the ledger's duty rule: the verifier's role is held on an ancestor of
    the record's organisation (a district's own records are verified by the city)."""
    verified = Activity.objects.filter(status=ActivityStatus.VERIFIED).select_related(
        "organization", "verified_by"
    )
    wrong = {
        (record.organization.name, record.verified_by.username)
        for record in verified
        if not can_review(record.verified_by, record.organization, record.authors)
    }
    assert wrong == set()
    erqi = named("二七区")
    assert {record.verified_by.username for record in verified.filter(organization=erqi)} == {"city_admin"}
