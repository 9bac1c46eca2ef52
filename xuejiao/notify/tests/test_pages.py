"""The bell's count, the notice list, opening a notice, marking read, and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuejiao.accounts.services import create_api_token
from xuejiao.notify.models import Notice, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(personas, tree):
    """Three notices for 郑飞社区's operator (one read), one for the street's operator."""

    def make(user, title, read=False):
        return Notice.objects.create(
            recipient=personas[user],
            kind=NoticeKind.RECORD_RETURNED,
            title=title,
            body="缺少照片",
            url=reverse("ledger:activities"),
            organization=tree.zhengfei,
            read_at=timezone.now() if read else None,
        )

    return {
        "first": make("zhengfei_operator", "退回：五月主题党日"),
        "second": make("zhengfei_operator", "退回：六月主题党日"),
        "old": make("zhengfei_operator", "已审核：四月主题党日", read=True),
        "other": make("street_operator", "给街道的通知"),
    }


def bell(html: str) -> str:
    start = html.index("app-bell")
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_in_one_query(client_for, notices):
    client = client_for("zhengfei_operator")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home:home")).content.decode()
    assert ">2</span>" in bell(html)
    assert len([q for q in queries.captured_queries if "notify_notice" in q["sql"]]) == 1


def test_no_badge_without_unread_notices(client_for, notices):
    html = client_for("city_admin").get(reverse("home:home")).content.decode()
    assert "app-bell-count" not in bell(html)


def test_the_list_shows_only_ones_own_notices_newest_first_unread_highlighted(client_for, notices):
    html = client_for("zhengfei_operator").get(reverse("notify:notices")).content.decode()
    assert "给街道的通知" not in html
    # Newest first: the read notice was made last.
    assert html.index("四月主题党日") < html.index("六月主题党日") < html.index("五月主题党日")
    assert html.count("app-notice-unread") == 2
    assert reverse("notify:notice_open", args=[notices["first"].pk]) in html


def test_the_empty_list_says_so_in_chinese(client_for, tree, personas):
    html = client_for("city_admin").get(reverse("notify:notices")).content.decode()
    assert "还没有通知" in html
    assert "全部标为已读" not in html


def test_opening_a_notice_marks_it_read_and_follows_its_link(client_for, notices):
    response = client_for("zhengfei_operator").get(reverse("notify:notice_open", args=[notices["first"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("ledger:activities")
    notices["first"].refresh_from_db()
    notices["second"].refresh_from_db()
    assert notices["first"].read_at is not None and notices["second"].read_at is None


def test_opening_another_users_notice_is_404_and_leaves_it_unread(client_for, notices):
    response = client_for("zhengfei_operator").get(reverse("notify:notice_open", args=[notices["other"].pk]))
    assert response.status_code == 404
    notices["other"].refresh_from_db()
    assert notices["other"].read_at is None


def test_a_link_leaving_the_site_is_not_followed(client_for, notices):
    Notice.objects.filter(pk=notices["first"].pk).update(url="https://example.com/")
    response = client_for("zhengfei_operator").get(reverse("notify:notice_open", args=[notices["first"].pk]))
    assert response["Location"] == reverse("notify:notices")


def test_mark_all_read_marks_only_ones_own(client_for, notices):
    client = client_for("zhengfei_operator")
    assert "全部标为已读" in client.get(reverse("notify:notices")).content.decode()
    assert client.get(reverse("notify:notice_read_all")).status_code == 405
    response = client.post(reverse("notify:notice_read_all"), follow=True)
    assert "所有通知已标为已读" in response.content.decode()
    assert not Notice.objects.filter(recipient__username="zhengfei_operator", read_at__isnull=True).exists()
    notices["other"].refresh_from_db()
    assert notices["other"].read_at is None
    assert "app-bell-count" not in bell(client.get(reverse("home:home")).content.decode())


def test_a_notice_about_a_unit_out_of_scope_is_not_listed(client_for, notices, tree):
    # The unit moved out of the recipient's reach: the notice stays hidden and unopenable.
    Notice.objects.filter(pk=notices["first"].pk).update(
        organization=tree.zhongyuan, org_path=tree.zhongyuan.path
    )
    client = client_for("zhengfei_operator")
    assert "五月主题党日" not in client.get(reverse("notify:notices")).content.decode()
    assert client.get(reverse("notify:notice_open", args=[notices["first"].pk])).status_code == 404


def api(personas, user="zhengfei_operator") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=personas[user], name='t')[1]}"}


def test_the_api_lists_ones_own_notices(client, personas, notices):
    body = client.get("/api/v1/notices?limit=2", **api(personas)).json()
    assert body["count"] == 3 and body["unread"] == 2
    # Newest first: the last made comes first.
    assert [item["title"] for item in body["items"]] == ["已审核：四月主题党日", "退回：六月主题党日"]
    unread = client.get("/api/v1/notices?unread=true", **api(personas)).json()
    assert {item["title"] for item in unread["items"]} == {"退回：五月主题党日", "退回：六月主题党日"}
    assert unread["items"][0]["kind_label"]


def test_the_api_marks_notices_read(client, personas, notices):
    headers = api(personas)
    other = notices["other"].pk
    answer = client.post(
        "/api/v1/notices/read",
        {"ids": [notices["first"].pk, other]},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 1}
    notices["other"].refresh_from_db()
    assert notices["other"].read_at is None
    nothing = client.post("/api/v1/notices/read", {}, content_type="application/json", **headers)
    assert nothing.status_code == 400 and "全部" in nothing.json()["detail"]
    everything = client.post(
        "/api/v1/notices/read", {"all": True}, content_type="application/json", **headers
    )
    assert everything.json() == {"marked": 1, "unread": 0}
