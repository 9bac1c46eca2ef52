"""The bulk insert path writes what the ORM would write, and returns the new ids in row order."""

from django.utils import timezone

from xuejiao.accounts.models import AuditEntry
from xuejiao.orgs.models import Person
from xuejiao.sheets import bulk


def test_rows_defaults_and_ids_in_order(tree):
    orgs = [tree.school] + [tree.zhengfei] * 2499
    rows = [
        {"organization_id": org.pk, "org_path": org.path, "name": f"批量{i}", "phone": ""}
        for i, org in enumerate(orgs)
    ]
    ids = bulk.insert(Person, rows, returning_ids=True, batch=1000)
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
