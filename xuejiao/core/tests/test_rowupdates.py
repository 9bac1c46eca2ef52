"""update_rows writes what a save() of each row would, on SQLite and PostgreSQL."""

import datetime as dt
from zoneinfo import ZoneInfo

from xuejiao.audit.models import AuditEntry
from xuejiao.core.rowupdates import update_rows
from xuejiao.orgs.models import Person


def test_each_row_gets_its_own_values(tree):
    people = [
        Person.objects.create(organization=tree.zhengfei, name=f"人员{n}", sort_order=n) for n in range(3)
    ]
    update_rows(
        Person,
        ("name", "phone", "is_party_member"),
        [(people[0].pk, "甲", "13800000000", False), (people[2].pk, "丙", "", True)],
    )
    assert list(
        Person.objects.filter(pk__in=[p.pk for p in people])
        .order_by("pk")
        .values_list("name", "phone", "is_party_member")
    ) == [("甲", "13800000000", False), ("人员1", "", True), ("丙", "", True)]


def test_add_moves_counters_by_a_difference(tree):
    people = [
        Person.objects.create(organization=tree.zhengfei, name=f"人员{n}", sort_order=10) for n in range(2)
    ]
    update_rows(Person, ("sort_order",), [(people[0].pk, 5), (people[1].pk, -3)], add=True)
    assert sorted(
        Person.objects.filter(pk__in=[p.pk for p in people]).values_list("sort_order", flat=True)
    ) == [7, 15]


def test_datetimes_and_nulls(personas, tree):
    entries = [
        AuditEntry.objects.create(user=personas["city_admin"], action="create", organization=tree.erqi)
        for _ in range(2)
    ]
    moment = dt.datetime(2021, 5, 20, 19, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    update_rows(
        AuditEntry,
        ("created_at", "ip_address"),
        [(entries[0].pk, moment, None), (entries[1].pk, moment, "10.0.0.1")],
    )
    assert list(AuditEntry.objects.order_by("pk").values_list("created_at", "ip_address")) == [
        (moment, None),
        (moment, "10.0.0.1"),
    ]
    assert (
        AuditEntry.objects.filter(
            created_at__gte=moment, created_at__lt=moment + dt.timedelta(seconds=1)
        ).count()
        == 2
    )


def test_nothing_to_update_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        update_rows(Person, ("name",), [])
