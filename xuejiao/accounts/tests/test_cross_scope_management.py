"""Who may act on a login: its home organisation and every role it holds must lie within reach.

A manager acts on a user (password reset, deactivation, roster link, granting and revoking
roles) only when the user's home organisation is in the manager's scope and the manager could
have granted every role the user holds: the role's organisation (with its sub-units where the
role covers them) inside the manager's scope, at a rank at most the manager's. A login that
reaches above or beside the manager's part of the tree is managed from a level that covers all
of it; below that level it can be seen, not changed.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from xuejiao.accounts import services
from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.accounts.permissions import can_manage_user
from xuejiao.audit.models import AuditEntry
from xuejiao.core.errors import PermissionDenied
from xuejiao.core.roles import Role
from xuejiao.orgs.models import Person

OLD_PASSWORD = "Member#2021pass"
NEW_PASSWORD = "Temporary#2021x"
BEYOND_REACH = (
    "This user holds a role beyond your part of the tree or above your rank. "
    "It is managed by the level above."
)


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text)


def make_user(username, home, *roles):
    """roles: (role, organisation, covers the subtree)"""
    user = User.objects.create_user(
        username=username,
        password=OLD_PASSWORD,
        display_name=username,
        home_organization=home,
        must_change_password=False,
    )
    for role, org, subtree in roles:
        RoleAssignment.objects.create(user=user, role=role, organization=org, include_subtree=subtree)
    return user


@pytest.fixture
def straddler(tree, personas):
    """Homed in a 中原区 street, operator there, and on 二七区's guidance group."""
    return make_user(
        "straddler",
        tree.zhongyuan_street,
        (Role.OPERATOR, tree.zhongyuan_street, False),
        (Role.INSPECTOR, tree.erqi, True),
    )


# --- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("home", "roles", "manageable"),
    [
        ("zhongyuan_street", [], True),
        ("zhongyuan_street", [(Role.OPERATOR, "zhongyuan_street", True)], True),
        ("zhongyuan", [(Role.INSPECTOR, "zhongyuan", True)], True),
        # A peer of the same rank on the same district: at the manager's rank is within reach.
        ("zhongyuan", [(Role.CAMPAIGN_OFFICE, "zhongyuan", True)], True),
        # Beside: a role on another district.
        ("zhongyuan_street", [(Role.INSPECTOR, "erqi", True)], False),
        ("zhongyuan_street", [(Role.CAMPAIGN_OFFICE, "renhe", False)], False),
        (
            "zhongyuan_street",
            [(Role.OPERATOR, "zhongyuan_street", True), (Role.LECTURER, "school", False)],
            False,
        ),
        # Above: a role on the city itself, even without its sub-units.
        ("zhongyuan", [(Role.LEADER, "city", False)], False),
        # Above in rank: the system administrator.
        ("zhongyuan", [(Role.ADMIN, "zhongyuan", True)], False),
        # Homed outside, even with every role inside.
        ("erqi", [(Role.OPERATOR, "zhongyuan_street", False)], False),
        ("city", [(Role.INSPECTOR, "zhongyuan", True)], False),
    ],
)
def test_a_district_admin_manages_a_user_only_when_home_and_every_role_are_within_reach(
    tree, personas, home, roles, manageable
):
    user = make_user(
        "target", getattr(tree, home), *[(role, getattr(tree, org), sub) for role, org, sub in roles]
    )
    assert can_manage_user(personas["zhongyuan_admin"], user) is manageable
    # The city reaches every one of them, except the system administrator.
    assert can_manage_user(personas["city_admin"], user) is not any(r == Role.ADMIN for r, _o, _s in roles)


def test_a_unit_only_admin_cannot_manage_a_user_whose_role_covers_the_sub_units(tree):
    renhe_office = make_user("renhe_office", tree.renhe, (Role.CAMPAIGN_OFFICE, tree.renhe, False))
    unit_only = make_user("unit_only", tree.renhe, (Role.OPERATOR, tree.renhe, False))
    whole_street = make_user("whole_street", tree.renhe, (Role.OPERATOR, tree.renhe, True))
    assert can_manage_user(renhe_office, unit_only)
    assert not can_manage_user(renhe_office, whole_street)


def test_a_superuser_is_managed_by_a_superuser_only(tree, personas):
    root = make_user("root", tree.zhongyuan)
    root.is_superuser = True
    root.save()
    assert not can_manage_user(personas["zhongyuan_admin"], root)
    assert not can_manage_user(personas["city_admin"], root)


# --- every action refuses a user reaching beside the district ----------------------------------


def test_the_district_admin_cannot_reset_the_password_of_a_user_with_a_role_on_another_district(
    straddler, personas
):
    with pytest.raises(PermissionDenied):
        services.reset_password(actor=personas["zhongyuan_admin"], user=straddler, new_password=NEW_PASSWORD)
    straddler.refresh_from_db()
    assert straddler.check_password(OLD_PASSWORD) and not straddler.must_change_password


def test_the_district_admin_cannot_deactivate_link_or_grant_to_such_a_user(straddler, personas, tree):
    actor = personas["zhongyuan_admin"]
    person = Person.objects.get(organization=tree.zhongyuan_street)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.set_active(actor=actor, user=straddler, active=False)
    with pytest.raises(PermissionDenied):
        services.link_person(actor=actor, user=straddler, person=person)
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=actor, user=straddler, role=Role.LECTURER, organization=tree.zhongyuan_street
        )
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=actor, assignment=straddler.role_assignments.get(role=Role.OPERATOR))
    straddler.refresh_from_db()
    assert straddler.is_active and straddler.person is None
    assert straddler.role_assignments.count() == 2
    assert AuditEntry.objects.count() == before


