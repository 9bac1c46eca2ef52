"""The activity ledger from a spreadsheet: the form's rules row by row, bulk writes with their
audit trail and completion figures, idempotent re-import, export → import, the record number."""

import datetime as dt
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from xuejiao.accounts.models import RoleAssignment
from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.models import Completion, CompletionRollup
from xuejiao.core.errors import PermissionDenied
from xuejiao.core.roles import Role
from xuejiao.ledger import services as ledger
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
from xuejiao.orgs.models import Category
from xuejiao.sheets import services
from xuejiao.sheets.spec import get_spec

from .helpers import check, header, import_file, reasons, xlsx

ZONE = timezone.get_current_timezone()


def local(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=ZONE)


def activity_row(
    key="EQ-001",
    org="ZZ-EQ-RH-ZF",
    campaign="党史学习教育",
    kind="主题党日",
    title="“七一”主题党日",
    topic="学党史",
    starts="2021-05-20 19:30",
    ends="2021-05-20 21:00",
    place="党群服务中心",
    mode="线下",
    host="张伟",
    speaker="李秀英",
    first_agenda="是",
    first_agenda_content="学习“七一”重要讲话",
    expected=30,
    present=28,
    on_leave=2,
    absent=0,
    summary="情况良好",
    status="已提交",
):
    return [
        key,
        org,
        campaign,
        kind,
        title,
        topic,
        starts,
        ends,
        place,
        mode,
        host,
        speaker,
        first_agenda,
        first_agenda_content,
        expected,
        present,
        on_leave,
        absent,
        summary,
        status,
    ]


def ledger_file(*rows, **options):
    return xlsx([header("activities"), *rows], **options)


def snapshot():
    return list(Activity.objects.order_by("id").values())


def writes():
    """What an import could have written."""
    return {
        "activities": Activity.objects.count(),
        "audit": AuditEntry.objects.exclude(object_type="importjob").count(),
        "completion": list(Completion.objects.order_by("id").values_list("count", "done")),
    }


def assert_refused(job, text, *, row, col):
    assert job.status == "invalid", job.errors
    matching = [e for e in job.errors if text in e["reason"]]
    assert matching, f"{text!r} not in {reasons(job)}"
    assert (matching[0]["row"], matching[0]["col"]) == (row, col), matching[0]


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


@pytest.fixture
def district_campaign(personas, tree):
    return campaign_services.create_campaign(
        actor=personas["erqi_admin"],
        root=tree.erqi,
        name="二七区专题学习",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )


def zhengfei_done():
    cell = Completion.objects.get(organization__code="ZZ-EQ-RH-ZF")
    rollup = CompletionRollup.objects.get(organization__code="ZZ-EQ", category=Category.COMMUNITY)
    return cell.count, cell.done, rollup.done


# --- template ---------------------------------------------------------------------------------


