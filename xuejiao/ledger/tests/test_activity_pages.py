"""Activity pages: list, detail, form and workflow, for each persona, inside and outside scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuejiao.ledger import services
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Correction

from .helpers import at

# Who sees 郑飞社区's records (conftest personas): everyone whose scope covers it.
SEES_ZHENGFEI = {
    "city_admin",
    "city_leader",
    "erqi_admin",
    "street_operator",
    "zhengfei_operator",
    "inspector1",
}
BLIND_TO_ZHENGFEI = {"zhongyuan_admin", "lecturer1", "judge1"}


def titles(response) -> list[str]:
    return [a.title for a in response.context["page_obj"].object_list]


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(SEES_ZHENGFEI | BLIND_TO_ZHENGFEI))
def test_the_list_shows_exactly_the_records_in_scope(persona, make_activity, client_for):
    make_activity("zhengfei", title="郑飞社区主题党日")
    make_activity("zhongyuan_street", title="林山寨街道主题党日")
    make_activity("school", title="一中主题党日")
    response = client_for(persona).get(reverse("ledger:activities"))
    assert response.status_code == 200
    shown = set(titles(response))
    assert ("郑飞社区主题党日" in shown) == (persona in SEES_ZHENGFEI)
    expected_zhongyuan = persona in {"city_admin", "city_leader", "zhongyuan_admin"}
    assert ("林山寨街道主题党日" in shown) == expected_zhongyuan
    assert ("一中主题党日" in shown) == (persona in {"city_admin", "city_leader", "inspector1"})


def test_the_list_is_newest_first_and_filters_by_kind_status_title_dates_campaign_and_subtree(
    make_activity, campaign, tree, client_for
):
    make_activity("zhengfei", day="2021-05-01", title="五月主题党日", campaign=campaign)
    make_activity("zhengfei", day="2021-06-01", title="六月主题党日", submit=True)
    make_activity(
        "renhe", day="2021-06-10", title="街道读书班", kind=ActivityKind.READING_CLASS, first_agenda=False
    )
    make_activity("zhongyuan", day="2021-06-20", title="中原区主题党日")
    client = client_for("city_admin")
    url = reverse("ledger:activities")
    assert titles(client.get(url)) == ["中原区主题党日", "街道读书班", "六月主题党日", "五月主题党日"]
    assert titles(client.get(url, {"kind": "reading_class"})) == ["街道读书班"]
    assert titles(client.get(url, {"status": "submitted"})) == ["六月主题党日"]
    assert titles(client.get(url, {"q": "五月"})) == ["五月主题党日"]
    assert titles(client.get(url, {"date_from": "2021-06-01", "date_to": "2021-06-10"})) == [
        "街道读书班",
        "六月主题党日",
    ]
    assert titles(client.get(url, {"campaign": campaign.pk})) == ["五月主题党日"]
    assert titles(client.get(url, {"org": tree.erqi.pk})) == ["街道读书班", "六月主题党日", "五月主题党日"]


def test_each_row_shows_its_local_time_labels_and_link(make_activity, client_for, settings):
    """The rows' values are worked out in the view (see activity_list): the same as the
    template filters and the model would show."""
    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Shanghai"
    activity = make_activity("zhengfei", day="2021-06-01", title="六月主题党日", submit=True)
    html = client_for("erqi_admin").get(reverse("ledger:activities")).content.decode()
    when = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
    link = reverse("ledger:activity_detail", args=[activity.pk])
    # One row per record, laid out as a card on phones by the style sheet alone.
    assert html.count(f'href="{link}"') == 1
    assert f'<td class="app-cell-date text-nowrap text-secondary">{when}</td>' in html
    assert f'<td class="app-cell-kind text-nowrap">{activity.get_kind_display()}</td>' in html
    assert html.count(f">{activity.get_status_display()}</span>") == 1
    expected = f"{activity.present}/{activity.expected}" if activity.expected else str(activity.present)
    assert re.search(f'<td class="app-cell-count[^"]*" data-label="[^"]+">{expected}</td>', html)


def test_filtering_by_an_organisation_outside_scope_is_404(make_activity, tree, client_for):
    response = client_for("zhongyuan_admin").get(reverse("ledger:activities"), {"org": tree.zhengfei.pk})
    assert response.status_code == 404


def test_the_list_makes_the_same_number_of_queries_for_3_and_30_rows(make_activity, campaign, client_for):
    client = client_for("erqi_admin")
    url = reverse("ledger:activities")

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for day in range(1, 4):
        make_activity("zhengfei", day=f"2021-06-{day:02d}", campaign=campaign)
    few = queries_for_page()
    for day in range(4, 31):
        make_activity("renhe", day=f"2021-06-{day:02d}", campaign=campaign)
    many = queries_for_page()
    assert few == many


def test_a_list_past_the_cap_never_claims_an_exact_count(make_activity, client_for, monkeypatch):
    from xuejiao.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for day in range(1, 6):
        make_activity("zhengfei", day=f"2021-06-{day:02d}")
    response = client_for("city_admin").get(reverse("ledger:activities"))
    paginator = response.context["page_obj"].paginator
    # Either counted up to the cap ("3+") or not counted at all ("of many").
    assert not getattr(paginator, "counted", True) or paginator.display_count == "3+"
    assert len(titles(response)) == 5


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(SEES_ZHENGFEI | BLIND_TO_ZHENGFEI))
def test_the_detail_page_is_200_inside_scope_and_404_outside(persona, make_activity, client_for):
    activity = make_activity("zhengfei")
    response = client_for(persona).get(reverse("ledger:activity_detail", args=[activity.pk]))
    assert response.status_code == (200 if persona in SEES_ZHENGFEI else 404)


def test_the_detail_shows_the_buttons_each_persona_may_use(make_activity, client_for):
    draft = make_activity("zhengfei")

    def buttons(persona, activity):
        html = client_for(persona).get(reverse("ledger:activity_detail", args=[activity.pk])).content.decode()
        return {
            name
            for name, url in {
                "submit": "submit",
                "withdraw": "withdraw",
                "edit": "edit",
                "delete": "delete",
                "verify": "verify",
                "return": "return",
                "highlight": "highlight",
                "qr": "qr",
            }.items()
            if f"/ledger/{activity.pk}/{url}/" in html
        }

    assert buttons("zhengfei_operator", draft) == {"submit", "edit", "delete", "qr"}
    assert buttons("city_leader", draft) == set()
    assert buttons("inspector1", draft) == set()
    submitted = services.submit_activity(actor=draft.created_by, activity=draft)
    # Awaiting review the record is read-only: the unit may only withdraw it.
    assert buttons("zhengfei_operator", submitted) == {"withdraw", "qr"}
    # The street operator records for the street and below, but reviewing is for campaign offices.
    assert buttons("street_operator", submitted) == {"withdraw", "qr"}
    assert buttons("erqi_admin", submitted) == {"verify", "return", "highlight", "qr"}
    # The city office created and submitted it: someone else reviews it, and it may withdraw it.
    assert buttons("city_admin", submitted) == {"withdraw", "qr"}


# --- form -----------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "theme_day",
        "title": "六月主题党日",
        "starts_at": "2021-06-05T09:00",
        "expected": "20",
        "present": "18",
        "first_agenda": "on",
        "first_agenda_content": "学习七一重要讲话",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def required_labels(html: str) -> list[str]:
    return re.findall(r'<label class="form-label required"[^>]*>([^<]*)</label>', html)


def test_a_unit_operator_records_a_theme_day_with_at_most_eight_required_fields(
    tree, campaign, theme_day_action, client_for
):
    client = client_for("zhengfei_operator")
    page = client.get(reverse("ledger:activity_create"))
    assert page.status_code == 200
    html = page.content.decode()
    # The organisation is preset, the campaign too; what is left fits on a phone.
    assert "郑飞社区" in html
    assert page.context["form"]["campaign"].value() == campaign.pk
    assert len(required_labels(html)) <= 8
    response = client.post(reverse("ledger:activity_create"), form_data(campaign=campaign.pk))
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:activity_detail", args=[activity.pk]) + "#evidence"
    assert activity.organization == tree.zhengfei
    assert activity.campaign == campaign
    assert activity.status == ActivityStatus.DRAFT
    assert activity.starts_at == at("2021-06-05", 9)
    assert (activity.expected, activity.present, activity.on_leave, activity.absent) == (20, 18, 0, 0)
    assert activity.first_agenda_content == "学习七一重要讲话"


def test_missing_fields_give_chinese_errors_and_keep_the_input(tree, client_for):
    client = client_for("zhengfei_operator")
    response = client.post(
        reverse("ledger:activity_create"), form_data(title="", first_agenda_content="", expected="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入标题。" in html
    assert "请填写第一议题学习内容。" in html
    assert "2021-06-05T09:00" in html  # what was typed is still there
    assert not Activity.objects.exists()


def test_a_service_refusal_is_shown_on_the_form_with_the_input_kept(tree, client_for):
    response = client_for("zhengfei_operator").post(
        reverse("ledger:activity_create"), form_data(expected="10", present="18", title="人数不对的主题党日")
    )
    assert response.status_code == 200
    assert "超过应到人数10人" in response.content.decode()
    assert "人数不对的主题党日" in response.content.decode()
    assert not Activity.objects.exists()


def test_an_operator_with_several_units_picks_one_and_cannot_pick_outside(tree, client_for):
    client = client_for("street_operator")
    page = client.get(reverse("ledger:activity_create"))
    assert 'name="organization"' in page.content.decode()
    refused = client.post(reverse("ledger:activity_create"), form_data(organization=tree.zhongyuan.pk))
    assert refused.status_code == 200
    assert "请选择您负责填报的组织。" in refused.content.decode()
    done = client.post(reverse("ledger:activity_create"), form_data(organization=tree.zhengfei_branch.pk))
    assert done.status_code == 302
    assert Activity.objects.get().organization == tree.zhengfei_branch


@pytest.mark.parametrize("persona", ["city_leader", "inspector1", "lecturer1", "judge1"])
def test_who_records_nothing_cannot_open_the_form(persona, client_for):
    assert client_for(persona).get(reverse("ledger:activity_create")).status_code == 403


@pytest.mark.parametrize(
    "persona,status",
    [
        ("zhengfei_operator", 200),
        ("street_operator", 200),
        ("erqi_admin", 200),
        ("city_leader", 403),
        ("inspector1", 403),
        ("zhongyuan_admin", 404),
        ("lecturer1", 404),
    ],
)
def test_the_edit_page_is_for_recorders_403_for_readers_404_outside(
    persona, status, make_activity, client_for
):
    activity = make_activity("zhengfei")
    assert client_for(persona).get(reverse("ledger:activity_edit", args=[activity.pk])).status_code == status


def test_a_stale_form_says_so_and_keeps_what_was_typed(make_activity, personas, client_for):
    activity = make_activity("zhengfei", actor="zhengfei_operator")
    client = client_for("zhengfei_operator")
    url = reverse("ledger:activity_edit", args=[activity.pk])
    loaded_version = client.get(url).context["form"]["version"].value()
    services.update_activity(actor=personas["erqi_admin"], activity=activity, place="社区党群服务中心")
    response = client.post(url, form_data(title="我改的标题", version=loaded_version))
    assert response.status_code == 200
    html = response.content.decode()
    assert "您打开该记录后，它已被他人修改" in html
    assert "我改的标题" in html
    activity.refresh_from_db()
    assert activity.title == "六月主题党日"
    # Saving again, knowingly, replaces the other change.
    again = client.post(
        url, form_data(title="我改的标题", version=response.context["form"]["version"].value())
    )
    assert again.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "我改的标题"


def test_a_verified_record_is_corrected_only_by_the_level_above_with_a_reason(
    make_activity, personas, client_for
):
    activity = make_activity("zhengfei", submit=True)
    services.verify_activity(actor=personas["erqi_admin"], activity=activity)
    url = reverse("ledger:activity_edit", args=[activity.pk])
    assert client_for("zhengfei_operator").get(url).status_code == 403
    client = client_for("erqi_admin")
    page = client.get(url)
    assert 'name="reason"' in page.content.decode()
    version = page.context["form"]["version"].value()
    no_reason = client.post(url, form_data(present="19", version=version))
    assert "修改已审核的记录须填写原因。" in no_reason.content.decode()
    done = client.post(url, form_data(present="19", version=version, reason="补登一名迟到党员"))
    assert done.status_code == 302
    correction = Correction.objects.get(activity=activity)
    assert correction.reason == "补登一名迟到党员"
    detail = client_for("zhengfei_operator").get(reverse("ledger:activity_detail", args=[activity.pk]))
    html = detail.content.decode()
    assert "补登一名迟到党员" in html
    assert "18</del> → 19" in html


# --- workflow -------------------------------------------------------------------------------


def test_the_workflow_through_the_pages(make_activity, client_for):
    activity = make_activity("zhengfei", actor="zhengfei_operator")
    operator, district = client_for("zhengfei_operator"), client_for("erqi_admin")

    def post(client, name, **data):
        return client.post(reverse(f"ledger:activity_{name}", args=[activity.pk]), data)

    def status():
        activity.refresh_from_db()
        return activity.status

    assert post(operator, "submit").status_code == 302
    assert status() == ActivityStatus.SUBMITTED
    # The unit cannot verify its own record.
    assert post(operator, "verify").status_code == 403
    refused = post(district, "return", reason="")
    assert status() == ActivityStatus.SUBMITTED
    assert "请填写退回原因" in district.get(refused["Location"]).content.decode()
    post(district, "return", reason="照片不清晰，请补充")
    assert status() == ActivityStatus.RETURNED
    assert (
        "照片不清晰，请补充"
        in operator.get(reverse("ledger:activity_detail", args=[activity.pk])).content.decode()
    )
    post(operator, "submit")
    post(district, "highlight", citation="短")
    assert not Activity.objects.get(pk=activity.pk).is_highlight
    post(district, "highlight", citation="郑飞社区把主题党日搬到线上，在职党员扫码参加，参学率达九成。")
    assert Activity.objects.get(pk=activity.pk).is_highlight
    post(district, "verify")
    assert status() == ActivityStatus.VERIFIED
    # A verified record cannot be deleted.
    post(operator, "delete")
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_draft_is_deleted_by_its_recorder_not_by_a_reader(make_activity, client_for):
    activity = make_activity("zhengfei")
    url = reverse("ledger:activity_delete", args=[activity.pk])
    assert client_for("city_leader").post(url).status_code == 403
    assert client_for("zhongyuan_admin").post(url).status_code == 404
    response = client_for("zhengfei_operator").post(url)
    assert response["Location"] == reverse("ledger:activities")
    assert not Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize("name", ["submit", "verify", "return", "highlight", "delete"])
def test_workflow_posts_are_404_outside_scope(name, make_activity, client_for):
    activity = make_activity("zhengfei")
    url = reverse(f"ledger:activity_{name}", args=[activity.pk])
    assert client_for("zhongyuan_admin").post(url, {"reason": "x", "citation": "x" * 20}).status_code == 404
    assert client_for("zhengfei_operator").get(url).status_code == 405


def test_the_detail_says_what_is_missing_for_a_required_action(
    make_activity, campaign, theme_day_action, client_for
):
    activity = make_activity("zhengfei", campaign=campaign, submit=True)
    html = client_for("zhengfei_operator").get(reverse("ledger:activity_detail", args=[activity.pk])).content
    text = html.decode()
    assert "开展主题党日（含第一议题）" in text
    assert "照片不少于2张（目前0张）" in text


def count_queries(client, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("ledger:activities"), filters).status_code == 200
    # Counts of the records (the bell's count of notices is another table's).
    return sum(1 for query in captured if "COUNT(" in query["sql"] and "ledger_activity" in query["sql"])


def test_an_unfiltered_list_is_counted_once_and_a_filtered_one_after_its_subtree(make_activity, client_for):
    for day in range(1, 4):
        make_activity("zhengfei", day=f"2021-06-{day:02d}")
    client = client_for("erqi_admin")
    assert count_queries(client) == 1
    assert count_queries(client, kind="theme_day") == 2


def test_an_unfiltered_list_past_the_cap_says_so(make_activity, client_for, monkeypatch):
    from xuejiao.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for day in range(1, 6):
        make_activity("zhengfei", day=f"2021-06-{day:02d}")
    response = client_for("erqi_admin").get(reverse("ledger:activities"))
    assert response.context["page_obj"].paginator.display_count == "3+"
    assert len(titles(response)) == 5
