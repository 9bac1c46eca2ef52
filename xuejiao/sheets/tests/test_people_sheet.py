"""The people roster from a spreadsheet: bulk creation with the form's rules and audit, re-import,
updates through the service, export → import, scope."""

import pytest

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.errors import PermissionDenied
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Gender, Person
from xuejiao.sheets import services
from xuejiao.sheets.spec import get_spec

from .helpers import check, counts, header, import_file, people_row, reasons, xlsx


def people_file(*rows):
    return xlsx([header("people"), *rows])


NEW_PEOPLE = [
    people_row(org="ZZ-EQ-RH-ZF", name="周杰", gender="男", phone="13811112222", position="书记"),
    people_row(org="ZZ-EQ-RH-ZF", name="吴敏", gender="女", phone="", party="否", position=""),
    people_row(org="ZZ-JY-1Z", name="郑强", gender="", phone="037166668888", order=3),
]


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


def test_new_people(admin, tree):
    job = import_file("people", admin, people_file(*NEW_PEOPLE))
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    people = Person.objects.filter(name__in=["周杰", "吴敏", "郑强"]).order_by("id")
    assert [
        (p.organization, p.gender, p.phone, p.is_party_member, p.position, p.sort_order) for p in people
    ] == [
        (tree.zhengfei, Gender.MALE, "13811112222", True, "书记", 0),
        (tree.zhengfei, Gender.FEMALE, "", False, "", 0),
        (tree.school, "", "037166668888", True, "党员", 3),
    ]
    assert [p.org_path for p in people] == [tree.zhengfei.path, tree.zhengfei.path, tree.school.path]


def test_bulk_creation_leaves_the_audit_trail_the_form_leaves(admin, tree):
    """The bulk path writes, for each person, the entry orgs.services.create_person writes."""
    by_service = org_services.create_person(actor=admin, organization=tree.zhengfei, name="对照")
    import_file("people", admin, people_file(NEW_PEOPLE[0]))
    by_import = Person.objects.get(name="周杰")

    def entry(person):
        found = AuditEntry.objects.get(object_type="person", object_id=str(person.pk))
        return (
            found.user,
            found.action,
            found.organization,
            found.org_path,
            found.summary.replace(person.name, "…"),
        )

    assert entry(by_import) == entry(by_service)


def test_importing_the_same_file_twice_changes_nothing(admin, tree):
    import_file("people", admin, people_file(*NEW_PEOPLE))
    snapshot = list(Person.objects.order_by("id").values())
    job = import_file("people", admin, people_file(*NEW_PEOPLE))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert list(Person.objects.order_by("id").values()) == snapshot


def test_a_changed_row_updates_that_person_through_the_service(admin, tree):
    import_file("people", admin, people_file(*NEW_PEOPLE))
    changed = [list(row) for row in NEW_PEOPLE]
    changed[1][5] = "组织委员"
    job = import_file("people", admin, people_file(*changed))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    assert Person.objects.get(name="吴敏").position == "组织委员"
    update = AuditEntry.objects.get(object_type="person", action=AuditAction.UPDATE)
    assert update.changes == {"position": ["", "组织委员"]}


def test_export_then_import_is_a_no_op(admin, tree):
    import_file("people", admin, people_file(*NEW_PEOPLE))
    spool, rows = services.export_sheet(spec=get_spec("people"), actor=admin)
    assert rows == 10
    snapshot = list(Person.objects.order_by("id").values())
    job = import_file("people", admin, spool.read())
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 10)
    assert list(Person.objects.order_by("id").values()) == snapshot


def test_export_below_one_organisation(admin, tree):
    spool, rows = services.export_sheet(spec=get_spec("people"), actor=admin, organization=tree.renhe)
    assert rows == 3  # 人和路街道, 郑飞社区 and its branch


def test_scope_of_a_district_admin(personas, tree):
    before = counts()
    rows = [people_row(org="ZZ-EQ-RH"), people_row(org="ZZ-ZY", name="越界")]
    job = check("people", personas["erqi_admin"], people_file(*rows))
    assert job.status == "invalid"
    assert [(e["row"], e["col"]) for e in job.errors] == [(3, "A")]
    assert counts() == before


def test_who_may_import(personas, tree):
    """Importing people needs a managing role (campaign office); operators and leaders export only."""
    for username in ("street_operator", "city_leader", "inspector1"):
        with pytest.raises(PermissionDenied):
            check("people", personas[username], people_file(people_row()))


def test_archived_organisation_takes_no_new_people(admin, tree):
    org_services.archive_organization(actor=admin, organization=tree.zhengfei_branch)
    job = check("people", admin, people_file(people_row(org="ZZ-EQ-RH-ZF-1")))
    assert job.status == "invalid"
    assert "已归档" in job.errors[0]["reason"]


def test_data_changed_between_the_check_and_the_import(admin, tree):
    """The import checks again inside its transaction: a change since the preview is caught."""
    job = check("people", admin, people_file(people_row(org="ZZ-EQ-RH-ZF-1")))
    assert job.status == "ready"
    org_services.archive_organization(actor=admin, organization=tree.zhengfei_branch)
    before = counts()
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == "invalid"
    assert job.failure
    assert counts() == before


def test_only_the_uploader_confirms(personas, tree):
    job = check("people", personas["erqi_admin"], people_file(people_row()))
    with pytest.raises(PermissionDenied):
        services.confirm_import(job=job, actor=personas["city_admin"])
