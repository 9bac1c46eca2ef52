"""Moving a subtree to another parent and archiving it.

Every record carries a copy of its organisation's path for the scope filter; a move must
rewrite every copy, or records would stay visible to the old district and hidden from the
new one.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.errors import PermissionDenied, ServiceError
from xuejiao.orgs import copied_paths, services
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import scope_for

RENHE_SUBTREE = {"人和路街道", "郑飞社区", "郑飞社区第一党支部"}
RENHE_PEOPLE = {"李秀英", "张伟", "刘洋"}


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text)


def copied_path_mismatches() -> list[str]:
    """Every copy of a path that differs from its organisation's (see test_copied_paths)."""
    return copied_paths.stale()


def tree_problems() -> list:
    return [problem for problem in Organization.find_problems() if problem]


def visible_names(user) -> set[str]:
    user.forget_assignments()
    return set(scope_for(user).filter(Organization.objects.all()).values_list("name", flat=True))


@pytest.fixture
def history(tree, personas, client_for):
    """Audit entries about the subtree before it moves, and a login by its operator."""
    erqi_admin = personas["erqi_admin"]
    services.update_organization(actor=erqi_admin, organization=tree.zhengfei, short_name="郑飞")
    services.create_person(actor=erqi_admin, organization=tree.zhengfei_branch, name="孙丽")
    client_for("street_operator").get(reverse("home:home"))
    return AuditEntry.objects.filter(org_path__startswith=tree.renhe.path).count()


@pytest.fixture
def moved(tree, personas, history):
    services.move_organization(
        actor=personas["city_admin"], organization=tree.renhe, new_parent=tree.zhongyuan
    )
    for org in (tree.renhe, tree.zhengfei, tree.zhengfei_branch, tree.erqi, tree.zhongyuan):
        org.refresh_from_db()
    return tree


# --- moving --------------------------------------------------------------------------------------


def test_before_the_move_the_copies_are_consistent(history):
    assert history >= 3
    assert copied_path_mismatches() == []


def test_a_move_places_the_subtree_under_the_new_parent(moved):
    tree = moved
    assert tree.renhe.path.startswith(tree.zhongyuan.path) and tree.renhe.depth == tree.zhongyuan.depth + 1
    assert tree.zhengfei.path.startswith(tree.renhe.path)
    assert tree.zhengfei_branch.path.startswith(tree.zhengfei.path)
    assert (tree.erqi.numchild, tree.zhongyuan.numchild) == (0, 2)


def test_a_move_keeps_every_copied_path_equal_to_the_organisations_new_path(moved):
    assert Person.objects.filter(org_path__startswith=moved.renhe.path).count() == 4
    assert copied_path_mismatches() == []


def test_a_move_leaves_the_tree_without_problems(moved):
    assert tree_problems() == []


def test_after_the_move_the_old_district_no_longer_sees_the_subtree_and_the_new_one_does(moved, personas):
    assert visible_names(personas["erqi_admin"]) == {"二七区"}
    assert visible_names(personas["zhongyuan_admin"]) == {"中原区", "林山寨街道"} | RENHE_SUBTREE
    # The street's own operator keeps the street, wherever it hangs.
    assert visible_names(personas["street_operator"]) == RENHE_SUBTREE


def test_after_the_move_the_pages_follow_the_new_scope(moved, client_for):
    erqi, zhongyuan = client_for("erqi_admin"), client_for("zhongyuan_admin")
    for org in (moved.renhe, moved.zhengfei, moved.zhengfei_branch):
        assert erqi.get(reverse("orgs:detail", args=[org.pk])).status_code == 404
        assert zhongyuan.get(reverse("orgs:detail", args=[org.pk])).status_code == 200
        assert zhongyuan.get(reverse("orgs:edit", args=[org.pk])).status_code == 200
    erqi_people = {p.name for p in erqi.get(reverse("orgs:people")).context["page_obj"]}
    zhongyuan_people = {p.name for p in zhongyuan.get(reverse("orgs:people")).context["page_obj"]}
    assert erqi_people == {"王建国"}
    assert zhongyuan_people == {"陈静", "杨帆", "孙丽"} | RENHE_PEOPLE