def test_template_has_the_columns_and_drop_downs(client_for, campaign, district_campaign):
    response = client_for("zhengfei_operator").get(reverse("sheets:template", args=["activities"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data, _instructions, lists = workbook.worksheets
    assert [cell.value for cell in data[1]] == header("activities")
    assert header("activities")[:4] == ["记录编号", "组织代码", "学习教育活动", "活动类型"]
    assert header("activities")[-1] == "状态"
    assert data.max_row == 1
    validated = {str(validation.sqref).split(":")[0] for validation in data.data_validations.dataValidation}
    # campaign, kind, mode, first agenda item, status
    assert validated == {"C2", "D2", "J2", "M2", "T2"}
    listed = {cell.value for row in lists.iter_rows() for cell in row if cell.value}
    assert {"党史学习教育", "二七区专题学习", "主题党日", "线上", "是", "否", "草稿", "已提交"} <= listed


def template_campaigns(client) -> list[str]:
    response = client.get(reverse("sheets:template", args=["activities"]))
    lists = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[2]
    column = next(col for col in lists.iter_cols() if col[0].value == "学习教育活动")
    return [cell.value for cell in column[1:] if cell.value]


def test_the_campaign_list_shows_the_campaigns_the_downloader_sees(client_for, campaign, district_campaign):
    """Another district's campaign is not offered (the import would refuse it, and its name
    is not the downloader's business)."""
    assert template_campaigns(client_for("erqi_admin")) == ["二七区专题学习", "党史学习教育"]
    assert template_campaigns(client_for("zhongyuan_admin")) == ["党史学习教育"]


# --- a valid file -------------------------------------------------------------------------------


def test_a_valid_file_creates_the_records_with_audit_and_completion(admin, tree, campaign):
    assert zhengfei_done() == (0, False, 0)
    rows = [
        activity_row(),
        activity_row(
            key="EQ-002",
            org="ZZ-EQ-RH-ZF-1",
            campaign="",
            kind="支部党员大会",
            title="支部党员大会",
            starts="2021/6/1",
            ends="",
            mode="",
            first_agenda="",
            first_agenda_content="",
            expected="",
            present="",
            on_leave="",
            absent="",
            summary="",
            status="",
        ),
    ]
    job = import_file("activities", admin, ledger_file(*rows))
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    first, second = Activity.objects.order_by("external_key")
    assert (first.external_key, first.organization, first.org_path, first.campaign) == (
        "EQ-001",
        tree.zhengfei,
        tree.zhengfei.path,
        campaign,
    )
    assert (first.kind, first.title, first.topic, first.place, first.mode, first.host, first.speaker) == (
        ActivityKind.THEME_DAY,
        "“七一”主题党日",
        "学党史",
        "党群服务中心",
        Mode.OFFLINE,
        "张伟",
        "李秀英",
    )
    assert (first.starts_at, first.ends_at) == (local(2021, 5, 20, 19, 30), local(2021, 5, 20, 21, 0))
    assert (first.first_agenda, first.first_agenda_content) == (True, "学习“七一”重要讲话")
    assert (first.expected, first.present, first.on_leave, first.absent) == (30, 28, 2, 0)
    assert (first.summary, first.status, first.version, first.created_by) == (
        "情况良好",
        "submitted",
        1,
        admin,
    )
    assert first.submitted_at is not None
    assert (second.campaign, second.kind, second.starts_at, second.ends_at) == (
        None,
        ActivityKind.BRANCH_MEETING,
        local(2021, 6, 1),
        None,
    )
    assert (second.mode, second.first_agenda, second.expected, second.status) == (
        Mode.OFFLINE,
        False,
        0,
        ActivityStatus.DRAFT,
    )
    assert second.submitted_at is None
    # The submitted theme day counts at once, for the community and up the tree.
    assert zhengfei_done() == (1, True, 1)


def test_bulk_creation_leaves_the_audit_trail_the_form_leaves(admin, tree, campaign):
    by_service = ledger.create_activity(
        actor=admin,
        organization=tree.zhengfei,
        kind=ActivityKind.LECTURE,
        title="对照",
        starts_at=local(2021, 5, 1, 9),
    )
    import_file("activities", admin, ledger_file(activity_row()))
    by_import = Activity.objects.get(external_key="EQ-001")

    def entry(activity):
        found = AuditEntry.objects.get(object_type="activity", object_id=str(activity.pk))
        return (
            found.user,
            found.action,
            found.organization,
            found.org_path,
            found.summary.replace(activity.title, "…"),
            found.changes,
        )

    assert entry(by_import) == entry(by_service)


def test_importing_the_same_file_twice_changes_nothing(admin, tree, campaign):
    content = ledger_file(activity_row(), activity_row(key="EQ-002", title="第二次"))
    import_file("activities", admin, content)
    before, audit = snapshot(), AuditEntry.objects.exclude(object_type="importjob").count()
    job = import_file("activities", admin, content)
    assert job.status == "done"
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert snapshot() == before
    assert AuditEntry.objects.exclude(object_type="importjob").count() == audit


def test_a_changed_row_updates_exactly_that_record(admin, tree, campaign):
    rows = [
        activity_row(status="草稿"),
        activity_row(key="EQ-002", title="第二次"),
        activity_row(key="EQ-003", title="第三次"),
    ]
    import_file("activities", admin, ledger_file(*rows))
    assert zhengfei_done() == (2, True, 1)
    before = {row["external_key"]: row for row in snapshot()}
    rows[0] = activity_row(status="已提交", present=29, on_leave=1)  # submitted now, with new figures
    job = import_file("activities", admin, ledger_file(*rows))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    after = {row["external_key"]: row for row in snapshot()}
    assert after["EQ-002"] == before["EQ-002"] and after["EQ-003"] == before["EQ-003"]
    changed = Activity.objects.get(external_key="EQ-001")
    # As on the pages: the change (one version, one entry), then the submission (another).
    assert (changed.present, changed.on_leave, changed.status, changed.version) == (29, 1, "submitted", 3)
    assert changed.submitted_at is not None
    update, submission = AuditEntry.objects.filter(
        object_type="activity", action=AuditAction.UPDATE
    ).order_by("id")
    assert update.object_id == submission.object_id == str(changed.pk)
    assert update.changes == {"present": ["28", "29"], "on_leave": ["2", "1"]}
    assert submission.changes == {
        "status": ["draft", "submitted"],
        "submitted_at": str(changed.submitted_at),
        "submitted_by": str(admin),
        "return_reason": "",
    }
    assert zhengfei_done() == (3, True, 1)


def test_export_then_import_is_a_no_op(admin, personas, tree, campaign):
    """Records from the pages (no number of their own: exported as xj-<id>), with seconds in their
    times, verified and returned ones, and records imported before."""
    operator = personas["zhengfei_operator"]
    import_file("activities", admin, ledger_file(activity_row(), activity_row(key="EQ-002", status="草稿")))
    from_page = ledger.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        campaign=campaign,
        kind=ActivityKind.THEME_DAY,
        title=" 网上录入 ",
        starts_at=local(2021, 4, 2, 8, 15, 42),
        summary="第一行\r\n第二行",
        first_agenda=True,
        first_agenda_content="学习",
        expected=10,
        present=9,
        submit=True,
    )
    verified = ledger.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        kind=ActivityKind.LECTURE,
        title="已审核",
        starts_at=local(2021, 4, 3),
    )
    ledger.submit_activity(actor=operator, activity=verified)
    ledger.verify_activity(actor=personas["erqi_admin"], activity=verified)
    returned = ledger.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        kind=ActivityKind.FILM,
        title="退回",
        starts_at=local(2021, 4, 4),
    )
    ledger.submit_activity(actor=operator, activity=returned)
    ledger.return_activity(actor=personas["erqi_admin"], activity=returned, reason="缺照片")

    spool, rows = services.export_sheet(spec=get_spec("activities"), actor=admin)
    assert rows == 5
    content = spool.read()
    exported = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    keys = {row[0] for row in exported.iter_rows(min_row=2, values_only=True)}
    assert keys == {"EQ-001", "EQ-002", f"xj-{from_page.pk}", f"xj-{verified.pk}", f"xj-{returned.pk}"}

    before, figures = snapshot(), zhengfei_done()
    job = import_file("activities", admin, content)
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 5)
    assert snapshot() == before
    assert zhengfei_done() == figures
    # The operator, who records only for the community, gets the same answer.
    spool, rows = services.export_sheet(spec=get_spec("activities"), actor=operator)
    job = import_file("activities", operator, spool.read())
    assert (job.status, job.unchanged_count) == ("done", 5)


