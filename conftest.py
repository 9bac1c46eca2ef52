"""Shared fixtures: a small organisation tree and the personas of docs/architecture.md."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.campaigns import services as campaign_services
from xuejiao.core.roles import Role
from xuejiao.ledger.models import ActivityKind
from xuejiao.orgs.models import Category, Kind, Organization, Person, System

pytest_plugins = ["xuejiao.core.tests.browser"]

PASSWORD = "Persona#2021pass"


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    # Background tasks run inside the request in tests; a test of the worker sets its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Tree:
    city: Organization
    erqi: Organization
    renhe: Organization
    zhengfei: Organization
    zhengfei_branch: Organization
    zhongyuan: Organization
    zhongyuan_street: Organization
    edu_bureau: Organization
    school: Organization


def _child(parent, code, name, category, kind=Kind.PARTY_COMMITTEE, **extra):
    return Organization.objects.add_child(
        parent, {"code": code, "name": name, "category": category, "kind": kind, **extra}
    )


@pytest.fixture
def tree(db) -> Tree:
    education = System.objects.create(code="education", name="教育")
    city = Organization.objects.add_root(
        {"code": "ZZ", "name": "中共郑州市委", "category": Category.CITY, "kind": Kind.PARTY_COMMITTEE}
    )
    erqi = _child(city, "ZZ-EQ", "二七区", Category.DISTRICT)
    renhe = _child(erqi, "ZZ-EQ-RH", "人和路街道", Category.STREET, Kind.WORKING_COMMITTEE)
    zhengfei = _child(renhe, "ZZ-EQ-RH-ZF", "郑飞社区", Category.COMMUNITY, Kind.GENERAL_BRANCH)
    zhengfei_branch = _child(zhengfei, "ZZ-EQ-RH-ZF-1", "郑飞社区第一党支部", Category.BRANCH, Kind.BRANCH)
    zhongyuan = _child(city, "ZZ-ZY", "中原区", Category.DISTRICT)
    zhongyuan_street = _child(zhongyuan, "ZZ-ZY-LH", "林山寨街道", Category.STREET, Kind.WORKING_COMMITTEE)
    edu_bureau = _child(city, "ZZ-JY", "市教育局", Category.MUNICIPAL_UNIT, Kind.LEADING_GROUP)
    school = _child(edu_bureau, "ZZ-JY-1Z", "郑州市第一中学", Category.INSTITUTION, Kind.SCHOOL)
    for org in (edu_bureau, school):
        org.systems.add(education)
    people = [
        (erqi, "王建国", "13800001111"),
        (renhe, "李秀英", "13800002222"),
        (zhengfei, "张伟", "13800003333"),
        (zhengfei_branch, "刘洋", "13800004444"),
        (zhongyuan, "陈静", "13900005555"),
        (zhongyuan_street, "杨帆", "13900006666"),
        (school, "赵磊", "13700007777"),
    ]
    for org, name, phone in people:
        Person.objects.create(organization=org, name=name, phone=phone, position="党员")
    return Tree(city, erqi, renhe, zhengfei, zhengfei_branch, zhongyuan, zhongyuan_street, edu_bureau, school)


# persona: (home organisation attribute, [(role, organisation attribute, subtree)])
PERSONAS = {
    "city_admin": ("city", [(Role.CAMPAIGN_OFFICE, "city", True)]),
    "city_leader": ("city", [(Role.LEADER, "city", True)]),
    "erqi_admin": ("erqi", [(Role.CAMPAIGN_OFFICE, "erqi", True)]),
    "street_operator": ("renhe", [(Role.OPERATOR, "renhe", True)]),
    "zhengfei_operator": ("zhengfei", [(Role.OPERATOR, "zhengfei", False)]),
    "inspector1": ("city", [(Role.INSPECTOR, "erqi", True), (Role.INSPECTOR, "edu_bureau", True)]),
    "lecturer1": ("renhe", [(Role.LECTURER, "renhe", False)]),
    "judge1": ("city", [(Role.JUDGE, "city", False)]),
    "zhongyuan_admin": ("zhongyuan", [(Role.CAMPAIGN_OFFICE, "zhongyuan", True)]),
}


@pytest.fixture
def personas(tree) -> dict[str, User]:
    users = {}
    for username, (home, grants) in PERSONAS.items():
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            display_name=username,
            home_organization=getattr(tree, home),
            must_change_password=False,
        )
        for role, org_attr, subtree in grants:
            RoleAssignment.objects.create(
                user=user, role=role, organization=getattr(tree, org_attr), include_subtree=subtree
            )
        users[username] = user
    return users


@pytest.fixture
def client_for(personas):
    """client_for("erqi_admin") is a test client logged in as that persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(personas[username])
        return client

    return make


@pytest.fixture
def campaign(personas, tree):
    """The city's campaign with one required action: a theme day of every community, with
    the first agenda item, by 2021-06-30. A test module may define its own."""
    campaign = campaign_services.create_campaign(
        actor=personas["city_admin"],
        root=tree.city,
        name="党史学习教育",
        starts_on=date(2021, 3, 1),
        ends_on=date(2021, 12, 31),
    )
    campaign_services.save_action(
        actor=personas["city_admin"],
        campaign=campaign,
        title="主题党日",
        categories=[Category.COMMUNITY],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        due_date=date(2021, 6, 30),
    )
    return campaign
