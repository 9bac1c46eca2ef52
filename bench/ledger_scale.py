"""The ledger and completion at city scale: 30,000 organisations, 2,000,000 activities,
a campaign with 20 required actions.

    python bench/ledger_scale.py                  # SQLite under var/ (or DATABASE_URL)
    DATABASE_URL=postgres://... python bench/ledger_scale.py

Seeds what is missing (the SCALE tree via seed_scale, then the activities and the
campaign), rebuilds completion once (timed), then times the city's completion overview
and a district's activity list as the pages serve them.
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta

from common import (
    analyze,
    database_label,
    machine_speed,
    office_persona,
    report,
    scale_root,
    setup_django,
    timed,
    vacuum,
)

CAMPAIGN_NAME = "规模测试·党史学习教育"
BATCH = 10_000


def seed_activities(root, campaign, total: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus
    from xuejiao.orgs.models import Organization

    orgs = list(
        Organization.objects.filter(path__startswith=root.path, depth__gt=root.depth).values_list(
            "pk", "path"
        )
    )
    kinds = [k.value for k in ActivityKind]
    weights = [
        3 if k in ("theme_day", "branch_meeting", "party_class", "group_meeting") else 1 for k in kinds
    ]
    statuses = [ActivityStatus.SUBMITTED] * 6 + [ActivityStatus.VERIFIED] * 3 + [ActivityStatus.DRAFT]
    zone = timezone.get_current_timezone()
    start = datetime(2021, 3, 1, 9, 0, tzinfo=zone)
    days = (campaign.ends_on - campaign.starts_on).days
    started = time.perf_counter()
    made = 0
    while made < total:
        rows = []
        for _ in range(min(BATCH, total - made)):
            org_id, path = orgs[rng.randrange(len(orgs))]
            kind = rng.choices(kinds, weights)[0]
            rows.append(
                Activity(
                    organization_id=org_id,
                    org_path=path,
                    campaign=campaign,
                    kind=kind,
                    title=f"{kind}·第{made + len(rows) + 1}次",
                    starts_at=start + timedelta(days=rng.randrange(days), hours=rng.randrange(10)),
                    first_agenda=rng.random() < 0.6,
                    first_agenda_content="重要讲话精神",
                    expected=30,
                    present=rng.randrange(15, 31),
                    summary="学习研讨",
                    photo_count=rng.randrange(0, 4),
                    status=rng.choice(statuses),
                )
            )
        with transaction.atomic():
            Activity.objects.bulk_create(rows)
        made += len(rows)
        rate = made / (time.perf_counter() - started)
        print(f"\r  activities {made:,}/{total:,} ({rate:,.0f} rows/s)", end="", flush=True)
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_activity")


def make_campaign(root):
    from xuejiao.campaigns.models import Campaign, RequiredAction
    from xuejiao.ledger.models import ActivityKind
    from xuejiao.orgs.models import Category

    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME, root=root).first()
    if campaign:
        return campaign, False
    campaign = Campaign.objects.create(
        name=CAMPAIGN_NAME, root=root, starts_on=date(2021, 3, 1), ends_on=date(2021, 12, 31)
    )
    grassroots = [Category.BRANCH, Category.COMMUNITY, Category.VILLAGE]
    upper = [Category.DISTRICT, Category.STREET, Category.TOWNSHIP]
    specs = [
        ("动员部署", upper, [ActivityKind.MOBILISATION_MEETING], 1, False, 4),
        ("中心组专题学习", upper, [ActivityKind.CENTER_GROUP_STUDY], 4, True, 12),
        ("读书班", upper, [ActivityKind.READING_CLASS], 1, False, 9),
        ("专题党课", [], [ActivityKind.PARTY_LECTURE, ActivityKind.PARTY_CLASS], 1, False, 7),
        ("主题党日（第一议题）", grassroots, [ActivityKind.THEME_DAY], 3, True, 12),
        ("支部党员大会", grassroots, [ActivityKind.BRANCH_MEETING], 2, False, 12),
        ("支委会", grassroots, [ActivityKind.COMMITTEE_MEETING], 4, False, 12),
        ("党小组会", grassroots, [ActivityKind.GROUP_MEETING], 4, False, 12),
        ("专题组织生活会", grassroots, [ActivityKind.ORG_LIFE_MEETING], 1, False, 12),
        ("专题民主生活会", upper, [ActivityKind.DEMOCRATIC_LIFE_MEETING], 1, False, 12),
        ("现场教学", [], [ActivityKind.SITE_VISIT], 1, False, 10),
        ("红色观影", [], [ActivityKind.FILM], 1, False, 8),
        ("宣讲进基层", grassroots, [ActivityKind.LECTURE], 1, False, 11),
        ("线上学习", grassroots, [ActivityKind.ONLINE_STUDY, ActivityKind.THEME_DAY], 2, False, 11),
        ("专家辅导", upper, [ActivityKind.EXPERT_LECTURE], 1, False, 10),
        ("群众性文化活动", [Category.COMMUNITY, Category.VILLAGE], [ActivityKind.MASS_CULTURE], 1, False, 11),
        (
            "小板凳恳谈会",
            [Category.COMMUNITY, Category.VILLAGE],
            [ActivityKind.DISCUSSION_MEETING],
            1,
            False,
            11,
        ),
        (
            "第一议题学习（半年）",
            [],
            [ActivityKind.BRANCH_MEETING, ActivityKind.COMMITTEE_MEETING],
            3,
            True,
            6,
        ),
        (
            "第一议题学习（全年）",
            [],
            [ActivityKind.BRANCH_MEETING, ActivityKind.COMMITTEE_MEETING],
            6,
            True,
            12,
        ),
        ("总结评估", upper, [ActivityKind.OTHER], 1, False, 12),
    ]
    for order, (title, categories, kinds, count, first_agenda, month) in enumerate(specs):
        RequiredAction.objects.create(
            campaign=campaign,
            title=title,
            sort_order=order,
            categories=list(categories),
            activity_kinds=list(kinds),
            min_count=count,
            require_first_agenda=first_agenda,
            due_date=date(2021, month, 28),
        )
    return campaign, True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=30_000)
    parser.add_argument("--people", type=int, default=700_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    setup_django()
    from django.db import transaction
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from xuejiao.accounts.models import User
    from xuejiao.campaigns.completion import rebuild_campaign
    from xuejiao.campaigns.models import Completion, CompletionRollup
    from xuejiao.campaigns.queries import figures_for
    from xuejiao.ledger.models import Activity
    from xuejiao.orgs.models import Category, Organization

    root = scale_root(args.orgs, args.people)
    campaign, created = make_campaign(root)
    existing = Activity.objects.filter(campaign=campaign).count()
    if existing < args.activities:
        print(f"seeding {args.activities - existing:,} activities …", flush=True)
        seed_activities(root, campaign, args.activities - existing, random.Random(2021))
        analyze()
        created = True
    if created or not Completion.objects.filter(action__campaign=campaign).exists():
        started = time.perf_counter()
        with transaction.atomic():
            rebuild_campaign(campaign)
        print(f"completion rebuilt for 20 actions in {time.perf_counter() - started:.1f} s")

    districts = list(
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    )
    district = districts[0]
    print(f"database: {database_label()}; {machine_speed()}")
    print(
        f"activities: {Activity.objects.filter(campaign=campaign).count():,}; "
        f"completion cells: {Completion.objects.filter(action__campaign=campaign).count():,}; "
        f"roll-up rows: {CompletionRollup.objects.filter(action__campaign=campaign).count():,}"
    )
    print()

    city = Client()
    city.force_login(office_persona("bench_city_admin", root))
    district_client = Client()
    district_client.force_login(office_persona("bench_district_admin", district))
    baseline = timed(lambda: city.get("/healthz"), args.repeat)
    report("baseline: /healthz (hello world)", baseline)

    figures = timed(lambda: figures_for(campaign, [root, *districts]), args.repeat)
    report("city overview figures (root + 16 districts × 20 actions)", figures, baseline, 200)

    def page(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def try_url(name, *args_):
        try:
            return reverse(name, args=args_)
        except NoReverseMatch:
            return None

    overview = try_url("campaigns:progress", campaign.pk)
    if overview:
        report(
            "city completion overview page", timed(lambda: page(city, overview), args.repeat), baseline, 200
        )
        drill = f"{overview}?org={district.pk}"
        report(
            "district drill-down page",
            timed(lambda: page(district_client, drill), args.repeat),
            baseline,
            200,
        )
    else:
        print("(campaigns:progress page not present: page figures skipped)")

    activity_list = try_url("ledger:activity_list")
    if activity_list:
        for label, query in (
            ("district activity list, first page", ""),
            ("district activity list, kind + status filter", "?kind=theme_day&status=submitted"),
            (
                "district activity list, campaign + date range",
                f"?campaign={campaign.pk}&date_from=2021-06-01&date_to=2021-06-30",
            ),
        ):
            report(
                label,
                timed(lambda q=query: page(district_client, activity_list + q), args.repeat),
                baseline,
                30,
            )
    else:
        print("(ledger:activity_list page not present: list figures skipped)")

    # Moving a street to another district: completion follows the subtree (rolled back).
    from xuejiao.orgs.services import move_organization

    street = Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1).first()
    street_activities = Activity.objects.filter(org_path__startswith=street.path).count()
    started = time.perf_counter()
    with transaction.atomic():
        admin = User.objects.get(username="bench_city_admin")
        move_organization(actor=admin, organization=street, new_parent=districts[1])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    # The rolled-back move leaves dead row versions in the district's pages, whose index-only
    # scans (the list's capped count) would read the table until autovacuum comes by: the
    # next run's lists measured 20 ms slower.
    vacuum(Activity._meta.db_table, Completion._meta.db_table, CompletionRollup._meta.db_table)
    print(
        f"\nmove a street ({street.numchild} sub-units, {street_activities:,} activities) to another "
        f"district: {elapsed * 1000:,.0f} ms including completion of 20 actions (rolled back)"
    )

    counted = Activity.objects.filter(org_path__startswith=district.path).count()
    print(f"\nthe district holds {counted:,} activities; the list pages count at most 10,001 of them")
    leaf = Organization.objects.filter(path__startswith=district.path, category=Category.BRANCH).first()
    print(f"(sample branch for checklists: {leaf.name} #{leaf.pk})")


if __name__ == "__main__":
    main()
