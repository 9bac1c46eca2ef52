"""The role × scope matrix, continued: users whose roles reach into another district.

A login homed in one district that holds a role on another would hand a manager of either
district everything the login sees. Such a user is acted on only from a level whose part of
the tree holds the user's home and every one of its roles (accounts.permissions.can_manage_user).
The personas, the pages and the helpers are those of test_scope_matrix.
"""

import pytest
from django.urls import reverse

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.core.roles import Role

from .test_scope_matrix import (
    MANAGERS,
    MANAGES,
    PERSONA_NAMES,
    USER_PAGES,
    assert_no_hidden_names,
    main_part,
    manages,
    statuses,
)

# username: (home organisation, [(role, organisation, covers the subtree)])
STRADDLERS = {
    # 中原区 street operator who also sits on 二七区's guidance group.
    "zy_operator_erqi_inspector": (
        "zhongyuan_street",
        [(Role.OPERATOR, "zhongyuan_street", False), (Role.INSPECTOR, "erqi", True)],
    ),
    # Homed in a 中原区 street, running 二七区's campaign office.
    "zy_home_erqi_office": ("zhongyuan_street", [(Role.CAMPAIGN_OFFICE, "erqi", True)]),
    # Homed in 中原区, filling in for a community of 二七区.
    "zy_home_zhengfei_operator": ("zhongyuan", [(Role.OPERATOR, "zhengfei", False)]),
    # The other way round: homed in 二七区, inspecting 中原区.
    "erqi_home_zy_inspector": ("renhe", [(Role.INSPECTOR, "zhongyuan", True)]),
    # For contrast: everything inside 中原区.
    "zy_street_operator": ("zhongyuan_street", [(Role.OPERATOR, "zhongyuan_street", False)]),
}
# Who may act on each (written by hand): only a manager whose part of the tree holds the user's
# home and every one of its roles.
MANAGED_BY = {
    "zy_operator_erqi_inspector": {"city_admin"},
    "zy_home_erqi_office": {"city_admin"},
    "zy_home_zhengfei_operator": {"city_admin"},
    "erqi_home_zy_inspector": {"city_admin"},
    "zy_street_operator": {"city_admin", "zhongyuan_admin"},
}


@pytest.fixture
def straddlers(tree, personas) -> dict[str, User]:
    users = {}
    for username, (home, grants) in STRADDLERS.items():
        user = User.objects.create_user(
            username=username,
            password="Member#2021pass",
            display_name=username,
            home_organization=getattr(tree, home),
            must_change_password=False,
        )
        for role, org, subtree in grants:
            RoleAssignment.objects.create(
                user=user, role=role, organization=getattr(tree, org), include_subtree=subtree
            )
        users[username] = user
    return users


def straddler_status(persona: str, username: str, success: int) -> int:
    """404 when the user's home is outside the manager's part, 403 when it is inside but some
    role reaches beyond it, `success` when the manager may act."""
    if persona not in MANAGES:
        return 403
    if STRADDLERS[username][0] not in manages(persona):
        return 404
    return success if persona in MANAGED_BY[username] else 403


@pytest.mark.parametrize("page", [name for name in USER_PAGES if name != "user detail"])
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_user_whose_roles_reach_another_district_is_acted_on_only_from_the_level_covering_both(
    persona, page, straddlers, client_for
):
    method, url, data, success = USER_PAGES[page]
    client = client_for(persona)
    urls = {name: url(user) for name, user in straddlers.items()}
    payload = (lambda name: data(straddlers[name])) if callable(data) else data
    expected = {name: straddler_status(persona, name, success) for name in STRADDLERS}
    before = {
        u.username: (u.password, u.is_active, u.person_id, u.role_assignments.count())
        for u in User.objects.filter(username__in=STRADDLERS)
    }
    assert statuses(client, method, urls, payload) == expected
    after = {
        u.username: (u.password, u.is_active, u.person_id, u.role_assignments.count())
        for u in User.objects.filter(username__in=STRADDLERS)
    }
    changed = {name for name in STRADDLERS if before[name] != after[name]}
    # Unlinking a roster entry that was never linked changes nothing, even where allowed.
    acted = {name for name, status in expected.items() if status == success and page != "link roster entry"}
    assert changed == acted


@pytest.mark.parametrize("persona", MANAGERS)
def test_a_user_reaching_another_district_is_shown_to_its_home_district_without_a_way_to_act(
    persona, straddlers, client_for
):
    client = client_for(persona)
    got_status, got_forms = {}, {}
    for name, user in straddlers.items():
        response = client.get(reverse("accounts:user_detail", args=[user.pk]))
        got_status[name] = response.status_code
        if response.status_code != 200:
            continue
        text = main_part(response)
        assert_no_hidden_names(persona, text)
        actions = ["reset_password", "set_active", "link_person", "grant"]
        forms = {a for a in actions if f'action="{reverse(f"accounts:{a}", args=[user.pk])}"' in text}
        revokes = {
            a.pk
            for a in user.role_assignments.all()
            if f'action="{reverse("accounts:revoke", args=[a.pk])}"' in text
        }
        got_forms[name] = bool(forms or revokes)
        assert forms in (set(), set(actions)), (name, forms)
    assert got_status == {
        name: 200 if STRADDLERS[name][0] in manages(persona) else 404 for name in STRADDLERS
    }
    assert got_forms == {
        name: persona in MANAGED_BY[name] for name in STRADDLERS if STRADDLERS[name][0] in manages(persona)
    }
    listed = {u.username: u.manageable for u in client.get(reverse("accounts:users")).context["page_obj"]}
    assert {name: listed[name] for name in STRADDLERS if name in listed} == got_forms


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_role_of_a_user_reaching_another_district_is_revoked_only_from_the_level_covering_both(
    persona, straddlers, client_for
):
    client = client_for(persona)
    assignments = {
        (a.user.username, a.role): a for a in RoleAssignment.objects.filter(user__in=straddlers.values())
    }
    urls = {key: reverse("accounts:revoke", args=[a.pk]) for key, a in assignments.items()}

    def expected_status(key):
        if persona not in MANAGES:
            return 403
        org = next(o for r, o, _s in STRADDLERS[key[0]][1] if r == key[1])
        if org not in manages(persona):
            return 404  # the role itself is out of sight
        return 302 if persona in MANAGED_BY[key[0]] else 403

    expected = {key: expected_status(key) for key in assignments}
    assert statuses(client, "post", urls) == expected
    left = {key for key, a in assignments.items() if RoleAssignment.objects.filter(pk=a.pk).exists()}
    assert left == {key for key, status in expected.items() if status != 302}


def test_the_zhongyuan_admin_cannot_revoke_the_inspector_role_the_city_granted_on_zhongyuan(
    tree, personas, client_for
):
    from xuejiao.accounts.services import grant_role

    role = grant_role(
        actor=personas["city_admin"],
        user=personas["inspector1"],
        role=Role.INSPECTOR,
        organization=tree.zhongyuan,
    )
    assert client_for("zhongyuan_admin").post(reverse("accounts:revoke", args=[role.pk])).status_code == 403
    assert client_for("erqi_admin").post(reverse("accounts:revoke", args=[role.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=role.pk).exists()
    assert client_for("city_admin").post(reverse("accounts:revoke", args=[role.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