def test_a_record_from_the_pages_is_updated_by_its_exported_number(admin, personas, tree, campaign):
    activity = ledger.create_activity(
        actor=admin,
        organization=tree.zhengfei,
        kind=ActivityKind.LECTURE,
        title="讲座",
        starts_at=local(2021, 4, 2),
    )
    row = activity_row(key=f"XJ-{activity.pk}", campaign="", kind="宣讲", title="讲座（改）", status="草稿")
    job = import_file("activities", admin, ledger_file(row))
    assert (job.status, job.updated_count) == ("done", 1), reasons(job)
    activity.refresh_from_db()
    assert (activity.title, activity.external_key, activity.version) == ("讲座（改）", None, 2)


def test_a_leader_sees_but_cannot_import(personas, tree):
    with pytest.raises(PermissionDenied):
        check("activities", personas["city_leader"], ledger_file(activity_row()))


def test_a_street_operator_imports_for_the_street(personas, tree, campaign):
    job = import_file("activities", personas["street_operator"], ledger_file(activity_row()))
    assert (job.status, job.created_count) == ("done", 1), reasons(job)


# --- refused rows: reason, row and column, and nothing written ------------------------------------


@pytest.fixture
def before(tree, campaign):
    return writes()


def test_organisation_outside_scope_reads_as_unknown(personas, before):
    user = personas["erqi_admin"]
    job = check("activities", user, ledger_file(activity_row(), activity_row(key="EQ-002", org="ZZ-ZY-LH")))
    assert_refused(job, "在您的组织范围内找不到代码为“ZZ-ZY-LH”的组织", row=3, col="B")
    unknown = check("activities", user, ledger_file(activity_row(org="ZZ-NONE")))
    assert_refused(unknown, "在您的组织范围内找不到代码为“ZZ-NONE”的组织", row=2, col="B")
    assert len(job.errors) == len(unknown.errors) == 1
    assert writes() == before


