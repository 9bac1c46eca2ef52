import random

import pytest
from django.core.management.base import CommandError
from django.db.models import F

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.roles import Role
from xuejiao.demo.scale import ROOT_CODE, ScaleError, level_sizes, roster_sizes, spread
from xuejiao.orgs.models import Category, Organization, Person

from .conftest import run, snapshot


def scale_orgs():
    root = Organization.objects.get(code=ROOT_CODE)
    return Organization.objects.filter(path__gte=root.path, path__lt=root.path + "~")


def scale_people():
    root = Organization.objects.get(code=ROOT_CODE)
    return Person.objects.filter(org_path__gte=root.path, org_path__lt=root.path + "~")


@pytest.mark.parametrize("total", [17, 18, 40, 100, 500, 1000, 30_000, 400_000])
def test_level_sizes_add_up(total):
    sizes = level_sizes(total)
    assert sum(sizes) == total
    assert sizes[:2] == [1, 16]
    assert all(size >= 0 for size in sizes)


def test_level_sizes_for_a_city():
    assert level_sizes(30_000) == [1, 16, 192, 2296, 27495]
    with pytest.raises(ScaleError):
        level_sizes(16)


def test_spread_and_roster_sizes():
    assert spread(10, 4) == [3, 3, 2, 2]
    assert spread(0, 3) == [0, 0, 0]
    sizes = roster_sizes([0, 1, 2, 3, 4, 4, 4], 100, random.Random(1))
    assert sum(sizes) == 100


@pytest.mark.django_db
def test_small_scale_run():
    output = run("seed_scale", "--orgs", "500", "--people", "2000", "--no-progress")
    assert "organisations       500" in output
    orgs = scale_orgs()
    root = orgs.get(depth=1)
    assert (root.code, root.name, root.category) == (ROOT_CODE, "规模测试市", Category.CITY)
    assert orgs.count() == 500
    assert orgs.filter(category=Category.DISTRICT).count() == 16
    assert list(orgs.order_by("depth").values_list("depth", flat=True).distinct()) == [1, 2, 3, 4, 5]
    assert scale_people().count() == 2000
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert not Person.objects.exclude(org_path=F("organization__path")).exists()
    assert orgs.values("code").distinct().count() == 500
    before = list(Organization.objects.order_by("pk").values_list("pk", "path", "depth", "numchild"))
    Organization.objects.fix_tree(fix_paths=True)
    assert list(Organization.objects.order_by("pk").values_list("pk", "path", "depth", "numchild")) == before
    # treebeard carries on where the bulk load stopped
    district = orgs.filter(depth=2).order_by("path").first()
    last = Organization.objects.get_last_child(district)
    assert (
        Organization.objects.add_child(district, {"code": "S-NEW", "name": "新街道"}).path == last._inc_path()
    )
    assert Organization.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_rerun_refuses_without_replace_and_replace_starts_again():
    run("seed_scale", "--orgs", "100", "--people", "300", "--no-progress", "--seed", "3")
    first = list(scale_orgs().order_by("path").values_list("path", "code", "name"))
    with pytest.raises(CommandError, match="--replace"):
        run("seed_scale", "--orgs", "100", "--people", "300", "--no-progress")

    output = run(
        "seed_scale", "--orgs", "120", "--people", "400", "--replace", "--no-progress", "--seed", "3"
    )
    assert "deleted 100 organisations and 300 people" in output
    assert scale_orgs().count() == 120
    assert scale_people().count() == 400
    assert Organization.objects.find_problems() == ([], [], [], [], [])

    run("seed_scale", "--orgs", "100", "--people", "300", "--replace", "--no-progress", "--seed", "3")
    assert list(scale_orgs().order_by("path").values_list("path", "code", "name")) == first

    assert "Deleted 100 organisations and 300 people" in run("seed_scale", "--delete")
    assert not Organization.objects.filter(code=ROOT_CODE).exists()


@pytest.mark.django_db
def test_scale_never_mixes_with_the_demo():
    run("load_demo", "zhengzhou-2021")
    demo = snapshot()
    run("seed_scale", "--orgs", "200", "--people", "800", "--no-progress")
    assert Organization.objects.get(code=ROOT_CODE).path == "0002"
    run("seed_scale", "--orgs", "200", "--people", "800", "--no-progress", "--replace")
    run("seed_scale", "--delete")
    assert snapshot() == demo
    assert Organization.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_replace_refuses_while_protected_records_point_into_the_tree():
    run("seed_scale", "--orgs", "50", "--people", "100", "--no-progress")
    district = scale_orgs().filter(depth=2).first()
    person = scale_people().first()
    user = User.objects.create(username="bench", home_organization=district, person=person)
    AuditEntry.objects.create(action=AuditAction.UPDATE, organization=district, org_path=district.path)
    RoleAssignment.objects.create(user=user, role=Role.CAMPAIGN_OFFICE, organization=district)
    with pytest.raises(CommandError, match="refer to the SCALE tree"):
        run("seed_scale", "--orgs", "50", "--people", "100", "--no-progress", "--replace")
    assert scale_orgs().count() == 50  # nothing deleted

    RoleAssignment.objects.all().delete()
    other = Organization.objects.add_root({"code": "OTHER", "name": "别的树"})
    user.home_organization = other
    user.save()
    run("seed_scale", "--orgs", "50", "--people", "100", "--no-progress", "--replace")
    # Nullable references are cleared, as their foreign keys' on_delete asks; the audit log
    # keeps what it recorded (DO_NOTHING).
    assert AuditEntry.objects.get().org_path == district.path
    user.refresh_from_db()
    assert user.person is None
    assert scale_orgs().count() == 50
