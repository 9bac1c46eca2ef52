"""On a phone, 郑飞社区's operator records a theme day with two photos and the first agenda
item and submits it; the district then sees the checklist item done and its roll-up move."""

from datetime import date, timedelta

import pytest
from PIL import Image

from xuejiao.accounts.models import User
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Campaign, Completion
from xuejiao.campaigns.queries import Status, checklist, figures_for
from xuejiao.core.tests.browser import DESKTOP, PHONE, log_in, screenshot
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus
from xuejiao.orgs.models import Category, Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def theme_day_campaign(demo):
    """The demo's 2021 campaign and its theme-day action for communities, left open for
    郑飞社区; when the demo has no campaign, one made here (as the campaign office would)."""
    zhengfei = Organization.objects.get(name="郑飞社区")
    campaign = Campaign.objects.filter(root__name="中共郑州市委", starts_on__year=2021).first()
    if campaign is None:
        city_admin = User.objects.get(username="city_admin")
        campaign = campaign_services.create_campaign(
            actor=city_admin,
            root=Organization.objects.get(name="中共郑州市委"),
            name="党史学习教育",
            motto="学党史、悟思想、办实事、开新局",
            starts_on=date(2021, 3, 1),
            ends_on=date(2021, 12, 31),
        )
        campaign_services.save_action(
            actor=city_admin,
            campaign=campaign,
            title="社区开展主题党日（含第一议题）",
            categories=[Category.COMMUNITY],
            activity_kinds=[ActivityKind.THEME_DAY],
            require_first_agenda=True,
            min_photos=2,
            due_date=date(2021, 6, 30),
        )
    open_cells = Completion.objects.filter(
        action__campaign=campaign,
        action__require_first_agenda=True,
        organization=zhengfei,
        done=False,
    ).select_related("action", "action__campaign")
    action = min(
        (cell.action for cell in open_cells if ActivityKind.THEME_DAY in cell.action.activity_kinds),
        key=lambda a: a.due_date,
    )
    assert action.min_photos <= 2 and not action.min_summary_length and not action.topic_keyword
    return campaign, action


def photo(path, color):
    Image.new("RGB", (1200, 900), color).save(path, "PNG")
    return str(path)


def shown(percent: float) -> str:
    """A percentage as the campaign pages print it (floatformat:"-1")."""
    return f"{percent:.1f}".removesuffix(".0") + "%"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_theme_day_recorded_on_a_phone_completes_the_checklist(
    browser, live_server, theme_day_campaign, tmp_path
):
    campaign, action = theme_day_campaign
    held_on = max(action.due_date - timedelta(days=25), action.counted_from)
    zhengfei = Organization.objects.get(name="郑飞社区")
    erqi = Organization.objects.get(name="二七区")
    before = figures_for(campaign, [erqi])[(action.pk, erqi.pk)]
    assert before.applicable > before.done

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "zhengfei_operator")
        page.goto(f"{live_server.url}/ledger/new/")
        form = page.locator("form.app-activity-form")
        # Organisation and campaign are preset; at most 8 fields are marked required.
        assert "郑飞社区" in form.inner_text()
        assert form.locator("label.required").count() <= 8
        page.select_option("#id_kind", "theme_day")
        page.fill("#id_title", "“永远跟党走”线上主题党日")
        page.fill("#id_starts_at", f"{held_on:%Y-%m-%d}T09:00")
        page.fill("#id_expected", "25")
        page.fill("#id_present", "22")
        page.check("#id_first_agenda")
        page.fill("#id_first_agenda_content", "学习习近平总书记在党史学习教育动员大会上的重要讲话")
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-form-phone")
        page.click("form.app-activity-form button[type=submit]")
        page.wait_for_url("**/ledger/*/#evidence")
        activity = Activity.objects.get(title="“永远跟党走”线上主题党日")
        assert activity.organization == zhengfei and activity.campaign == campaign

        page.set_input_files(
            "#evidence-files",
            [photo(tmp_path / "1.png", (200, 40, 40)), photo(tmp_path / "2.png", (40, 90, 200))],
        )
        page.click(".app-upload button[type=submit]")
        page.locator(".app-gallery img").nth(1).wait_for()
        assert page.locator(".app-gallery img").count() == 2
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-detail-phone")
        page.click("#submit-activity")
        page.locator(".alert-success").wait_for()
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.SUBMITTED
        assert activity.photo_count == 2

        page.goto(f"{live_server.url}/ledger/?q=永远跟党走")
        assert "“永远跟党走”线上主题党日" in page.locator(".app-ledger-table").inner_text()
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-list-phone")
        page.goto(f"{live_server.url}/ledger/")
        assert page.locator(".app-ledger-table tbody tr").count() > 1
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-list-all-phone")
        page.goto(f"{live_server.url}/ledger/{activity.pk}/qr/")
        page.locator(".app-qr-code svg").wait_for()
        assert no_horizontal_scroll(page)
        screenshot(page, "ledger-qr-phone")
        assert errors == []
    finally:
        phone.close()

    # The completion figures moved in the same transaction as the submission.
    (item,) = [i for i in checklist(campaign, zhengfei) if i["action"].pk == action.pk]
    assert item["status"] == Status.DONE
    after = figures_for(campaign, [erqi])[(action.pk, erqi.pk)]
    assert after.done == before.done + 1 and after.percent > before.percent

    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desktop.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, live_server.url, "erqi_admin")
        page.goto(f"{live_server.url}/campaigns/{campaign.pk}/checklist/{zhengfei.pk}/")
        row = page.locator(".list-group-item", has_text=action.title)
        assert "已完成" in row.inner_text()
        assert "“永远跟党走”线上主题党日" in row.inner_text()
        page.goto(f"{live_server.url}/campaigns/{campaign.pk}/progress/?org={erqi.pk}")
        assert shown(after.percent) in page.inner_text("body")
        screenshot(page, "ledger-district-progress-desktop")

        page.goto(f"{live_server.url}/ledger/")
        screenshot(page, "ledger-list-desktop")
        page.goto(f"{live_server.url}/ledger/{activity.pk}/")
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        screenshot(page, "ledger-detail-desktop")
        # Awaiting review the record is read-only: the form shown is that of a new record.
        page.goto(f"{live_server.url}/ledger/new/")
        screenshot(page, "ledger-form-desktop")
        page.goto(f"{live_server.url}/ledger/{activity.pk}/qr/")
        screenshot(page, "ledger-qr-desktop")
        assert errors == []
    finally:
        desktop.close()
