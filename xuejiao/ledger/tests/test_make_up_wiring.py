"""Make-up study tasks follow the workflow: submit, and attendance corrected afterwards."""

from datetime import datetime

from django.utils import timezone

from xuejiao.ledger import services
from xuejiao.ledger.models import ActivityKind, AttendanceStatus, MakeUpTask
from xuejiao.orgs.models import Person


def test_marking_someone_absent_after_submission_gives_them_a_make_up_task(personas, tree):
    operator = personas["zhengfei_operator"]
    member = Person.objects.get(organization=tree.zhengfei)
    activity = services.create_activity(
        actor=operator,
        organization=tree.zhengfei,
        kind=ActivityKind.THEME_DAY,
        title="主题党日",
        starts_at=timezone.make_aware(datetime(2021, 5, 20, 19, 30)),
        expected=1,
        submit=True,
    )
    assert not MakeUpTask.objects.exists()
    services.mark_attendance(
        actor=operator, activity=activity, marks={member.pk: (AttendanceStatus.ABSENT, "出差")}
    )
    assert list(MakeUpTask.objects.values_list("person_id", flat=True)) == [member.pk]
    services.mark_attendance(
        actor=operator, activity=activity, marks={member.pk: (AttendanceStatus.PRESENT, "")}
    )
    assert not MakeUpTask.objects.filter(status="open").exists()
