import pytest
from django.db.models import F, Q

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns.models import Campaign, Completion
from xuejiao.core.roles import Role
from xuejiao.demo.zhengzhou.personas import PASSWORD
from xuejiao.ledger.models import Activity
from xuejiao.orgs.models import Category, Kind, Organization, Person
from xuejiao.orgs.queries import search_organizations

from .conftest import VARYING, run, snapshot

pytestmark = pytest.mark.django_db


def named(name: str) -> Organization:
    return Organization.objects.get(Q(name=name) | Q(short_name=name))


def test_counts_of_the_article(demo):
    run("load_demo", "zhengzhou-2021")
    assert Organization.objects.filter(category=Category.DISTRICT).count() == 16
    assert Organization.objects.filter(category=Category.MUNICIPAL_UNIT).count() == 80
    assert (
        Organization.objects.filter(category__in=[Category.ENTERPRISE, Category.INSTITUTION]).count() == 105
    )
    assert 600 <= Organization.objects.count() <= 1200
    root = Organization.objects.get(code="ZZ")
    assert (root.name, root.category, root.kind, root.depth) == (
        "中共郑州市委",
        Category.CITY,
        Kind.PARTY_COMMITTEE,
        1,
    )
    # Districts, municipal units, enterprises and institutions all sit right under the root.
    assert root.numchild == 16 + 80 + 105


@pytest.mark.parametrize(
    ("district", "place", "category"),
    [
        ("登封市", "告成镇", Category.TOWNSHIP),
        ("上街区", "矿山街道", Category.STREET),
        ("郑东新区", "龙子湖街道", Category.STREET),
        ("二七区", "人和路街道", Category.STREET),
        ("二七区", "郑飞社区", Category.COMMUNITY),
        ("中牟县", "东风路街道", Category.STREET),
    ],
)
def test_places_of_the_article_are_under_their_district(demo, district, place, category):
    district_org, place_org = named(district), named(place)
    assert district_org.category == Category.DISTRICT
    assert place_org.category == category
    assert place_org.path.startswith(district_org.path)
    assert Organization.objects.get_parent(named("郑飞社区")) == named("人和路街道")


def test_development_zones_and_streets(demo):
    for zone in ("郑东新区", "经开区", "高新区", "航空港区"):
        assert named(zone).kind in (Kind.WORKING_COMMITTEE, Kind.DEVELOPMENT_ZONE)
    for county in ("中牟县", "巩义市", "荥阳市", "新密市", "新郑市", "登封市"):
        assert Organization.objects.get_children(named(county)).filter(category=Category.TOWNSHIP).exists()
    for town in Organization.objects.filter(category=Category.TOWNSHIP):
        assert set(Organization.objects.get_children(town).values_list("category", flat=True)) == {
            Category.VILLAGE
        }
    for street in Organization.objects.filter(category=Category.STREET):
        children = Organization.objects.get_children(street)
        assert 2 <= children.count() <= 5
        assert set(children.values_list("category", flat=True)) == {Category.COMMUNITY}
    for district in Organization.objects.filter(category=Category.DISTRICT):
        assert 3 <= Organization.objects.get_children(district).count() <= 6


def test_searching_zhengfei_finds_the_operators_community(demo):
    found = search_organizations(Organization.objects.all(), "郑飞")
    assert list(found.values_list("name", flat=True)) == ["郑飞社区"]
    assert list(search_organizations(Organization.objects.all(), "zfsq").values_list("name", flat=True)) == [
        "郑飞社区"
    ]


def test_systems_tag_the_vertical_lines(demo):
    def systems(name):
        return set(named(name).systems.values_list("code", flat=True))

    assert systems("市教育局") == {"education"}
    assert systems("市卫健委") == {"health"}
    assert systems("市国资委") == {"state_assets"}
    assert systems("郑州市第一中学") == {"education"}
    assert systems("郑州市第一人民医院") == {"health"}
    assert systems("郑州公交集团") == {"state_assets"}
    assert named("郑州市第一中学").kind == Kind.SCHOOL
    assert named("郑州市第一人民医院").kind == Kind.HOSPITAL
    assert named("郑州市第一人民医院").category == Category.INSTITUTION


def test_second_run_creates_nothing(demo):
    before = snapshot()
    output = run("load_demo", "zhengzhou-2021")
    assert snapshot() == before
    assert "nothing to do" in output
    assert "created      0" in output


def test_the_load_is_deterministic(demo):
    first = snapshot()
    Activity.objects.all().delete()
    Campaign.objects.all().delete()
    RoleAssignment.objects.all().delete()
    User.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()
    run("load_demo", "zhengzhou-2021")
    second = snapshot()
    # Everything but timestamps and password salts is identical.
    assert len(first.keys() - set(VARYING)) > 15
    for key in first.keys() - set(VARYING):
        assert second[key] == first[key], key


