"""The imports endpoints: upload, job status, problems, confirmation; jobs scoped like the pages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xuejiao.accounts.services import create_api_token
from xuejiao.audit.models import AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Completion
from xuejiao.ledger.models import Activity, ActivityKind
from xuejiao.orgs.models import Category
from xuejiao.sheets.models import ImportJob
from xuejiao.sheets.tests.helpers import header, xlsx


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def campaign(personas, tree):
    campaign = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )
    campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="主题党日",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        due_date=date(2021, 6, 30),
    )
    return campaign


@pytest.fixture
def api(personas):
    """api("street_operator").get(path) / .post(path, data) with that user's token."""
    tokens = {}

    class Caller:
        def __init__(self, username):
            if username not in tokens:
                tokens[username] = create_api_token(user=personas[username], name="t")[1]
            self.client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[username]}")

        def get(self, path, params=None):
            return self.client.get(f"/api/v1{path}", params or {})

        def post(self, path, data=None):
            return self.client.post(f"/api/v1{path}", data or {})

        def upload(self, content, sheet="activities", name="台账.xlsx"):
            return self.post("/imports", {"sheet": sheet, "file": SimpleUploadedFile(name, content)})

    return Caller


def row(key="RH-001", org="ZZ-EQ-RH-ZF", **values):
    cells = {
        "记录编号": key,
        "组织代码": org,
        "学习教育活动": "党史学习教育",
        "活动类型": "主题党日",
        "活动名称": "主题党日",
        "开始时间": "2021-05-20 19:30",
        "应到": 30,
        "实到": 28,
        "状态": "已提交",
    }
    cells.update(values)
    return [cells.get(name, "") for name in header("activities")]


def ledger(*rows):
    return xlsx([header("activities"), *rows])


def written():
    return Activity.objects.count(), AuditEntry.objects.filter(object_type="activity").count()


def test_upload_check_confirm(api, tree, campaign):
    operator = api("street_operator")
    response = operator.upload(ledger(row(), row(key="RH-002", 组织代码="ZZ-EQ-RH", 学习教育活动="")))
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["sheet"], job["file_name"], job["status"], job["progress"]) == (
        "activities",
        "台账.xlsx",
        "ready",
        100,
    )
    assert (job["rows_total"], job["created"], job["updated"], job["unchanged"]) == (2, 2, 0, 0)
    assert (job["error_count"], job["errors"], job["can_confirm"]) == (0, [], True)
    assert written() == (0, 0)

    assert operator.get(f"/imports/{job['id']}").json()["status"] == "ready"
    response = operator.post(f"/imports/{job['id']}/confirm")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["created"]) == ("done", 2)
    assert written() == (2, 2)
    assert Completion.objects.get(organization=tree.zhengfei).done
    # Once imported it is not ready any more: a second confirmation is refused.
    again = operator.post(f"/imports/{job['id']}/confirm")
    assert again.status_code == 400 and again.json()["detail"]
    assert written() == (2, 2)


def test_a_file_with_errors_lists_them_and_cannot_be_confirmed(api, tree, campaign):
    operator = api("street_operator")
    rows = [row(key=f"RH-{n}", 实到=40 if n % 2 else 28) for n in range(30)]
    job = operator.upload(ledger(*rows)).json()
    assert job["status"] == "invalid" and job["nothing_written"] and not job["can_confirm"]
    assert job["error_count"] == 15 and len(job["errors"]) == 15
    first = job["errors"][0]
    assert (first["row"], first["col"], first["column"], first["value"]) == (3, "P", "实到", "40")
    assert "超过应到人数" in first["reason"]

    page = operator.get(f"/imports/{job['id']}/errors", {"limit": 5, "offset": 10}).json()
    assert (page["count"], page["total"]) == (15, 15)
    assert [error["row"] for error in page["items"]] == [23, 25, 27, 29, 31]

    response = operator.post(f"/imports/{job['id']}/confirm")
    assert response.status_code == 400
    assert response.json()["detail"] == "该文件尚不能导入。"
    assert written() == (0, 0)


def test_a_file_that_is_not_a_workbook(api, tree):
    csv = "记录编号,组织代码\nRH-1,ZZ-EQ-RH\n".encode()
    response = api("street_operator").upload(csv)
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "invalid"
    assert job["errors"][0]["row"] is None and "文本（CSV）文件" in job["errors"][0]["reason"]
    assert api("street_operator").post(f"/imports/{job['id']}/confirm").status_code == 400
    assert written() == (0, 0)


def test_unknown_sheet_missing_file_and_who_may_upload(api, tree):
    assert api("street_operator").upload(ledger(row()), sheet="nope").status_code == 400
    assert api("street_operator").post("/imports", {"sheet": "activities"}).status_code == 422
    # A leader sees the ledger but records nothing; an operator may not import people.
    assert api("city_leader").upload(ledger(row())).status_code == 403
    assert api("street_operator").upload(xlsx([header("people")]), sheet="people").status_code == 403
    assert not ImportJob.objects.exists()


def test_jobs_are_scoped_like_the_pages(api, tree, campaign):
    job = api("street_operator").upload(ledger(row())).json()
    path = f"/imports/{job['id']}"
    # The district above sees it but only the uploader confirms; another district gets 404.
    seen = api("erqi_admin").get(path).json()
    assert (seen["status"], seen["can_confirm"]) == ("ready", False)
    assert api("erqi_admin").post(f"{path}/confirm").status_code == 403
    for method, suffix in (("get", ""), ("get", "/errors"), ("post", "/confirm")):
        assert getattr(api("zhongyuan_admin"), method)(path + suffix).status_code == 404
    assert api("zhengfei_operator").get(path).status_code == 404
    assert api("zhongyuan_admin").get("/imports").json() == {"count": 0, "items": []}
    listed = api("erqi_admin").get("/imports").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == job["id"]
    assert Client().get(f"/api/v1{path}").status_code == 401
    assert written() == (0, 0)


def test_a_large_file_is_checked_and_imported_by_the_worker(api, tree, campaign, settings):
    settings.SHEETS_INLINE_ROWS = 2
    operator = api("street_operator")
    job = operator.upload(ledger(*[row(key=f"RH-{n}") for n in range(5)])).json()
    # The immediate backend runs the task at once in tests; in production the job is
    # "uploaded" until the worker takes it, and the client polls GET /imports/{id}.
    assert ImportJob.objects.get(pk=job["id"]).task_id
    assert operator.get(f"/imports/{job['id']}").json()["status"] == "ready"
    operator.post(f"/imports/{job['id']}/confirm")
    assert operator.get(f"/imports/{job['id']}").json()["status"] == "done"
    assert written() == (5, 5)


def test_the_browser_session_works_too(client_for, tree, campaign):
    client = client_for("street_operator")
    response = client.post(
        "/api/v1/imports", {"sheet": "activities", "file": SimpleUploadedFile("a.xlsx", ledger(row()))}
    )
    assert response.status_code == 201, response.content
    assert client.post(f"/api/v1/imports/{response.json()['id']}/confirm").json()["status"] == "done"
