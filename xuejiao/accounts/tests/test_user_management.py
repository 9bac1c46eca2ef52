"""User management inside one's own scope: creating users, granting and revoking roles.

A campaign-office administrator manages users homed in their part of the tree, grants only
roles of a rank at most their own, only on organisations they manage (with the subtree only
where they hold the subtree), and never acts on their own role or account.
"""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from xuejiao.accounts import services
from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.accounts.permissions import grantable_roles
from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.core.roles import Role

GOOD_PASSWORD = "Xuejiao2021a"


def zh(message: str, **params) -> str:
    """The message as a Chinese user reads it (the zh-Hans catalogue is complete)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text % params if params else text)


def counts():
    return User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()


def make_user(username, home, role=None, org=None, subtree=True):
    user = User.objects.create_user(
        username=username,
        password="Member#2021pass",
        display_name=username,
        home_organization=home,
        must_change_password=False,
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, organization=org or home, include_subtree=subtree)
    return user


def create_user_form(org, **overrides):
    data = {
        "username": "wang.fang",
        "display_name": "王芳",
        "home_organization": org.pk,
        "password": GOOD_PASSWORD,
        "role": Role.OPERATOR,
        "include_subtree": "on",
    }
    data.update(overrides)
    return data


# --- creating users ----------------------------------------------------------------------------


def test_a_district_admin_creates_a_user_inside_the_district_who_must_change_the_password(personas, tree):
    user = services.create_user(
        actor=personas["erqi_admin"],
        username="wang.fang",
        display_name="王芳",
        home_organization=tree.zhengfei,
        password=GOOD_PASSWORD,
    )
    user.refresh_from_db()
    assert user.home_org_path == tree.zhengfei.path
    assert user.must_change_password
    assert user.check_password(GOOD_PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="user", object_id=str(user.pk))
    assert entry.username == "erqi_admin" and entry.organization == tree.zhengfei


@pytest.mark.parametrize("outside", ["zhongyuan", "zhongyuan_street", "city", "school"])
def test_a_district_admin_cannot_create_a_user_outside_the_district(personas, tree, outside):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=personas["erqi_admin"],
            username="wang.fang",
            display_name="王芳",
            home_organization=getattr(tree, outside),
            password=GOOD_PASSWORD,
        )
    assert counts() == before


@pytest.mark.parametrize("persona", ["city_leader", "street_operator", "inspector1", "lecturer1", "judge1"])
def test_a_user_without_a_campaign_office_role_cannot_create_users(personas, tree, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=personas[persona],
            username="wang.fang",
            display_name="王芳",
            home_organization=tree.renhe,
            password=GOOD_PASSWORD,
        )
    assert counts() == before


def test_the_new_user_page_creates_the_user_with_the_first_role(tree, client_for):
    response = client_for("erqi_admin").post(reverse("accounts:create_user"), create_user_form(tree.renhe))
    user = User.objects.get(username="wang.fang")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.home_organization == tree.renhe
    assert list(user.role_assignments.values_list("role", "organization", "include_subtree")) == [
        (Role.OPERATOR, tree.renhe.pk, True)
    ]


def test_the_new_user_page_refuses_an_organisation_outside_the_district(tree, client_for):
    client = client_for("erqi_admin")
    before = counts()
    response = client.post(reverse("accounts:create_user"), create_user_form(tree.zhongyuan))
    assert response.status_code == 200
    assert (
        zh("Choose the user's organisation from the list (inside your scope).") in response.content.decode()
    )
    assert counts() == before


def test_a_duplicate_username_is_refused_with_a_clear_chinese_message_and_nothing_is_written(
    tree, client_for
):
    client = client_for("erqi_admin")
    before = counts()
    response = client.post(
        reverse("accounts:create_user"), create_user_form(tree.renhe, username="zhongyuan_admin")
    )
    assert response.status_code == 200
    message = zh("The username “%(username)s” is already taken.", username="zhongyuan_admin")
    assert message in response.content.decode()
    assert counts() == before


def test_a_username_differing_only_in_case_is_a_duplicate(personas, tree):
    before = counts()
    with pytest.raises(ServiceError):
        services.create_user(
            actor=personas["erqi_admin"],
            username="  ERQI_Admin ",
            display_name="x",
            home_organization=tree.renhe,
            password=GOOD_PASSWORD,
        )
    assert counts() == before


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short", None),  # too short: Django's own message
        (
            "alllowercase1",
            "The password must contain at least %(count)d of: lower-case letters, "
            "upper-case letters, digits and symbols.",
        ),
        (
            "ONLYUPPER2021",
            "The password must contain at least %(count)d of: lower-case letters, "
            "upper-case letters, digits and symbols.",
        ),
    ],
)
def test_a_weak_password_is_refused_with_the_rule_explained_and_nothing_is_written(
    tree, client_for, password, rule
):
    client = client_for("erqi_admin")
    before = counts()
    response = client.post(reverse("accounts:create_user"), create_user_form(tree.renhe, password=password))
    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert errors
    text = response.content.decode()
    for error in errors:
        assert escape(error) in text
    if rule:
        assert zh(rule, count=3) in text
    else:
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        assert any("10" in message for message in refused.value.messages)
    assert counts() == before


def test_a_weak_password_given_to_the_service_raises_and_writes_nothing(personas, tree):
    before = counts()
    with pytest.raises(ValidationError):
        services.create_user_with_role(
            actor=personas["erqi_admin"],
            username="wang.fang",
            display_name="王芳",
            home_organization=tree.renhe,
            password="alllowercase1",
            role=Role.OPERATOR,
        )
    assert counts() == before


def test_creating_a_user_with_a_role_is_all_or_nothing_when_the_role_cannot_be_granted(personas, tree):
    before = counts()
    with pytest.raises(PermissionDenied):
        services.create_user_with_role(
            actor=personas["erqi_admin"],
            username="wang.fang",
            display_name="王芳",
            home_organization=tree.renhe,
            password=GOOD_PASSWORD,
            role=Role.ADMIN,
        )
    assert not User.objects.filter(username="wang.fang").exists()
    assert counts() == before


def test_the_new_user_page_does_not_offer_the_admin_role_to_a_district_admin(tree, client_for):
    client = client_for("erqi_admin")
    form = client.get(reverse("accounts:create_user")).context["form"]
    offered = [value for value, _label in form.fields["role"].choices]
    assert Role.ADMIN not in offered and Role.CAMPAIGN_OFFICE in offered
    before = counts()
    response = client.post(reverse("accounts:create_user"), create_user_form(tree.renhe, role=Role.ADMIN))
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert counts() == before


# --- granting roles ----------------------------------------------------------------------------


def test_a_campaign_office_admin_may_grant_roles_up_to_their_own_rank_and_no_higher(personas):
    roles = set(grantable_roles(personas["erqi_admin"]))
    assert Role.ADMIN not in roles
    assert {Role.CAMPAIGN_OFFICE, Role.LEADER, Role.OPERATOR, Role.INSPECTOR, Role.LECTURER} <= roles


@pytest.mark.parametrize("role", [Role.CAMPAIGN_OFFICE, Role.LEADER, Role.OPERATOR, Role.LECTURER])
def test_a_district_admin_grants_a_role_of_at_most_their_rank_inside_the_district(personas, tree, role):
    member = make_user("member", tree.renhe)
    assignment = services.grant_role(
        actor=personas["erqi_admin"], user=member, role=role, organization=tree.zhengfei, include_subtree=True
    )
    assert assignment.granted_by == personas["erqi_admin"]
    assert AuditEntry.objects.filter(action=AuditAction.GRANT, organization=tree.zhengfei).count() == 1


def test_a_district_admin_cannot_grant_the_admin_role(personas, tree):
    member = make_user("member", tree.renhe)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=personas["erqi_admin"], user=member, role=Role.ADMIN, organization=tree.renhe
        )
    assert counts() == before


@pytest.mark.parametrize("outside", ["zhongyuan", "city", "school"])
def test_a_district_admin_cannot_grant_a_role_on_an_organisation_outside_the_district(
    personas, tree, outside
):
    member = make_user("member", tree.renhe)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=personas["erqi_admin"], user=member, role=Role.OPERATOR, organization=getattr(tree, outside)
        )
    assert counts() == before


def test_a_district_admin_cannot_grant_roles_to_a_user_homed_outside_the_district(personas, tree):
    outsider = make_user("outsider", tree.zhongyuan)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=personas["erqi_admin"], user=outsider, role=Role.OPERATOR, organization=tree.renhe
        )
    assert counts() == before


def test_the_grant_page_refuses_an_organisation_outside_the_district_and_writes_nothing(tree, client_for):
    member = make_user("member", tree.renhe)
    client = client_for("erqi_admin")
    before = counts()
    response = client.post(
        reverse("accounts:grant", args=[member.pk]),
        {"role": Role.OPERATOR, "organization": tree.zhongyuan.pk},
    )
    assert response.status_code == 400
    assert zh("Choose the organisation from the list (inside your scope).") in response.content.decode()
    assert counts() == before


def test_the_grant_page_refuses_the_admin_role_to_a_district_admin(tree, client_for):
    member = make_user("member", tree.renhe)
    client = client_for("erqi_admin")
    before = counts()
    response = client.post(
        reverse("accounts:grant", args=[member.pk]), {"role": Role.ADMIN, "organization": tree.renhe.pk}
    )
    assert response.status_code == 400
    assert counts() == before


@pytest.fixture
def renhe_office(tree):
    """A campaign-office admin of 人和路街道 itself, without its sub-units."""
    return make_user("renhe_office", tree.renhe, Role.CAMPAIGN_OFFICE, subtree=False)


def test_an_admin_holding_a_unit_only_role_cannot_grant_a_role_covering_the_subtree(renhe_office, tree):
    member = make_user("member", tree.renhe)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=renhe_office, user=member, role=Role.OPERATOR, organization=tree.renhe, include_subtree=True
        )
    assert counts() == before
    services.grant_role(
        actor=renhe_office, user=member, role=Role.OPERATOR, organization=tree.renhe, include_subtree=False
    )
    assert member.role_assignments.get().include_subtree is False


def test_an_admin_holding_a_unit_only_role_cannot_grant_on_a_sub_unit(renhe_office, tree):
    member = make_user("member", tree.renhe)
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=renhe_office,
            user=member,
            role=Role.OPERATOR,
            organization=tree.zhengfei,
            include_subtree=False,
        )


def test_granting_a_role_the_user_already_holds_is_refused(personas, tree):
    member = make_user("member", tree.renhe, Role.OPERATOR)
    with pytest.raises(ServiceError) as refused:
        services.grant_role(
            actor=personas["erqi_admin"], user=member, role=Role.OPERATOR, organization=tree.renhe
        )
    assert not isinstance(refused.value, PermissionDenied)
    assert member.role_assignments.count() == 1


# --- revoking roles, deactivating, resetting passwords -----------------------------------------


def test_a_district_admin_revokes_a_role_inside_the_district(personas, tree, client_for):
    member = make_user("member", tree.zhengfei, Role.OPERATOR)
    assignment = member.role_assignments.get()
    response = client_for("erqi_admin").post(reverse("accounts:revoke", args=[assignment.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.REVOKE)
    assert entry.organization == tree.zhengfei and entry.changes["role"] == Role.OPERATOR


def test_a_district_admin_cannot_revoke_their_own_role(personas, client_for):
    own = personas["erqi_admin"].role_assignments.get()
    with pytest.raises(ServiceError):
        services.revoke_role(actor=personas["erqi_admin"], assignment=own)
    response = client_for("erqi_admin").post(reverse("accounts:revoke", args=[own.pk]), follow=True)
    assert zh("You cannot revoke your own role.") in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_a_district_admin_cannot_revoke_a_role_above_their_rank(personas, tree):
    member = make_user("member", tree.renhe, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.revoke_role(actor=personas["erqi_admin"], assignment=member.role_assignments.get())
    assert member.role_assignments.exists()


def test_a_district_admin_cannot_deactivate_themselves(personas, client_for):
    erqi_admin = personas["erqi_admin"]
    with pytest.raises(ServiceError):
        services.set_active(actor=erqi_admin, user=erqi_admin, active=False)
    response = client_for("erqi_admin").post(
        reverse("accounts:set_active", args=[erqi_admin.pk]), {"active": "0"}, follow=True
    )
    assert zh("You cannot deactivate yourself.") in response.content.decode()
    erqi_admin.refresh_from_db()
    assert erqi_admin.is_active


def test_a_deactivated_user_can_no_longer_log_in_or_use_the_session(personas, tree, client_for):
    member = make_user("member", tree.renhe, Role.OPERATOR)
    member_client = client_for("street_operator")
    services.set_active(actor=personas["erqi_admin"], user=personas["street_operator"], active=False)
    assert member_client.get(reverse("home:home")).status_code == 302
    assert member_client.get("/api/v1/me").status_code == 401
    services.set_active(actor=personas["erqi_admin"], user=member, active=False)
    assert not User.objects.get(pk=member.pk).is_active


def test_a_district_admin_cannot_deactivate_or_reset_a_user_of_higher_rank(personas, tree):
    superior = make_user("superior", tree.renhe, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.set_active(actor=personas["erqi_admin"], user=superior, active=False)
    with pytest.raises(PermissionDenied):
        services.reset_password(actor=personas["erqi_admin"], user=superior, new_password=GOOD_PASSWORD)
    superior.refresh_from_db()
    assert superior.is_active and superior.check_password("Member#2021pass")


def test_a_password_reset_sets_a_temporary_password_the_user_must_change(personas, tree, client_for):
    member = make_user("member", tree.renhe)
    response = client_for("erqi_admin").post(
        reverse("accounts:reset_password", args=[member.pk]), {"new_password": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD) and member.must_change_password


def test_a_weak_temporary_password_is_refused(personas, tree, client_for):
    member = make_user("member", tree.renhe)
    response = client_for("erqi_admin").post(
        reverse("accounts:reset_password", args=[member.pk]), {"new_password": "alllowercase1"}
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.check_password("Member#2021pass") and not member.must_change_password


def test_the_user_list_filters_by_organisation_role_and_name(personas, tree, client_for):
    make_user("li.na", tree.zhengfei, Role.OPERATOR)
    make_user("zhou.jie", tree.renhe, Role.LEADER)
    client = client_for("erqi_admin")

    def listed(**query):
        return sorted(u.username for u in client.get(reverse("accounts:users"), query).context["page_obj"])

    assert listed() == [
        "erqi_admin",
        "lecturer1",
        "li.na",
        "street_operator",
        "zhengfei_operator",
        "zhou.jie",
    ]
    assert listed(org=tree.zhengfei.pk) == ["li.na", "zhengfei_operator"]
    assert listed(role=Role.LEADER) == ["zhou.jie"]
    assert listed(q="zhou") == ["zhou.jie"]


@pytest.mark.parametrize("org", ["zhongyuan", "city", "missing", "not-a-number"])
def test_the_user_list_for_an_organisation_outside_the_scope_is_404(personas, tree, client_for, org):
    value = {"missing": "999999", "not-a-number": "abc"}.get(org) or getattr(tree, org).pk
    response = client_for("erqi_admin").get(reverse("accounts:users"), {"org": value})
    assert response.status_code == 404
