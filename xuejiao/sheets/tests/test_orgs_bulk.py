"""The organisation sheet writes a whole subtree in one pass: a number of queries that does not
grow with the rows, a valid tree (paths, depths, child counts), the same fields, audit entries
and completion figures as organisations added one by one on the form."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.campaigns import services as campaign_services
from xuejiao.campaigns.completion import rebuild_action
from xuejiao.campaigns.models import Completion, CompletionRollup
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Category, Kind, Organization
from xuejiao.sheets import services

from .helpers import check, header, org_row, reasons, xlsx


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


@pytest.fixture
def action(admin, tree):
    campaign = campaign_services.create_campaign(
        actor=admin,
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=timezone.localdate().replace(year=timezone.localdate().year + 1),
    )
    return campaign_services.save_action(
        actor=admin,
        campaign=campaign,
        title="主题党日",
        categories=[Category.COMMUNITY, Category.BRANCH],
        activity_kinds=[ActivityKind.THEME_DAY],
        due_date=timezone.localdate().replace(year=timezone.localdate().year + 1),
    )


def subtree(prefix: str, parent: str, communities: int, branches: int) -> list:
    """A street under `parent` with its communities, each with its branches; children first."""
    rows = []
    for c in range(communities):
        community = f"{prefix}-C{c}"
        for b in range(branches):
            rows.append(org_row(f"{community}-B{b}", f"{community}第{b}支部", community, "党支部", "党支部"))
        rows.append(org_row(community, f"{prefix}社区{c}", prefix, systems="教育", order=c))
    rows.append(org_row(prefix, f"{prefix}街道", parent, "街道", "党工委"))
    return rows


def confirmed_queries(admin, rows) -> int:
    job = check("orgs", admin, xlsx([header("orgs"), *rows]))
    assert job.status == "ready", reasons(job)
    with CaptureQueriesContext(connection) as queries:
        job = services.confirm_import(job=job, actor=admin)
    assert job.status == "done", job.failure
    return len(queries)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(admin, tree, action):
    small = confirmed_queries(admin, subtree("ZZ-EQ-A", "ZZ-EQ", communities=2, branches=2))  # 7 rows
    large = confirmed_queries(admin, subtree("ZZ-EQ-B", "ZZ-EQ", communities=8, branches=5))  # 49 rows
    assert large - small <= 5, (small, large)


def test_the_tree_is_whole_after_an_import_beside_existing_children(admin, tree, action):
    rows = subtree("ZZ-EQ-A", "ZZ-EQ", 3, 2) + [
        org_row("ZZ-EQ-RH-NEW", "新社区", "ZZ-EQ-RH"),  # beside 郑飞社区
        org_row("ZZ-ZY-LH-1", "林山寨第一社区", "ZZ-ZY-LH"),  # a first child
    ]
    job = check("orgs", admin, xlsx([header("orgs"), *rows]))
    services.confirm_import(job=job, actor=admin)
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    for organization in Organization.objects.all():
        assert organization.numchild == Organization.objects.get_children(organization).count()
        assert organization.depth == len(organization.path) // Organization.steplen
    erqi = Organization.objects.get(code="ZZ-EQ")
    assert [org.code for org in Organization.objects.get_children(erqi)] == ["ZZ-EQ-RH", "ZZ-EQ-A"]
    renhe = Organization.objects.get(code="ZZ-EQ-RH")
    assert [org.code for org in Organization.objects.get_children(renhe)] == ["ZZ-EQ-RH-ZF", "ZZ-EQ-RH-NEW"]
    street = Organization.objects.get(code="ZZ-EQ-A")
    assert [org.code for org in Organization.objects.get_children(street)] == [
        "ZZ-EQ-A-C0",
        "ZZ-EQ-A-C1",
        "ZZ-EQ-A-C2",
    ]
    # Added afterwards on the form, a sibling goes after them.
    later = org_services.create_organization(
        actor=admin, parent=street, code="ZZ-EQ-A-C9", name="后加社区", category=Category.COMMUNITY
    )
    assert [org.code for org in Organization.objects.get_children(street)][-1] == later.code
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_an_imported_organisation_is_the_one_the_form_would_make(admin, tree, action):
    by_form = org_services.create_organization(
        actor=admin,
        parent=tree.renhe,
        code="ZZ-EQ-RH-F",
        name="淮河路社区党委",
        short_name="淮河路社区",
        category=Category.COMMUNITY,
        kind=Kind.GENERAL_BRANCH,
        sort_order=3,
        systems=[tree.school.systems.get()],
    )
    job = check(
        "orgs",
        admin,
        xlsx(
            [
                header("orgs"),
                org_row(
                    "ZZ-EQ-RH-I", "淮河路社区党委", "ZZ-EQ-RH", short="淮河路社区", systems="教育", order=3
                ),
            ]
        ),
    )
    services.confirm_import(job=job, actor=admin)
    by_import = Organization.objects.get(code="ZZ-EQ-RH-I")

    def fields(org):
        org.refresh_from_db()
        return {
            "name": org.name,
            "short_name": org.short_name,
            "category": org.category,
            "kind": org.kind,
            "sort_order": org.sort_order,
            "established_on": org.established_on,
            "is_archived": org.is_archived,
            "depth": org.depth,
            "numchild": org.numchild,
            "search_text": org.search_text.replace(org.code.lower(), "CODE"),
            "systems": sorted(org.systems.values_list("code", flat=True)),
            "updated_at": org.updated_at.date(),
        }

    assert fields(by_import) == fields(by_form)
    assert Organization.objects.get_parent(by_import) == tree.renhe

    def entry(org):
        found = AuditEntry.objects.get(
            action=AuditAction.CREATE, object_type="organization", object_id=str(org.pk)
        )
        return (
            found.user,
            found.organization_id == org.pk,
            found.org_path == org.path,
            found.summary,
            {key: value for key, value in found.changes.items() if key != "code"},
        )

    assert entry(by_import) == entry(by_form)
    # Completion: both communities count once, as a rebuild would count them.
    assert Completion.objects.filter(action=action, organization__in=[by_form, by_import]).count() == 2

    def snapshot():
        return sorted(
            CompletionRollup.objects.filter(action=action).values_list(
                "org_path", "category", "applicable", "done", "started"
            )
        ), sorted(
            Completion.objects.filter(action=action).values_list("org_path", "category", "count", "done")
        )

    incremental = snapshot()
    rebuild_action(action)
    assert snapshot() == incremental


def test_a_large_subtree_keeps_the_figures_of_a_full_rebuild(admin, tree, action):
    job = check("orgs", admin, xlsx([header("orgs"), *subtree("ZZ-ZY-A", "ZZ-ZY", 6, 4)]))
    services.confirm_import(job=job, actor=admin)
    cells = Completion.objects.filter(action=action)
    assert cells.filter(org_path__startswith=Organization.objects.get(code="ZZ-ZY-A").path).count() == 6 + 24
    before = sorted(
        CompletionRollup.objects.filter(action=action).values_list("org_path", "category", "applicable")
    )
    rebuild_action(action)
    assert (
        sorted(
            CompletionRollup.objects.filter(action=action).values_list("org_path", "category", "applicable")
        )
        == before
    )
