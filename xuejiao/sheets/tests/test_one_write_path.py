"""One write path: a record imported from the activity sheet is the record the form's
services would have written, field by field, audit trail included."""

import pytest

from xuejiao.audit.models import AuditEntry
from xuejiao.ledger import services as ledger
from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode

from .helpers import import_file
from .test_activities_sheet import activity_row, ledger_file, local

# Set by the database or the clock, or naming the record: never equal between two records.
UNCOMPARED = {"id", "external_key", "created_at", "updated_at", "submitted_at"}


def form_fields(in_campaign, **changes) -> dict:
    """The fields of activity_row() as the form hands them to the services."""
    return {
        "campaign": in_campaign,
        "kind": ActivityKind.THEME_DAY,
        "title": "“七一”主题党日",
        "topic": "学党史",
        "starts_at": local(2021, 5, 20, 19, 30),
        "ends_at": local(2021, 5, 20, 21, 0),
        "place": "党群服务中心",
        "mode": Mode.OFFLINE,
        "host": "张伟",
        "speaker": "李秀英",
        "first_agenda": True,
        "first_agenda_content": "学习“七一”重要讲话",
        "expected": 30,
        "present": 28,
        "on_leave": 2,
        "absent": 0,
        "summary": "情况良好",
        **changes,
    }


def record(activity: Activity) -> dict:
    """Every field of the record but its id, number and times (whether it has a submission
    time is compared)."""
    values = {
        field.attname: getattr(activity, field.attname)
        for field in Activity._meta.concrete_fields
        if field.name not in UNCOMPARED
    }
    values["submitted"] = activity.submitted_at is not None
    return values


def trail(activity: Activity) -> list[tuple]:
    """The record's audit entries in order: who, what, where, the summary and the changes
    (a time written into the changes is compared by its presence)."""
    entries = AuditEntry.objects.filter(object_type="activity", object_id=str(activity.pk)).order_by("id")
    return [
        (
            entry.user_id,
            entry.username,
            entry.action,
            entry.organization_id,
            entry.org_path,
            entry.summary,
            {
                name: (bool(change[1]) if name.endswith("_at") else change)
                for name, change in entry.changes.items()
            },
        )
        for entry in entries
    ]


def assert_same(by_form: Activity, by_sheet: Activity) -> None:
    by_form.refresh_from_db()
    by_sheet.refresh_from_db()
    assert record(by_sheet) == record(by_form)
    assert trail(by_sheet) == trail(by_form)


@pytest.mark.parametrize("status", [ActivityStatus.DRAFT, ActivityStatus.SUBMITTED])
def test_a_new_record_is_the_same_by_form_and_by_sheet(admin, tree, campaign, status):  # noqa: F811
    submit = status == ActivityStatus.SUBMITTED
    by_form = ledger.create_activity(
        actor=admin, organization=tree.zhengfei, submit=submit, **form_fields(campaign)
    )
    job = import_file("activities", admin, ledger_file(activity_row(status=str(status.label))))
    assert job.status == "done", job.errors
    assert_same(by_form, Activity.objects.get(external_key="EQ-001"))


@pytest.mark.parametrize("submit", [False, True], ids=["changed", "changed and submitted"])
def test_a_changed_record_is_the_same_by_form_and_by_sheet(admin, tree, campaign, submit):  # noqa: F811
    """Both records start as the same draft; one is changed (and submitted) on its page, the
    other by a row of a sheet."""
    by_form, by_sheet = (
        ledger.create_activity(
            actor=admin, organization=tree.zhengfei, external_key=key, **form_fields(campaign)
        )
        for key in ("EQ-FORM", "EQ-SHEET")
    )
    changes = {"title": "“七一”主题党日（补记）", "present": 27, "on_leave": 3}
    ledger.update_activity(actor=admin, activity=by_form, loaded_version=by_form.version, **changes)
    if submit:
        ledger.submit_activity(actor=admin, activity=by_form)
    row = activity_row(
        key="EQ-SHEET",
        title=changes["title"],
        present=27,
        on_leave=3,
        status=str((ActivityStatus.SUBMITTED if submit else ActivityStatus.DRAFT).label),
    )
    job = import_file("activities", admin, ledger_file(row))
    assert job.status == "done", job.errors
    assert_same(by_form, by_sheet)


@pytest.fixture
def admin(personas):
    return personas["city_admin"]
