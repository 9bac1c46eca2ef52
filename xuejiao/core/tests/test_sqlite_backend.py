"""On SQLite, the platform's backend rewrites %s markers to ? as Django's does, faster."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from xuejiao.core.sqlite3.base import SQLiteCursorWrapper
from xuejiao.orgs.models import Organization

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend")

STATEMENTS = [
    "SELECT 1",
    "SELECT * FROM t WHERE a = %s AND b IN (%s, %s)",
    "INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s)",
    "SELECT * FROM t WHERE name LIKE '%%s' AND a = %s",  # an escaped percent before s
    "SELECT '100%%' || %s",
]


@pytest.mark.parametrize("sql", STATEMENTS)
def test_markers_rewritten_as_django_rewrites_them(db, sql):
    connection.ensure_connection()
    ours = connection.connection.cursor(factory=SQLiteCursorWrapper)
    django = connection.connection.cursor(factory=DjangoCursor)
    assert ours.convert_query(sql) == django.convert_query(sql)
    named = "SELECT %(a)s, %(b)s"
    assert ours.convert_query(named, param_names=["a", "b"]) == django.convert_query(
        named, param_names=["a", "b"]
    )


def test_queries_with_literal_percent_signs_still_work(db, tree):
    assert type(connection.cursor().cursor) is SQLiteCursorWrapper  # the settings chose this backend
    with connection.cursor() as cursor:
        cursor.execute("SELECT '100%%' || %s", ["!"])
        assert cursor.fetchone()[0] == "100%!"
    assert Organization.objects.filter(name__contains="%").count() == 0
    assert Organization.objects.filter(name__startswith=tree.erqi.name[:2]).exists()