def test_organisation_seen_but_not_recorded_for(personas, tree, before):
    """A leader above who is an operator below: rows for the part only seen are refused by name."""
    user = personas["street_operator"]
    RoleAssignment.objects.create(user=user, role=Role.LEADER, organization=tree.city, include_subtree=True)
    user.forget_assignments()
    job = check("activities", user, ledger_file(activity_row(org="ZZ-ZY-LH", campaign="")))
    assert_refused(job, "“林山寨街道”（ZZ-ZY-LH）不在您可修改的组织范围内", row=2, col="B")
    assert writes() == before


def test_campaign_that_does_not_cover_the_organisation(admin, district_campaign, before):
    row = activity_row(org="ZZ-JY-1Z", campaign="二七区专题学习")
    assert_refused(
        check("activities", admin, ledger_file(row)), "该组织不在“二七区专题学习”的参加范围内", row=2, col="C"
    )
    assert writes() == before


def test_campaign_the_importer_cannot_see(personas, district_campaign, before):
    row = activity_row(org="ZZ-ZY-LH", campaign="二七区专题学习")
    job = check("activities", personas["zhongyuan_admin"], ledger_file(row))
    assert_refused(job, "没有名为“二七区专题学习”", row=2, col="C")
    assert writes() == before


@pytest.mark.parametrize(
    ("changes", "reason", "col"),
    [
        ({"ends": "2021-05-20 18:00"}, "结束时间不能早于开始时间", "H"),
        ({"first_agenda_content": ""}, "请填写第一议题学习内容", "N"),
        ({"present": 31}, "超过应到人数", "P"),
        ({"starts": "2022-01-05 09:00", "ends": ""}, "不在“党史学习教育”", "G"),
        ({"status": "已审核"}, "导入不能将记录设为已审核", "T"),
        ({"status": "已退回"}, "导入不能退回记录", "T"),
        ({"kind": "茶话会"}, "不是允许的值", "D"),
        ({"key": "xj-99999"}, "找不到编号为“xj-99999”的记录", "A"),
        ({"starts": "2021-05-20 25:00"}, "无法识别时间", "G"),
    ],
)
def test_a_row_against_the_rules_of_the_form(admin, before, changes, reason, col):
    good = activity_row(key="EQ-000")
    job = check("activities", admin, ledger_file(good, activity_row(**changes)))
    assert_refused(job, reason, row=3, col=col)
    assert job.error_count == 1
    assert writes() == before


def test_duplicate_record_numbers(admin, before):
    job = check(
        "activities",
        admin,
        ledger_file(activity_row(), activity_row(title="又一次"), activity_row(key="EQ-9")),
    )
    assert job.status == "invalid"
    assert sorted((e["row"], e["col"]) for e in job.errors) == [(2, "A"), (3, "A")]
    assert "第2、3行的记录编号相同" in job.errors[0]["reason"]
    assert writes() == before


def test_a_changed_verified_row_is_refused_an_unchanged_one_is_not(admin, personas, tree, campaign):
    import_file("activities", admin, ledger_file(activity_row()))
    record = Activity.objects.get()
    ledger.verify_activity(actor=personas["erqi_admin"], activity=record)
    verified = activity_row(status="已审核")
    job = import_file("activities", admin, ledger_file(verified))
    assert (job.status, job.unchanged_count) == ("done", 1)
    state = writes()
    job = check("activities", admin, ledger_file(activity_row(status="已审核", present=27)))
    assert_refused(job, "已审核的记录不能通过导入修改", row=2, col="P")
    job = check("activities", admin, ledger_file(activity_row(status="已提交")))
    assert_refused(job, "已审核的记录不能通过导入修改", row=2, col="T")
    assert writes() == state


def test_no_going_back_to_draft(admin, personas, tree, campaign):
    import_file("activities", admin, ledger_file(activity_row()))
    ledger.return_activity(actor=personas["erqi_admin"], activity=Activity.objects.get(), reason="请补充照片")
    job = check("activities", admin, ledger_file(activity_row(status="草稿")))
    assert_refused(job, "已提交或已退回的记录不能改回草稿", row=2, col="T")


