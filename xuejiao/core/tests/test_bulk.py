"""The bulk insert path writes what the ORM would write, and returns the new ids in row order."""

from django.utils import timezone

from xuejiao.audit.models import AuditEntry
from xuejiao.core import bulk
from xuejiao.orgs.models import Person


def test_rows_defaults_and_ids_in_order(tree):
    orgs = [tree.school] + [tree.zhengfei] * 2499
    rows = [
        {"organization_id": org.pk, "org_path": org.path, "name": f"批量{i}", "phone": ""}
        for i, org in enumerate(orgs)
    ]
    ids = bulk.insert(Person, rows, returning_ids=True)
    assert len(ids) == 2500
    people = Person.objects.in_bulk(ids)
    assert [people[pk].name for pk in ids] == [row["name"] for row in rows]
    first = people[ids[0]]
    # Fields left out take the model's defaults, as Person.objects.create would.
    assert (first.organization, first.is_party_member, first.gender, first.sort_order) == (
        tree.school,
        True,
        "",
        0,
    )


def test_dates_and_json_are_converted(personas, tree):
    moment = timezone.now().replace(microsecond=0)
    bulk.insert(
        AuditEntry,
        [
            {
                "created_at": moment,
                "user_id": personas["city_admin"].pk,
                "action": "create",
                "organization_id": tree.erqi.pk,
                "org_path": tree.erqi.path,
                "changes": {"name": ["甲", "乙"]},
            }
        ],
    )
    entry = AuditEntry.objects.get()
    assert (entry.created_at, entry.changes, entry.user, entry.ip_address) == (
        moment,
        {"name": ["甲", "乙"]},
        personas["city_admin"],
        None,
    )


def test_datetimes_are_stored_exactly_as_the_orm_stores_them(personas, tree):
    """Range filters compare what is stored (text on SQLite): a bulk row and an ORM row with
    the same moment must hold the same value, whatever zone the moment was given in."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db import connection

    moments = [
        dt.datetime(2021, 5, 20, 19, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        dt.datetime(2021, 5, 20, 11, 30, 0, 123456, tzinfo=dt.UTC),
        dt.datetime(2021, 1, 1, 0, 0, tzinfo=ZoneInfo("America/New_York")),
    ]
    common = {"user_id": personas["city_admin"].pk, "action": "create", "organization_id": tree.erqi.pk}
    bulk.insert(AuditEntry, [{**common, "created_at": moment, "summary": "bulk"} for moment in moments])
    for moment in moments:
        AuditEntry.objects.create(**common, created_at=moment, summary="orm")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT summary, created_at FROM {table} ORDER BY id")
        stored = cursor.fetchall()
    assert [value for summary, value in stored if summary == "bulk"] == [
        value for summary, value in stored if summary == "orm"
    ]
    assert sorted(AuditEntry.objects.filter(summary="bulk").values_list("created_at", flat=True)) == sorted(
        moments
    )


def test_drawn_ids_never_reuse_a_deleted_id(tree):
    """Ids drawn for a bulk insert follow the largest id the table ever had, as the ORM's do."""
    first = bulk.insert(
        Person,
        [
            {"organization_id": tree.school.pk, "org_path": tree.school.path, "name": f"甲{n}"}
            for n in range(3)
        ],
        returning_ids=True,
    )
    Person.objects.filter(pk__in=first[1:]).delete()
    again = bulk.insert(
        Person,
        [
            {"organization_id": tree.school.pk, "org_path": tree.school.path, "name": f"乙{n}"}
            for n in range(2)
        ],
        returning_ids=True,
    )
    assert again == [first[-1] + 1, first[-1] + 2]
    made = Person.objects.create(organization=tree.school, name="丙")
    assert made.pk > again[-1]


def test_same_values_in_every_row(personas, tree):
    moment = timezone.now().replace(microsecond=0)
    rows = [
        {"organization_id": tree.erqi.pk, "org_path": tree.erqi.path, "summary": f"第{i}条"} for i in range(3)
    ]
    bulk.insert(
        AuditEntry,
        rows,
        same={"created_at": moment, "user_id": personas["city_admin"].pk, "action": "import"},
    )
    entries = AuditEntry.objects.filter(action="import").order_by("summary")
    assert [(e.summary, e.created_at, e.user) for e in entries] == [
        (f"第{i}条", moment, personas["city_admin"]) for i in range(3)
    ]
