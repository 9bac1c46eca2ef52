"""Make-up study tasks follow the workflow: submit, and attendance corrected after a withdrawal."""

from datetime import datetime

from django.utils import timezone

from xuejiao.ledger import services
from xuejiao.ledger.models import ActivityKind, AttendanceStatus, MakeUpTask
from xuejiao.orgs.models import Person


def test_make_up_tasks_follow_attendance_corrected_after_a_withdrawal(personas, tree):
    operator = personas["zhengfei_operator"]
    member = Person.objects.get(organization=tree.zhengfei)
    activity = services.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        kind=ActivityKind.THEME_DAY,
        title="主题党日",
        starts_at=timezone.make_aware(datetime(2021, 5, 20, 19, 30)),
        expected=1,
    )
    services.mark_attendance(
        actor=operator, activity=activity, marks={member.pk: (AttendanceStatus.ABSENT, "出差")}
    )
    assert not MakeUpTask.objects.exists()
    services.submit_activity(actor=operator, activity=activity)
    assert list(MakeUpTask.objects.values_list("person_id", flat=True)) == [member.pk]
    # Awaiting review the marks are read-only: withdraw, correct, submit again.
    services.withdraw_activity(actor=operator, activity=activity)
    services.mark_attendance(
        actor=operator, activity=activity, marks={member.pk: (AttendanceStatus.PRESENT, "")}
    )
    services.submit_activity(actor=operator, activity=activity)
    assert not MakeUpTask.objects.filter(status="open").exists()
