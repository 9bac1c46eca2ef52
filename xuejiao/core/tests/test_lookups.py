"""Lists of values in a filter behave as Django's own lookups do: the project replaces none."""

import pytest
from django.db import connection

from xuejiao.orgs.models import Organization, Person


def test_one_id_beyond_any_column_matches_nothing(tree):
    assert list(Organization.objects.filter(pk=10**20)) == []


# On SQLite, Django's `__in` hands such a number to the driver, which refuses it
# (OverflowError): ids taken from a request are checked for range before they reach a query.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's driver takes 64-bit integers only")
def test_a_list_holding_an_id_beyond_any_column_matches_nothing(tree):
    # A number no id column can hold (a mistyped or hostile ?ids=…) is simply not found.
    huge = 10**20
    assert list(Organization.objects.filter(pk__in=[huge])) == []
    assert list(Organization.objects.filter(pk__in=[huge, tree.erqi.pk])) == [tree.erqi]
    assert list(Person.objects.filter(organization_id__in=[huge])) == []
    assert list(Person.objects.filter(organization__in=[-huge])) == []


def test_lists_of_codes_paths_and_related_objects(tree):
    codes = Organization.objects.filter(code__in=["ZZ-EQ", "ZZ-ZY", "NONE"]).order_by("code")
    assert [o.code for o in codes] == ["ZZ-EQ", "ZZ-ZY"]
    assert list(Organization.objects.filter(path__in=[tree.zhengfei.path])) == [tree.zhengfei]
    people = Person.objects.filter(organization__in=[tree.zhengfei, tree.school]).order_by("name")
    assert [p.name for p in people] == ["张伟", "赵磊"]
    assert list(Organization.objects.filter(pk__in=[None])) == []