def test_after_the_move_users_and_audit_entries_of_the_subtree_belong_to_the_new_district(moved, client_for):
    erqi, zhongyuan = client_for("erqi_admin"), client_for("zhongyuan_admin")
    erqi_users = {u.username for u in erqi.get(reverse("accounts:users")).context["page_obj"]}
    zhongyuan_users = {u.username for u in zhongyuan.get(reverse("accounts:users")).context["page_obj"]}
    assert erqi_users == {"erqi_admin"}
    assert {"street_operator", "zhengfei_operator", "lecturer1"} <= zhongyuan_users
    erqi_log = erqi.get(reverse("accounts:audit")).context["page_obj"].paginator.object_list
    zhongyuan_log = zhongyuan.get(reverse("accounts:audit")).context["page_obj"].paginator.object_list
    assert not [e for e in erqi_log if e.org_path.startswith(moved.renhe.path)]
    assert any(e.username == "street_operator" and e.action == AuditAction.LOGIN for e in zhongyuan_log)


def test_a_move_is_recorded(moved, personas):
    entry = AuditEntry.objects.get(action=AuditAction.MOVE)
    assert entry.user == personas["city_admin"] and entry.organization == moved.renhe
    assert entry.changes == {"from": moved.erqi.code, "to": moved.zhongyuan.code}


def test_the_move_page_moves_inside_the_district(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:move", args=[tree.zhengfei_branch.pk]), {"new_parent": tree.renhe.pk}
    )
    assert response.status_code == 302
    tree.zhengfei_branch.refresh_from_db()
    assert tree.zhengfei_branch.path[: -Organization.steplen] == tree.renhe.path
    assert copied_path_mismatches() == [] and tree_problems() == []


@pytest.mark.parametrize("target", ["renhe", "zhengfei", "zhengfei_branch"])
def test_an_organisation_cannot_be_moved_under_itself_or_its_descendants(tree, personas, target):
    paths = dict(Organization.objects.values_list("code", "path"))
    with pytest.raises(ServiceError) as refused:
        services.move_organization(
            actor=personas["city_admin"], organization=tree.renhe, new_parent=getattr(tree, target)
        )
    assert not isinstance(refused.value, PermissionDenied)
    assert dict(Organization.objects.values_list("code", "path")) == paths
    assert not AuditEntry.objects.filter(action=AuditAction.MOVE).exists()


def test_the_move_page_refuses_a_descendant_as_the_new_parent_in_chinese(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:move", args=[tree.renhe.pk]), {"new_parent": tree.zhengfei.pk}
    )
    assert response.status_code == 200
    assert (
        zh("An organisation cannot be moved under itself or its own sub-units.") in response.content.decode()
    )
    tree.renhe.refresh_from_db()
    assert tree.renhe.path[: -Organization.steplen] == tree.erqi.path


def test_the_root_cannot_be_moved(tree, personas):
    with pytest.raises(ServiceError):
        services.move_organization(
            actor=personas["city_admin"], organization=tree.city, new_parent=tree.zhongyuan
        )


def test_nothing_moves_under_an_archived_organisation(tree, personas):
    Organization.objects.filter(pk=tree.zhongyuan_street.pk).update(is_archived=True)
    tree.zhongyuan_street.refresh_from_db()
    with pytest.raises(ServiceError):
        services.move_organization(
            actor=personas["city_admin"], organization=tree.renhe, new_parent=tree.zhongyuan_street
        )


def test_a_district_admin_cannot_move_an_organisation_into_another_district(tree, personas):
    with pytest.raises(PermissionDenied):
        services.move_organization(
            actor=personas["erqi_admin"], organization=tree.renhe, new_parent=tree.zhongyuan
        )
    tree.renhe.refresh_from_db()
    assert tree.renhe.path.startswith(tree.erqi.path)


def test_the_move_page_does_not_accept_a_parent_in_another_district(tree, client_for):
    response = client_for("erqi_admin").post(
        reverse("orgs:move", args=[tree.renhe.pk]), {"new_parent": tree.zhongyuan.pk}
    )
    assert response.status_code == 200
    assert zh("Choose the new parent from the list.") in response.content.decode()
    tree.renhe.refresh_from_db()
    assert tree.renhe.path.startswith(tree.erqi.path)
    assert not AuditEntry.objects.filter(action=AuditAction.MOVE).exists()


def test_a_district_admin_cannot_take_an_organisation_from_another_district(tree, client_for):
    response = client_for("zhongyuan_admin").post(
        reverse("orgs:move", args=[tree.renhe.pk]), {"new_parent": tree.zhongyuan.pk}
    )
    assert response.status_code == 404
    tree.renhe.refresh_from_db()
    assert tree.renhe.path.startswith(tree.erqi.path)