def test_a_missing_organisation_is_recreated_and_the_tree_stays_consistent(demo):
    street = named("人和路街道")
    community = Organization.objects.get_children(street).get(name="人和路社区")  # the middle one of three
    records = Activity.objects.filter(organization=community).count()
    assert records > 0
    Activity.objects.filter(organization=community).delete()
    Person.objects.filter(organization=community).delete()
    community.delete()
    street.refresh_from_db()
    assert street.numchild == 2

    output = run("load_demo", "zhengzhou-2021")
    assert "organisations     created      1" in output
    assert f"activities        created {records:>6}" in output
    recreated = Organization.objects.get(code=community.code)
    assert recreated.path == street.path + "0004"  # after the last child, as add_child would
    assert Person.objects.filter(organization=recreated).count() >= 3
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.get(pk=street.pk).numchild == 3
    # Its records are back at the new path, and completion was rebuilt to include it.
    assert Activity.objects.filter(organization=recreated, org_path=recreated.path).count() == records
    assert Completion.objects.filter(organization=recreated).exists()
    assert not Completion.objects.exclude(org_path=F("organization__path")).exists()


def test_tree_is_consistent_and_treebeard_continues_it(demo):
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    # treebeard's own repair, paths included, finds nothing to renumber: no holes, no gaps.
    before = list(Organization.objects.order_by("pk").values_list("pk", "path", "depth", "numchild"))
    Organization.objects.fix_tree(fix_paths=True)
    assert list(Organization.objects.order_by("pk").values_list("pk", "path", "depth", "numchild")) == before
    root = Organization.objects.get(code="ZZ")
    last = Organization.objects.get_last_child(root)
    added = Organization.objects.add_child(root, {"code": "ZZ-NEW", "name": "新单位"})
    assert added.path == last._inc_path()
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_copies_of_paths_and_search_text(demo):
    assert not Person.objects.exclude(org_path=F("organization__path")).exists()
    assert not User.objects.exclude(home_org_path=F("home_organization__path")).exists()
    organization = named("郑飞社区")
    stored = organization.search_text
    organization.save()
    assert Organization.objects.get(pk=organization.pk).search_text == stored


def test_every_unit_has_a_roster(demo):
    for organization in Organization.objects.all():
        people = Person.objects.filter(organization=organization).order_by("sort_order")
        assert 3 <= len(people) <= 8, organization.name
        assert people[0].position == "书记"
    for person in Person.objects.all()[:500]:
        assert len(person.phone) == 11 and person.phone[:2] in ("13", "15", "18")
        assert 2 <= len(person.name) <= 3
    share = Person.objects.filter(is_party_member=True).count() / Person.objects.count()
    assert share > 0.8


EXPECTED_PERSONAS = {
    "city_admin": ("中共郑州市委", {(Role.CAMPAIGN_OFFICE, "中共郑州市委", True)}),
    "city_leader": ("中共郑州市委", {(Role.LEADER, "中共郑州市委", True)}),
    "erqi_admin": ("二七区", {(Role.CAMPAIGN_OFFICE, "二七区", True)}),
    "zhongyuan_admin": ("中原区", {(Role.CAMPAIGN_OFFICE, "中原区", True)}),
    "zhengfei_operator": ("郑飞社区", {(Role.OPERATOR, "郑飞社区", False)}),
    "inspector1": (
        "市委组织部",
        {
            (Role.INSPECTOR, "中原区", True),
            (Role.INSPECTOR, "二七区", True),
            (Role.INSPECTOR, "金水区", True),
        },
    ),
    "lecturer1": ("上街区", {(Role.LECTURER, "上街区", True)}),
    "judge1": ("市委宣传部", {(Role.JUDGE, "中共郑州市委", False)}),
}


@pytest.mark.parametrize("username", sorted(EXPECTED_PERSONAS))
def test_personas(demo, username):
    home, grants = EXPECTED_PERSONAS[username]
    user = User.objects.get(username=username)
    assert user.check_password(PASSWORD)
    assert not user.must_change_password and not user.is_superuser and user.is_active
    assert user.home_organization == named(home)
    assert user.person.organization == user.home_organization
    assert user.display_name == user.person.name
    assert {(a.role, a.organization.name, a.include_subtree) for a in user.role_assignments.all()} == grants
    assert username in demo


def test_existing_users_are_left_alone(demo):
    user = User.objects.get(username="erqi_admin")
    user.set_password("Changed@2022x")
    user.save()
    RoleAssignment.objects.filter(user=user).delete()
    output = run("load_demo", "zhengzhou-2021")
    user.refresh_from_db()
    assert user.check_password("Changed@2022x")
    assert not user.role_assignments.exists()
    assert "erqi_admin" in output and "left unchanged" in output