def test_the_city_admin_acts_on_such_a_user(straddler, personas, tree):
    actor = personas["city_admin"]
    services.reset_password(actor=actor, user=straddler, new_password=NEW_PASSWORD)
    services.link_person(
        actor=actor, user=straddler, person=Person.objects.get(organization=tree.zhongyuan_street)
    )
    services.revoke_role(actor=actor, assignment=straddler.role_assignments.get(role=Role.INSPECTOR))
    services.set_active(actor=actor, user=straddler, active=False)
    straddler.refresh_from_db()
    assert straddler.check_password(NEW_PASSWORD) and not straddler.is_active
    assert list(straddler.role_assignments.values_list("role", flat=True)) == [Role.OPERATOR]


def test_once_the_role_beside_is_revoked_the_district_admin_manages_the_user_again(straddler, personas):
    services.revoke_role(
        actor=personas["city_admin"], assignment=straddler.role_assignments.get(role=Role.INSPECTOR)
    )
    straddler = User.objects.get(pk=straddler.pk)
    services.reset_password(actor=personas["zhongyuan_admin"], user=straddler, new_password=NEW_PASSWORD)


# --- revoking a role the city granted on the district ------------------------------------------


@pytest.fixture
def city_inspector_on_zhongyuan(personas, tree):
    """The city puts inspector1 (homed at the city, also on 二七区) on 中原区's guidance group."""
    return services.grant_role(
        actor=personas["city_admin"],
        user=personas["inspector1"],
        role=Role.INSPECTOR,
        organization=tree.zhongyuan,
    )


def test_the_district_admin_cannot_revoke_the_inspector_role_the_city_granted_on_the_district(
    city_inspector_on_zhongyuan, personas, client_for
):
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=personas["zhongyuan_admin"], assignment=city_inspector_on_zhongyuan)
    # The role is listed on the district's page (the district sees who inspects it), so the
    # refusal is 403, not 404.
    response = client_for("zhongyuan_admin").post(
        reverse("accounts:revoke", args=[city_inspector_on_zhongyuan.pk])
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=city_inspector_on_zhongyuan.pk).exists()
    response = client_for("city_admin").post(
        reverse("accounts:revoke", args=[city_inspector_on_zhongyuan.pk])
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=city_inspector_on_zhongyuan.pk).exists()


# --- pages: the user is visible, nothing on the page acts on it, every POST is refused ----------

ACTIONS = {
    "reset_password": {"new_password": NEW_PASSWORD},
    "set_active": {"active": "0"},
    "link_person": {"person": ""},
    "grant": {"role": Role.LECTURER, "organization": "0"},
}


def test_the_district_admin_sees_the_user_without_any_action(straddler, client_for):
    response = client_for("zhongyuan_admin").get(reverse("accounts:user_detail", args=[straddler.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "straddler" in text and "林山寨街道" in text
    for name in ACTIONS:
        assert f'action="{reverse(f"accounts:{name}", args=[straddler.pk])}"' not in text, name
    for assignment in straddler.role_assignments.all():
        assert f'action="{reverse("accounts:revoke", args=[assignment.pk])}"' not in text
    assert zh(BEYOND_REACH) in text


def test_the_city_admin_sees_every_action_on_the_same_page(straddler, client_for):
    text = client_for("city_admin").get(reverse("accounts:user_detail", args=[straddler.pk])).content.decode()
    for name in ACTIONS:
        assert f'action="{reverse(f"accounts:{name}", args=[straddler.pk])}"' in text, name
    for assignment in straddler.role_assignments.all():
        assert f'action="{reverse("accounts:revoke", args=[assignment.pk])}"' in text


def test_every_post_on_the_user_is_refused_with_403_and_writes_nothing(straddler, tree, client_for):
    client = client_for("zhongyuan_admin")
    before = AuditEntry.objects.count()
    got = {}
    for name, data in ACTIONS.items():
        if name == "grant":
            data = {**data, "organization": tree.zhongyuan_street.pk}
        got[name] = client.post(reverse(f"accounts:{name}", args=[straddler.pk]), data).status_code
    operator_role = straddler.role_assignments.get(role=Role.OPERATOR)
    got["revoke"] = client.post(reverse("accounts:revoke", args=[operator_role.pk])).status_code
    assert got == dict.fromkeys([*ACTIONS, "revoke"], 403)
    straddler.refresh_from_db()
    assert straddler.check_password(OLD_PASSWORD) and straddler.is_active
    assert straddler.role_assignments.count() == 2
    assert AuditEntry.objects.count() == before


def test_the_user_list_marks_who_the_viewer_may_manage(straddler, tree, client_for):
    make_user("plain", tree.zhongyuan_street, (Role.OPERATOR, tree.zhongyuan_street, False))
    for persona, expected in (("zhongyuan_admin", False), ("city_admin", True)):
        response = client_for(persona).get(reverse("accounts:users"))
        rows = {u.username: u.manageable for u in response.context["page_obj"]}
        assert rows["straddler"] is expected and rows["plain"] is True, persona
    text = client_for("zhongyuan_admin").get(reverse("accounts:users")).content.decode()
    assert text.count(zh("Managed by the level above")) == 1
