"""The campaign pages in a real browser, on the Zhengzhou demo, on a desktop and a phone:
the overview, the drill-down matrix, the action editor (picking organisations by pinyin) and
a checklist. Screenshots go to test-artifacts/screenshots/campaign-*.png, to be looked at."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from xuejiao.accounts.models import User
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import RequiredAction, RuleType
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.ledger import services as ledger_services
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs.models import Category, Organization
from xuejiao.orgs.queries import children_of

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(days_from_today: int, hour: int = 9) -> datetime:
    day = timezone.localdate() + timedelta(days=days_from_today)
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


@pytest.fixture
def demo_campaign(demo):
    """The demo tree, a city campaign with five required actions, and records of 二七区."""
    admin = User.objects.get(username="city_admin")
    city = Organization.objects.get(depth=1, name="中共郑州市委")
    today = timezone.localdate()
    campaign = campaign_services.create_campaign(
        actor=admin,
        root=city,
        # The demo brings its own 2021 campaign; this one runs around today, so that its
        # figures mix done, in progress, not started and overdue.
        name="党纪学习教育",
        motto="学纪、知纪、明纪、守纪",
        starts_on=today - timedelta(days=150),
        ends_on=today + timedelta(days=150),
        phases=["学习教育", "专题组织生活会", "总结评估"],
    )
    learning, meeting, _summary = campaign.phases.all()

    def action(**fields):
        return campaign_services.save_action(actor=admin, campaign=campaign, **fields)

    theme_day = action(
        phase=learning,
        title="开展主题党日（含第一议题）",
        categories=[Category.COMMUNITY, Category.VILLAGE],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        due_date=today - timedelta(days=20),
        sort_order=10,
    )
    action(
        phase=learning,
        title="讲好专题党课",
        categories=[Category.DISTRICT, Category.STREET, Category.TOWNSHIP],
        activity_kinds=[ActivityKind.PARTY_LECTURE],
        min_count=2,
        due_date=today + timedelta(days=40),
        sort_order=20,
    )
    action(
        phase=learning,
        title="理论学习中心组专题学习",
        categories=[Category.DISTRICT, Category.MUNICIPAL_UNIT],
        activity_kinds=[ActivityKind.CENTER_GROUP_STUDY],
        min_count=3,
        min_summary_length=30,
        due_date=today + timedelta(days=60),
        sort_order=30,
    )
    action(
        phase=meeting,
        title="召开专题组织生活会",
        categories=[Category.COMMUNITY, Category.VILLAGE, Category.STREET],
        activity_kinds=[ActivityKind.ORG_LIFE_MEETING],
        min_attendance_rate=80,
        due_date=today + timedelta(days=120),
        sort_order=40,
    )
    action(
        phase=meeting,
        title="报送专题民主生活会情况报告",
        categories=[Category.MUNICIPAL_UNIT, Category.ENTERPRISE, Category.INSTITUTION],
        rule_type=RuleType.DOCUMENT,
        due_date=today + timedelta(days=130),
        sort_order=50,
    )

    erqi = Organization.objects.get(depth=2, name="二七区")
    renhe = Organization.objects.get(name="人和路街道", path__startswith=erqi.path)
    communities = list(children_of(renhe))
    for n, community in enumerate(communities):
        if n % 3 == 2:
            continue  # a third have recorded nothing yet
        ledger_services.create_activity(
            actor=admin,
            organization=community,
            submit=True,
            campaign=campaign,
            kind=ActivityKind.THEME_DAY,
            title=f"{community.name}“重温入党誓词”主题党日",
            starts_at=at(-30 - n),
            first_agenda=n % 3 == 0,
            first_agenda_content="学习习近平总书记在党史学习教育动员大会上的重要讲话" if n % 3 == 0 else "",
            expected=30,
            present=27,
            summary="组织党员重温入党誓词，观看专题片，交流学习体会。",
        )
    zhengfei = Organization.objects.get(name="郑飞社区")
    ledger_services.create_activity(
        actor=admin,
        organization=zhengfei,
        submit=True,
        campaign=campaign,
        kind=ActivityKind.ONLINE_STUDY,
        title="郑飞社区“云上”主题党日：微信群在线学党史",
        starts_at=at(-12),
        mode="online",
        expected=40,
        present=36,
        summary="疫情期间通过微信群开展线上学习，党员在群内分享学习体会。",
    )
    for n, street in enumerate(children_of(erqi)):
        for k in range(2 if n % 2 == 0 else 1):
            ledger_services.create_activity(
                actor=admin,
                organization=street,
                submit=True,
                campaign=campaign,
                kind=ActivityKind.PARTY_LECTURE,
                title=f"{street.name}书记讲专题党课（第{k + 1}讲）",
                starts_at=at(-10 - k),
                expected=25,
                present=24,
            )
    return campaign, theme_day, erqi, renhe, zhengfei


def fits_the_screen(page) -> bool:
    """No sideways scrolling of the page itself (wide tables scroll inside their box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def has_cjk_font(page) -> bool:
    return page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '学党史')")


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_the_city_office_follows_progress_down_to_the_communities(
    browser, live_server, demo_campaign, viewport_name
):
    campaign, theme_day, erqi, renhe, zhengfei = demo_campaign
    context = browser.new_context(viewport=VIEWPORTS[viewport_name], locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    try:
        log_in(page, base, "city_admin")
        page.goto(f"{base}/campaigns/{campaign.pk}/progress/")
        assert page.locator(".app-totals .progress-bar").count() == 5  # every action applies somewhere
        assert page.locator(".app-categories .progress-bar").count() >= 4
        assert has_cjk_font(page)
        assert fits_the_screen(page)
        screenshot(page, f"campaign-overview-{viewport_name}")

        # Down to 二七区 from its matrix row, then to 人和路街道: the communities' own statuses.
        page.locator(".app-matrix .app-matrix-org a", has_text="二七区").first.click()
        page.wait_for_url(f"**/progress/?org={erqi.pk}")
        page.locator(".app-matrix .app-matrix-org a", has_text="人和路街道").first.click()
        page.wait_for_url(f"**/progress/?org={renhe.pk}")
        crumbs = page.locator(".app-breadcrumbs").inner_text()
        assert "郑州市委" in crumbs and "二七区" in crumbs and "人和路街道" in crumbs
        badges = page.locator(".app-matrix .app-status")
        assert badges.count() > 0
        assert page.locator(".app-matrix .app-status-done").count() > 0
        assert page.locator(".app-matrix .app-status-overdue").count() > 0
        assert fits_the_screen(page)
        if viewport_name == "phone":
            box = page.locator(".app-matrix").first.evaluate(
                "t => ({scroll: t.parentElement.scrollWidth, client: t.parentElement.clientWidth})"
            )
            assert box["scroll"] > box["client"]  # the matrix scrolls inside its box
        screenshot(page, f"campaign-matrix-{viewport_name}")

        # The not-done list of the overdue theme day under 人和路街道.
        page.goto(f"{base}/campaigns/{campaign.pk}/actions/{theme_day.pk}/not-done/?org={renhe.pk}")
        assert page.locator("table tbody tr").count() > 0
        assert fits_the_screen(page)
        screenshot(page, f"campaign-not-done-{viewport_name}")
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_the_office_edits_an_action_and_picks_organisations_by_pinyin(
    browser, live_server, demo_campaign, viewport_name
):
    from playwright.sync_api import expect

    campaign, theme_day, erqi, renhe, zhengfei = demo_campaign
    context = browser.new_context(viewport=VIEWPORTS[viewport_name], locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    try:
        log_in(page, base, "city_admin")
        page.goto(f"{base}/campaigns/{campaign.pk}/actions/{theme_day.pk}/edit/")
        assert fits_the_screen(page)
        screenshot(page, f"campaign-action-editor-{viewport_name}")

        # Switch to a list of organisations: the criteria hide, the picker shows.
        page.check("input[name=applies_to][value=list]")
        expect(page.locator("#id_categories")).to_be_hidden()
        page.fill("#explicit-org-search", "zfsq")
        page.locator(".app-picker-menu .dropdown-item", has_text="郑飞社区").first.click()
        assert page.locator(".app-chip", has_text="郑飞社区").count() == 1
        # The document rule hides what only counting records needs.
        page.check("input[name=rule_type][value=document]")
        expect(page.locator("#id_min_photos")).to_be_hidden()
        page.check("input[name=rule_type][value=activity_count]")
        expect(page.locator("#id_min_photos")).to_be_visible()
        screenshot(page, f"campaign-action-editor-list-{viewport_name}")
        page.locator("form.app-action-form button[type=submit]").click()
        page.wait_for_url(f"**/campaigns/{campaign.pk}/#action-{theme_day.pk}")
        saved = RequiredAction.objects.get(pk=theme_day.pk)
        assert list(saved.explicit_orgs.values_list("name", flat=True)) == ["郑飞社区"]
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport_name", list(VIEWPORTS))
def test_a_community_operator_reads_its_checklist(browser, live_server, demo_campaign, viewport_name):
    campaign, theme_day, erqi, renhe, zhengfei = demo_campaign
    context = browser.new_context(viewport=VIEWPORTS[viewport_name], locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = live_server.url
    try:
        log_in(page, base, "zhengfei_operator")
        page.goto(f"{base}/campaigns/")
        page.locator("a", has_text="党纪学习教育").first.click()
        page.wait_for_url(f"**/campaigns/{campaign.pk}/")
        assert page.locator(".app-action-card").count() == 5
        assert fits_the_screen(page)
        screenshot(page, f"campaign-detail-{viewport_name}")
        page.locator(".app-campaign-tabs a", has_text="任务清单").click()
        page.wait_for_url(f"**/campaigns/{campaign.pk}/checklist/{zhengfei.pk}/")
        body = page.locator(".page-body").inner_text()
        assert "开展主题党日（含第一议题）" in body
        assert "郑飞社区“云上”主题党日：微信群在线学党史" in body  # an optional action
        assert fits_the_screen(page)
        screenshot(page, f"campaign-checklist-{viewport_name}")
        assert errors == []
    finally:
        context.close()
