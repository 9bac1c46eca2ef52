"""On PostgreSQL, path columns (and activity numbers) carry one index each, without the
varchar_pattern_ops twin Django adds to other indexed varchar columns."""

import pytest
from django.apps import apps
from django.db import connection

from xuejiao.core.fields import PathField

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL schema")


def pattern_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%%_pattern_ops%%'")
        return cursor.fetchall()


def test_path_columns_have_no_pattern_twin(db):
    paths = {
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
        if isinstance(field, PathField)
    }
    assert len(paths) >= 10
    twins = [
        (table, definition)
        for table, definition in pattern_indexes()
        if any(
            table == path_table and f"({column} varchar_pattern_ops)" in definition
            for path_table, column in paths
        )
    ]
    assert twins == []
    assert not [definition for _table, definition in pattern_indexes() if "external_key" in definition]


def test_other_indexed_text_columns_keep_theirs(db):
    """The backend changes nothing else: a username still gets its pattern index."""
    assert any(
        table == "accounts_user" and "username" in definition for table, definition in pattern_indexes()
    )
