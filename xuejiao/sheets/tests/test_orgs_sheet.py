"""Onboarding the organisation tree from a spreadsheet: create, re-import, update, export → import."""

import pytest

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.orgs.models import Category, Kind, Organization
from xuejiao.sheets import services
from xuejiao.sheets.spec import get_spec

from .helpers import check, counts, header, import_file, org_row, reasons, xlsx


def orgs_file(*rows):
    return xlsx([header("orgs"), *rows])


# 一个新街道和它的两个社区；社区写在街道前面，街道在文件中排在最后。
NEW_STREET = [
    org_row("ZZ-EQ-HM-1", "淮河路社区党委", "ZZ-EQ-HM", short="淮河路社区", order=1),
    org_row("ZZ-EQ-HM-2", "长江路社区党委", "ZZ-EQ-HM", short="长江路社区", systems="教育", order=2),
    org_row("ZZ-EQ-HM", "淮河路街道党工委", "ZZ-EQ", category="街道", kind="党工委", short="淮河路街道"),
]


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


def test_a_new_street_with_its_communities_children_first(admin, tree):
    job = import_file("orgs", admin, orgs_file(*NEW_STREET))
    assert job.status == "done", reasons(job) or job.failure
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    street = Organization.objects.get(code="ZZ-EQ-HM")
    assert Organization.objects.get_parent(street) == tree.erqi
    assert (street.category, street.kind, street.short_name) == (
        Category.STREET,
        Kind.WORKING_COMMITTEE,
        "淮河路街道",
    )
    communities = list(
        Organization.objects.get_children(street).values_list("code", "category", "kind", "sort_order")
    )
    assert communities == [
        ("ZZ-EQ-HM-1", Category.COMMUNITY, Kind.GENERAL_BRANCH, 1),
        ("ZZ-EQ-HM-2", Category.COMMUNITY, Kind.GENERAL_BRANCH, 2),
    ]
    assert list(Organization.objects.get(code="ZZ-EQ-HM-2").systems.values_list("name", flat=True)) == [
        "教育"
    ]
    # Written through orgs.services: one audit entry per organisation, as the form writes.
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="organization")
    assert sorted(created.values_list("organization__code", flat=True)) == [
        "ZZ-EQ-HM",
        "ZZ-EQ-HM-1",
        "ZZ-EQ-HM-2",
    ]
    assert set(created.values_list("user__username", flat=True)) == {"city_admin"}


def test_the_preview_says_what_will_happen_before_anything_is_written(admin, tree):
    before = counts()
    job = check("orgs", admin, orgs_file(*NEW_STREET))
    assert job.status == "ready"
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    assert [line["row"] for line in job.preview] == [2, 3, 4]
    assert {line["action"] for line in job.preview} == {"create"}
    assert job.preview[0]["cells"][:2] == ["ZZ-EQ-HM-1", "淮河路社区党委"]
    assert counts() == before


def test_importing_the_same_file_twice_changes_nothing(admin, tree):
    import_file("orgs", admin, orgs_file(*NEW_STREET))
    snapshot = list(Organization.objects.order_by("path").values())
    audit = AuditEntry.objects.count()
    job = import_file("orgs", admin, orgs_file(*NEW_STREET))
    assert job.status == "done"
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert list(Organization.objects.order_by("path").values()) == snapshot
    # Only the upload and the import themselves were recorded: no organisation changed.
    assert AuditEntry.objects.count() == audit + 2
    assert not AuditEntry.objects.filter(object_type="organization", action=AuditAction.UPDATE).exists()


def test_a_changed_row_updates_that_organisation_only(admin, tree):
    import_file("orgs", admin, orgs_file(*NEW_STREET))
    changed = [list(row) for row in NEW_STREET]
    changed[1][1] = "长江路社区党总支"
    changed[1][6] = ""  # no system any more
    job = import_file("orgs", admin, orgs_file(*changed))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    community = Organization.objects.get(code="ZZ-EQ-HM-2")
    assert community.name == "长江路社区党总支"
    assert not community.systems.exists()
    update = AuditEntry.objects.get(object_type="organization", action=AuditAction.UPDATE)
    assert update.changes["name"] == ["长江路社区党委", "长江路社区党总支"]
    assert update.changes["systems"] == [["education"], []]