def test_a_record_awaiting_review_is_not_changed_by_an_import(admin, tree, campaign):
    """As on the pages: a submitted record is read-only until it is returned or withdrawn."""
    import_file("activities", admin, ledger_file(activity_row()))
    state = writes()
    job = check("activities", admin, ledger_file(activity_row(present=29, on_leave=1)))
    matching = [error for error in job.errors if "该记录正在等待上级审核，不能修改" in error["reason"]]
    assert job.status == "invalid" and [error["row"] for error in matching] == [2], reasons(job)
    assert writes() == state


def test_record_numbers_of_another_district(personas, tree, campaign):
    """A number in use elsewhere is refused without saying where; a record is not moved."""
    import_file(
        "activities", personas["zhongyuan_admin"], ledger_file(activity_row(key="ZY-1", org="ZZ-ZY-LH"))
    )
    state = writes()
    job = check("activities", personas["erqi_admin"], ledger_file(activity_row(key="ZY-1")))
    assert_refused(job, "记录编号“ZY-1”不能用于新记录", row=2, col="A")
    assert "林山寨" not in job.errors[0]["reason"] and "范围" not in job.errors[0]["reason"]
    job = check("activities", personas["city_admin"], ledger_file(activity_row(key="ZY-1")))
    assert_refused(job, "该记录属于“林山寨街道”（ZZ-ZY-LH）。导入不能把记录移到其他组织", row=2, col="B")
    other = Activity.objects.get()
    job = check("activities", personas["erqi_admin"], ledger_file(activity_row(key=f"xj-{other.pk}")))
    assert_refused(job, f"找不到编号为“xj-{other.pk}”的记录", row=2, col="A")
    assert writes() == state


def test_dates_and_times_in_every_form_people_type(admin, tree):
    forms = {
        "2021-03-02": local(2021, 3, 2),
        "2021/3/2": local(2021, 3, 2),
        "2021.3.2": local(2021, 3, 2),
        "2021年3月2日": local(2021, 3, 2),
        44257: local(2021, 3, 2),
        44257.75: local(2021, 3, 2, 18),
        dt.date(2021, 3, 2): local(2021, 3, 2),
        dt.datetime(2021, 3, 2, 9, 30): local(2021, 3, 2, 9, 30),
        "２０２１／３／２ ９：３０": local(2021, 3, 2, 9, 30),
        "2021-03-02T09:30:15": local(2021, 3, 2, 9, 30, 15),
        "2021年3月2日 9时30分": local(2021, 3, 2, 9, 30),
        "2021年3月2日9:30": local(2021, 3, 2, 9, 30),
    }
    rows = [
        activity_row(key=f"D{index}", campaign="", starts=form, ends="", first_agenda="否")
        for index, form in enumerate(forms)
    ]
    job = import_file("activities", admin, ledger_file(*rows))
    assert job.status == "done", reasons(job)
    starts = dict(Activity.objects.values_list("external_key", "starts_at"))
    assert [starts[f"D{index}"] for index in range(len(forms))] == list(forms.values())


def test_a_bad_date_names_its_cell(admin, before):
    rows = [
        activity_row(starts="2021-02-30"),
        activity_row(key="EQ-2", ends=20210520),
        activity_row(key="EQ-3", starts="5/20"),
    ]
    job = check("activities", admin, ledger_file(*rows))
    assert job.status == "invalid"
    assert [(e["row"], e["col"], e["reason"]) for e in job.errors] == [
        (2, "G", "日期“2021-02-30”不存在：该月没有30日。"),
        (3, "H", "数字20210520不是有效的Excel日期，请按2021-03-02的格式填写日期。"),
        (4, "G", "无法识别日期“5/20”，请按2021-03-02的格式填写。"),
    ]
    assert writes() == before


def completion_figures():
    cells = sorted(Completion.objects.values_list("action", "organization", "count", "done", "done_at"))
    rollups = sorted(
        CompletionRollup.objects.values_list(
            "action", "org_path", "category", "applicable", "done", "started"
        )
    )
    return cells, rollups


