import pytest

from xuejiao.core.roles import Role
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import Grant, Scope, scope_for


def names(queryset):
    return sorted(o.name for o in queryset)


def test_a_district_admin_sees_exactly_the_district(personas, tree):
    scope = scope_for(personas["erqi_admin"])
    assert names(scope.filter(Organization.objects.all())) == [
        "二七区",
        "人和路街道",
        "郑飞社区",
        "郑飞社区第一党支部",
    ]
    assert scope.covers(tree.zhengfei_branch)
    assert not scope.covers(tree.zhongyuan)
    assert not scope.covers(tree.city)


def test_an_operator_without_subtree_sees_only_the_own_unit(personas, tree):
    scope = scope_for(personas["zhengfei_operator"])
    assert names(scope.filter(Organization.objects.all())) == ["郑飞社区"]
    assert names(scope.filter(Person.objects.all())) == ["张伟"]


def test_an_inspector_sees_the_union_of_what_the_group_covers(personas):
    scope = scope_for(personas["inspector1"])
    visible = names(scope.filter(Organization.objects.all()))
    assert "市教育局" in visible and "郑州市第一中学" in visible and "郑飞社区" in visible
    assert "中原区" not in visible and "中共郑州市委" not in visible


def test_scope_can_be_narrowed_to_some_roles(personas):
    scope = scope_for(personas["inspector1"], [Role.CAMPAIGN_OFFICE])
    assert scope.is_empty
    assert Organization.objects.count() > 0
    assert not scope.filter(Organization.objects.all()).exists()


def test_an_anonymous_or_inactive_user_sees_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()).is_empty
    user = personas["erqi_admin"]
    user.is_active = False
    assert scope_for(user).is_empty


def test_grants_inside_a_subtree_grant_are_dropped():
    scope = Scope.of(
        [Grant("0001", True), Grant("00010002", True), Grant("00010003", False), Grant("0002", False)]
    )
    assert scope.grants == (Grant("0001", True), Grant("0002", False))


def test_a_sibling_with_a_longer_code_prefix_is_not_inside(db):
    # "0001" must not cover "00010" style siblings: paths have a fixed step, the range is exact.
    scope = Scope.of([Grant("00010001", True)])
    assert scope.covers_path("000100010005")
    assert not scope.covers_path("00010002")
    assert not scope.covers_path("0001")


@pytest.mark.parametrize("vendor_query", ["path"])
def test_the_scope_filter_is_a_range_on_the_path(personas, vendor_query):
    from django.db import connection

    scope = scope_for(personas["erqi_admin"])
    sql = str(scope.filter(Organization.objects.all()).query)
    assert f'"{vendor_query}" >=' in sql and f'"{vendor_query}" <' in sql
    assert "LIKE" not in sql.upper() or connection.vendor == "unknown"