def test_export_then_import_is_a_no_op(admin, tree):
    spool, rows = services.export_sheet(spec=get_spec("orgs"), actor=admin)
    assert rows == 9
    snapshot = list(Organization.objects.order_by("path").values())
    job = import_file("orgs", admin, spool.read())
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 9)
    assert list(Organization.objects.order_by("path").values()) == snapshot


def test_a_district_admin_exports_and_reimports_their_district(personas, tree):
    """The district's own parent (the city) is outside the district admin's scope: the export
    leaves it blank, and the import leaves a known organisation where it is."""
    user = personas["erqi_admin"]
    spool, rows = services.export_sheet(spec=get_spec("orgs"), actor=user)
    assert rows == 4
    job = import_file("orgs", user, spool.read())
    assert job.status == "done", reasons(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 4)


def test_a_district_admin_cannot_attach_to_another_district(personas, tree):
    before = counts()
    rows = [
        org_row("ZZ-EQ-NEW", "二七区新社区", "ZZ-EQ-RH"),
        org_row("ZZ-ZY-NEW", "中原区新社区", "ZZ-ZY-LH"),
    ]
    job = check("orgs", personas["erqi_admin"], orgs_file(*rows))
    assert job.status == "invalid"
    assert [(e["row"], e["col"]) for e in job.errors] == [(3, "D")]
    assert "在您的组织范围内找不到代码为“ZZ-ZY-LH”的组织" in job.errors[0]["reason"]
    assert counts() == before


def test_a_district_admin_cannot_change_another_districts_organisation(personas, tree):
    job = check("orgs", personas["erqi_admin"], orgs_file(org_row("ZZ-ZY-LH", "林山寨街道（改）", "")))
    assert job.status == "invalid"
    assert "代码“ZZ-ZY-LH”已被其他组织使用" in job.errors[0]["reason"]


def test_an_import_does_not_move_organisations(admin, tree):
    row = org_row("ZZ-EQ-RH", "人和路街道", "ZZ-ZY", category="街道", kind="党工委")
    job = check("orgs", admin, orgs_file(row))
    assert job.status == "invalid"
    assert job.errors[0]["col"] == "D"
    assert "导入不会移动组织" in job.errors[0]["reason"]
    assert Organization.objects.get_parent(tree.renhe) == tree.erqi


def test_parents_that_go_round_in_a_circle(admin, tree):
    rows = [org_row("ZZ-A", "甲", "ZZ-B"), org_row("ZZ-B", "乙", "ZZ-A")]
    job = check("orgs", admin, orgs_file(*rows))
    assert job.status == "invalid"
    assert {e["row"] for e in job.errors} == {2, 3}
    assert all("循环" in reason for reason in reasons(job))


def test_new_organisation_needs_a_known_parent_and_system(admin, tree):
    rows = [
        org_row("ZZ-EQ-X1", "无上级", ""),
        org_row("ZZ-EQ-X2", "上级不存在", "ZZ-NOPE"),
        org_row("ZZ-EQ-X3", "系统不存在", "ZZ-EQ", systems="教育、水利"),
        org_row("ZZ EQ", "编码有空格", "ZZ-EQ"),
    ]
    job = check("orgs", admin, orgs_file(*rows))
    assert job.status == "invalid"
    found = {(e["row"], e["col"]): e["reason"] for e in job.errors}
    assert set(found) == {(2, "D"), (3, "D"), (4, "G"), (5, "A")}
    assert "ZZ-NOPE" in found[(3, "D")] and "本文件中也没有" in found[(3, "D")]
    assert "“水利”" in found[(4, "G")] and "教育" in found[(4, "G")]


def test_values_that_look_like_formulas_stay_text_both_ways(admin, tree):
    """A name starting with "=" is exported as text (never a live formula) and reads back unchanged."""
    content = xlsx([header("orgs"), org_row("ZZ-EQ-EQ", '=HYPERLINK("x")', "ZZ-EQ")], text_cells=["B2"])
    import_file("orgs", admin, content)
    assert Organization.objects.get(code="ZZ-EQ-EQ").name == '=HYPERLINK("x")'
    spool, _rows = services.export_sheet(spec=get_spec("orgs"), actor=admin)
    job = import_file("orgs", admin, spool.read())
    assert job.status == "done", reasons(job)
    assert job.unchanged_count == 10