def test_an_import_refreshes_the_organisations_it_touched_and_no_others(admin, tree, campaign, monkeypatch):
    """The figures after an import equal a full rebuild, yet the cells of organisations it did
    not touch are left as they were: the cost follows the import, not the campaign."""
    from xuejiao.campaigns import completion
    from xuejiao.orgs.models import Kind, Organization

    def community(parent, code, name):
        return Organization.objects.add_child(
            parent, {"code": code, "name": name, "category": Category.COMMUNITY, "kind": Kind.BRANCH}
        )

    communities = [community(tree.renhe, f"ZZ-EQ-RH-{n}", f"社区{n}") for n in range(4)]
    communities.append(community(tree.zhongyuan_street, "ZZ-ZY-LH-1", "林山社区"))
    completion.rebuild_campaign(campaign)
    untouched = {
        cell.organization_id: cell.pk
        for cell in Completion.objects.filter(organization__in=[communities[3], tree.zhengfei])
    }
    monkeypatch.setattr(completion, "REFRESH_BATCH", 2)  # several batches, as in a city-wide file
    rows = [
        activity_row(key="EQ-1", org="ZZ-EQ-RH-0"),
        activity_row(key="EQ-2", org="ZZ-EQ-RH-1"),
        activity_row(key="EQ-3", org="ZZ-EQ-RH-1", status="草稿"),
        activity_row(key="EQ-4", org="ZZ-EQ-RH-2", first_agenda="否", first_agenda_content=""),
        activity_row(key="ZY-1", org="ZZ-ZY-LH-1"),
    ]
    job = import_file("activities", admin, ledger_file(*rows))
    assert job.status == "done", reasons(job)
    figures = completion_figures()
    done = dict(Completion.objects.values_list("organization__code", "done"))
    assert done == {
        "ZZ-EQ-RH-ZF": False,
        "ZZ-EQ-RH-0": True,
        "ZZ-EQ-RH-1": True,
        "ZZ-EQ-RH-2": False,  # no first agenda item: it does not count
        "ZZ-EQ-RH-3": False,
        "ZZ-ZY-LH-1": True,
    }
    assert CompletionRollup.objects.get(org_path=tree.city.path, category=Category.COMMUNITY).done == 3
    assert {
        cell.organization_id: cell.pk
        for cell in Completion.objects.filter(organization__in=[communities[3], tree.zhengfei])
    } == untouched
    completion.rebuild_campaign(campaign)
    assert completion_figures() == figures


def test_submitting_by_import_gives_absent_members_their_make_up_study(admin, personas, tree):
    """As submit_activity: a draft with attendance marks, submitted from the sheet."""
    from xuejiao.ledger.models import MakeUpTask
    from xuejiao.ledger.services import mark_attendance
    from xuejiao.orgs.models import Person

    operator = personas["zhengfei_operator"]
    draft = ledger.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        kind=ActivityKind.PARTY_CLASS,
        title="党课",
        starts_at=local(2021, 5, 8),
    )
    member = Person.objects.get(organization=tree.zhengfei)
    mark_attendance(actor=operator, activity=draft, marks={member.pk: ("absent", "出差")})
    spool, _rows = services.export_sheet(spec=get_spec("activities"), actor=operator)
    workbook = openpyxl.load_workbook(spool)
    sheet = workbook.worksheets[0]
    assert sheet["A2"].value == f"xj-{draft.pk}" and sheet["T2"].value == "草稿"
    sheet["T2"] = "已提交"
    content = io.BytesIO()
    workbook.save(content)
    job = import_file("activities", operator, content.getvalue())
    assert (job.status, job.updated_count) == ("done", 1), reasons(job)
    draft.refresh_from_db()
    assert draft.status == ActivityStatus.SUBMITTED and draft.submitted_at is not None
    assert list(MakeUpTask.objects.values_list("person", "activity")) == [(member.pk, draft.pk)]


def test_out_of_scope_numbers_and_codes_answer_as_unknown_ones(personas, tree, campaign):
    """An xj- number or an organisation code of another district gets, word for word, the
    answer of one that does not exist."""
    import_file(
        "activities", personas["zhongyuan_admin"], ledger_file(activity_row(key="ZY-1", org="ZZ-ZY-LH"))
    )
    other = Activity.objects.get()
    user = personas["erqi_admin"]

    def answer(row):
        job = check("activities", user, ledger_file(row))
        return [(e["col"], e["reason"].replace(row[0], "KEY").replace(row[1], "CODE")) for e in job.errors]

    assert answer(activity_row(key=f"xj-{other.pk}")) == answer(activity_row(key="xj-99999999"))
    assert answer(activity_row(key="EQ-1", org="ZZ-ZY-LH")) == answer(activity_row(key="EQ-1", org="ZZ-NONE"))
