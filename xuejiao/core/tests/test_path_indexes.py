"""The scope filter is an indexed range on a path column, on both databases.

Every path column (core.fields.PathField) leads an index; on PostgreSQL it uses the "C"
collation, so that one ordinary index serves the range and prefix searches, without the
varchar_pattern_ops twin Django adds to an indexed varchar column declared db_index=True or
unique=True (path columns declare theirs in Meta.indexes and Meta.constraints instead).
"""

import pytest
from django.apps import apps
from django.db import connection

from xuejiao.core.fields import PathField
from xuejiao.orgs.models import Organization, Person
from xuejiao.orgs.scope import subtree_q

from .test_foreign_key_indexes import leading_columns


def path_columns() -> list[tuple[str, str]]:
    return sorted(
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, PathField)
    )


def pattern_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%%_pattern_ops%%'")
        return cursor.fetchall()


def test_every_path_column_leads_an_index(db):
    assert len(path_columns()) >= 12
    assert [(table, column) for table, column in path_columns() if column not in leading_columns(table)] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pattern indexes")
def test_path_columns_have_no_pattern_twin(db):
    twins = [
        definition
        for table, definition in pattern_indexes()
        for path_table, column in path_columns()
        if table == path_table and f"({column} varchar_pattern_ops)" in definition
    ]
    assert twins == []
    # Activity numbers are looked up whole: their unique constraint has no twin either.
    assert not [definition for _table, definition in pattern_indexes() if "external_key" in definition]


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        # On a test database of a few rows a scan is cheaper; forbid it to see whether an
        # index can answer at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize(
    ("model", "field"), [(Organization, "path"), (Person, "org_path")], ids=["organisations", "people"]
)
def test_a_subtree_is_read_through_the_path_index(tree, model, field):
    text = plan(model.objects.filter(subtree_q(field, tree.erqi.path)).values("pk"))
    if connection.vendor == "postgresql":
        assert "Index" in text and "Seq Scan" not in text, text
    else:
        # SEARCH: the index is entered at the range's bounds (SCAN would read all of it).
        assert f"SEARCH {model._meta.db_table} USING" in text and "INDEX" in text, text
