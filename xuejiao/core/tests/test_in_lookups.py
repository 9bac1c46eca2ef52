"""`__in` with a list of values: one array parameter on PostgreSQL, the same rows everywhere."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xuejiao.orgs.models import Organization, Person


def sql_of(queryset) -> tuple[list, str]:
    with CaptureQueriesContext(connection) as queries:
        rows = list(queryset)
    return rows, queries.captured_queries[-1]["sql"]


def test_values_are_one_array_on_postgresql(tree):
    rows, sql = sql_of(Organization.objects.filter(pk__in=[tree.erqi.pk, tree.renhe.pk, None]).order_by("pk"))
    assert rows == [tree.erqi, tree.renhe]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql


def test_strings_paths_and_related_objects(tree):
    rows, _sql = sql_of(Organization.objects.filter(code__in=["ZZ-EQ", "ZZ-ZY", "NONE"]).order_by("code"))
    assert [o.code for o in rows] == ["ZZ-EQ", "ZZ-ZY"]
    rows, _sql = sql_of(Organization.objects.filter(path__in=[tree.zhengfei.path]))
    assert rows == [tree.zhengfei]
    rows, sql = sql_of(Person.objects.filter(organization__in=[tree.zhengfei, tree.school]).order_by("name"))
    assert [p.name for p in rows] == ["张伟", "赵磊"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql


def test_an_empty_list_matches_nothing_without_a_query(tree, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Organization.objects.filter(pk__in=[])) == []
        assert list(Organization.objects.filter(pk__in=[None])) == []


def test_a_subquery_keeps_its_form(tree):
    districts = Organization.objects.filter(depth=2)
    rows, sql = sql_of(Person.objects.filter(organization__in=districts).order_by("name"))
    assert [p.name for p in rows] == ["王建国", "陈静"]
    assert " IN (SELECT" in sql


def compiled(queryset) -> tuple[str, tuple]:
    return queryset.query.get_compiler(connection=connection).as_sql()


def test_plain_values_compile_as_django_compiles_them(tree, monkeypatch):
    """The one-pass preparation gives the statement and parameters Django's gives."""
    from xuejiao.core.lookups import PlainValues

    cases = [
        Organization.objects.filter(pk__in=[tree.erqi.pk, tree.renhe.pk, None]),
        Organization.objects.filter(code__in=("ZZ-EQ", "ZZ-ZY")),
        Organization.objects.filter(path__in={tree.zhengfei.path}),
        Person.objects.filter(organization_id__in=[tree.zhengfei.pk, tree.school.pk]),
        Person.objects.filter(organization__in=[tree.zhengfei.pk]),
        Person.objects.filter(organization__in=[tree.zhengfei, tree.school]),  # instances: Django's way
        Organization.objects.filter(pk__in=["1", 2]),  # strings for an integer column: Django's way
    ]
    fast = [compiled(queryset) for queryset in cases]
    monkeypatch.setattr(PlainValues, "plain_values", lambda self, values: None)
    assert fast == [compiled(queryset) for queryset in cases]


def test_plain_values_skip_the_field_preparation(tree, monkeypatch):
    from django.db.models import CharField, IntegerField

    calls = []
    for field_class in (IntegerField, CharField):
        original = field_class.get_prep_value
        monkeypatch.setattr(
            field_class,
            "get_prep_value",
            lambda self, value, original=original: calls.append(value) or original(self, value),
        )
    ids = [tree.erqi.pk, tree.renhe.pk]
    assert set(Organization.objects.filter(pk__in=ids).values_list("pk", flat=True)) == set(ids)
    Person.objects.filter(organization_id__in=ids * 100).count()
    assert calls == []
    assert list(Organization.objects.filter(pk__in=[str(tree.erqi.pk)])) == [tree.erqi]
    assert calls  # a string for an integer column is converted by the field
