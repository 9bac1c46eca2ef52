"""The online theme day in a real browser: publishing with the recipient picker, the
material page on a desktop, and a member's study page and reflection form on a phone."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuejiao.core.tests.browser import DESKTOP, PHONE, screenshot
from xuejiao.ledger import services
from xuejiao.ledger.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    MakeUpTask,
    Material,
    MaterialKind,
    Reflection,
)
from xuejiao.ledger.services import RecipientPick
from xuejiao.orgs.models import Person

from .test_materials import (  # noqa: F401 (fixtures)
    REFLECTION,
    assignment_of,
    evidence_root,
    later,
    member,
    zhengfei_members,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "二七区人和路街道郑飞社区组织线上主题党日,通过党员微信群,推送《牢记初心使命,交出新的更加优异答卷》"
    "等学习内容。请各位党员认真学习后,在线发表意见,分享学习感悟。\n\n"
    "学习要求:一、通读全文,做好学习笔记;二、结合本职工作谈体会,不少于20字。"
)


def open_page(browser, live_server, user, viewport):
    """A browser tab logged in as `user` (the session cookie of a test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


@pytest.fixture
def theme_day(tree, personas, zhengfei_members):  # noqa: F811
    material = services.publish_material(
        actor=personas["erqi_admin"],
        publisher=tree.erqi,
        recipients=[RecipientPick(tree.renhe, True)],
        kind=MaterialKind.LINK,
        title="牢记初心使命,交出新的更加优异答卷",
        body=BODY,
        url="https://www.12371.cn/special/dsxxjy/",
        deadline=later(),
    )
    assignment = assignment_of(material, tree.zhengfei)
    for index, person in enumerate(zhengfei_members[1:]):
        services.post_reflection(
            actor=member(person, f"m{index}"),
            text=REFLECTION
            if index
            else "重温党的光辉历史,更加坚定了理想信念。要立足社区岗位,为居民办好每一件实事。",
            assignment=assignment,
        )
    return material


def test_the_campaign_office_publishes_with_the_recipient_picker(browser, live_server, tree, personas):
    context, page = open_page(browser, live_server, personas["erqi_admin"], DESKTOP)
    try:
        page.goto(live_server.url + reverse("ledger:material_publish"))
        page.fill("#id_title", "牢记初心使命")
        page.select_option("#id_kind", "text")
        page.fill("#id_body", BODY)
        page.fill("#id_deadline", later().isoformat())
        page.fill("#recipient-search", "rhljd")
        page.locator(".app-recipients .dropdown-item", has_text="人和路街道").first.click()
        page.locator(".app-recipients .form-switch input").first.check()
        screenshot(page, "material-publish-desktop")
        page.click(".page-body button[type=submit]")
        page.wait_for_url("**/ledger/materials/*/")
        material = Material.objects.get()
        assert material.recipient_count == 3
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_material_detail(browser, live_server, personas, theme_day, viewport_name):
    viewport = DESKTOP if viewport_name == "desktop" else PHONE
    context, page = open_page(browser, live_server, personas["erqi_admin"], viewport)
    try:
        page.goto(live_server.url + reverse("ledger:material_detail", args=[theme_day.pk]))
        page.locator("text=郑飞社区第一党支部").first.wait_for()
        screenshot(page, f"material-detail-{viewport_name}")
        page.goto(
            live_server.url + reverse("ledger:material_detail", args=[theme_day.pk]) + "?tab=reflections"
        )
        page.locator("text=重温党的光辉历史").wait_for()
        screenshot(page, f"material-reflections-{viewport_name}")
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_a_member_posts_a_reflection(browser, live_server, tree, theme_day, viewport_name):
    viewport = PHONE if viewport_name == "phone" else DESKTOP
    user = member(Person.objects.get(name="张伟"))
    context, page = open_page(browser, live_server, user, viewport)
    try:
        page.goto(live_server.url + reverse("ledger:my_study"))
        screenshot(page, f"my-study-{viewport_name}")
        page.locator("a", has_text="牢记初心使命").first.click()
        page.wait_for_url("**/reflect/")
        page.fill("textarea", "很受教育")
        screenshot(page, f"reflection-form-{viewport_name}")
        page.click(".page-body button[type=submit]")
        page.locator(".invalid-feedback").wait_for()
        screenshot(page, f"reflection-form-error-{viewport_name}")
        page.fill("textarea", REFLECTION)
        page.click(".page-body button[type=submit]")
        page.wait_for_url("**/ledger/study/")
        assert Reflection.objects.filter(person=user.person, text=REFLECTION).exists()
        screenshot(page, f"my-study-done-{viewport_name}")
        assert page.errors == []
    finally:
        context.close()


def test_the_materials_list(browser, live_server, personas, theme_day):
    context, page = open_page(browser, live_server, personas["street_operator"], DESKTOP)
    try:
        page.goto(live_server.url + reverse("ledger:materials"))
        page.locator("td", has_text="郑飞社区第一党支部").wait_for()
        screenshot(page, "materials-received-desktop")
        assert page.errors == []
    finally:
        context.close()


def test_make_up_tasks_from_the_activity_page(browser, live_server, tree, personas, zhengfei_members):  # noqa: F811
    activity = Activity.objects.create(
        organization=tree.zhengfei,
        kind=ActivityKind.THEME_DAY,
        title="“学党史、悟思想”线上主题党日",
        starts_at=timezone.now() - timedelta(days=2),
        status=ActivityStatus.SUBMITTED,
    )
    statuses = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.ON_LEAVE)
    for person, status in zip(zhengfei_members, statuses, strict=True):
        Attendance.objects.create(activity=activity, person=person, status=status)
    context, page = open_page(browser, live_server, personas["zhengfei_operator"], DESKTOP)
    try:
        page.goto(live_server.url + reverse("ledger:activity_reflections", args=[activity.pk]))
        page.click(".page-header button[type=submit]")
        page.locator(".alert-success").wait_for()
        assert MakeUpTask.objects.filter(activity=activity).count() == 2
        screenshot(page, "activity-make-up-desktop")
        assert page.errors == []
    finally:
        context.close()
    absentee = member(zhengfei_members[1])
    context, page = open_page(browser, live_server, absentee, PHONE)
    try:
        page.goto(live_server.url + reverse("ledger:my_study"))
        page.locator("a", has_text="线上主题党日").click()
        page.fill("textarea", REFLECTION)
        screenshot(page, "make-up-reflection-phone")
        page.click(".page-body button[type=submit]")
        page.wait_for_url("**/ledger/study/")
        assert not MakeUpTask.objects.get(person=zhengfei_members[1]).is_open
        assert page.errors == []
    finally:
        context.close()