def test_the_move_picker_offers_only_organisations_the_user_manages(tree, client_for):
    items = (
        client_for("erqi_admin")
        .get(reverse("orgs:autocomplete"), {"q": "zz", "for": "manage"})
        .json()["items"]
    )
    assert {item["name"] for item in items} == {"二七区"} | RENHE_SUBTREE


# --- archiving -----------------------------------------------------------------------------------


@pytest.fixture
def archived(tree, client_for):
    response = client_for("erqi_admin").post(reverse("orgs:archive", args=[tree.renhe.pk]))
    assert response.status_code == 302
    return tree


def test_archiving_marks_the_whole_subtree_and_nothing_else(archived):
    assert set(Organization.objects.filter(is_archived=True).values_list("name", flat=True)) == RENHE_SUBTREE


def test_archived_organisations_disappear_from_search_autocomplete_and_the_api(archived, client_for):
    for persona in ("erqi_admin", "city_admin", "street_operator"):
        client = client_for(persona)
        found = {o.name for o in client.get(reverse("orgs:search"), {"q": "zz"}).context["page_obj"]}
        items = client.get(reverse("orgs:autocomplete"), {"q": "zz"}).json()["items"]
        api_items = client.get("/api/v1/orgs").json()["items"]
        assert not found & RENHE_SUBTREE, persona
        assert not {item["name"] for item in items} & RENHE_SUBTREE, persona
        assert not {item["name"] for item in api_items} & RENHE_SUBTREE, persona
        if persona != "street_operator":
            assert "二七区" in found, persona


def test_archiving_keeps_the_records(archived, client_for):
    assert set(
        Person.objects.filter(org_path__startswith=archived.renhe.path).values_list("name", flat=True)
    ) == (RENHE_PEOPLE)
    client = client_for("erqi_admin")
    detail = client.get(reverse("orgs:detail", args=[archived.zhengfei.pk]), {"tab": "people"})
    assert detail.status_code == 200 and "张伟" in detail.content.decode()
    assert zh("Archived") in detail.content.decode()
    people = {p.name for p in client.get(reverse("orgs:people")).context["page_obj"]}
    assert people >= RENHE_PEOPLE


def test_the_manager_still_sees_archived_sub_units_but_a_reader_does_not(archived, client_for):
    url = reverse("orgs:detail", args=[archived.erqi.pk])
    managed = client_for("erqi_admin").get(url).context["page_obj"]
    read = client_for("inspector1").get(url).context["page_obj"]
    assert [o.name for o in managed] == ["人和路街道"]
    assert [o.name for o in read] == []


def test_an_archived_organisation_receives_no_new_people(archived, personas, client_for):
    archived.zhengfei.refresh_from_db()
    with pytest.raises(ServiceError):
        services.create_person(actor=personas["erqi_admin"], organization=archived.zhengfei, name="新人")
    response = client_for("erqi_admin").get(reverse("orgs:create_person", args=[archived.zhengfei.pk]))
    assert response.status_code == 200
    response = client_for("erqi_admin").post(
        reverse("orgs:create_person", args=[archived.zhengfei.pk]), {"name": "新人", "sort_order": 0}
    )
    assert zh("An archived organisation cannot receive new people.") in response.content.decode()
    assert not Person.objects.filter(name="新人").exists()


def test_archiving_is_recorded(archived):
    entry = AuditEntry.objects.get(action=AuditAction.ARCHIVE)
    assert entry.username == "erqi_admin" and entry.organization == archived.renhe
    assert entry.changes == {"is_archived": True}


def test_restoring_brings_the_subtree_back(archived, client_for):
    client = client_for("erqi_admin")
    client.post(reverse("orgs:archive", args=[archived.renhe.pk]), {"restore": "1"})
    assert not Organization.objects.filter(is_archived=True).exists()
    assert [o["name"] for o in client.get(reverse("orgs:autocomplete"), {"q": "zfsq"}).json()["items"]] == [
        "郑飞社区",
        "郑飞社区第一党支部",
    ]


def test_the_root_cannot_be_archived(tree, personas):
    with pytest.raises(ServiceError):
        services.archive_organization(actor=personas["city_admin"], organization=tree.city)
    assert not Organization.objects.filter(is_archived=True).exists()


def test_archiving_needs_a_post(tree, client_for):
    assert client_for("erqi_admin").get(reverse("orgs:archive", args=[tree.renhe.pk])).status_code == 405
    assert not Organization.objects.filter(is_archived=True).exists()
