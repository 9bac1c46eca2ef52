"""Every foreign key of the project has an index that leads with it.

Deleting a row (an organisation, a user) makes the database look for rows that still point
at it: PostgreSQL checks each foreign-key constraint, Django's on_delete rules (PROTECT,
CASCADE, SET_NULL) query each referring table. Without an index that starts with the key
column, each of those is a scan of the whole referring table: deleting one unused
organisation read the 2,000,000-record ledger (≈ 230 ms each). The indexes are read from the
database itself, so the test holds for what the migrations built, on both databases.
"""

from django.apps import apps
from django.db import connection, models

# Keys allowed without an index: no database constraint (db_constraint=False), and no
# on_delete rule that looks rows up by them (DO_NOTHING), so that deleting the row they
# point at never reads the table.
WITHOUT_INDEX = {
    # The audit log keeps the id and the path of the organisation an entry concerns as
    # history; it is read by org_path, and an index here would cost every entry written
    # (one per imported record).
    ("audit.AuditEntry", "organization"),
}


def project_models():
    for model in apps.get_models(include_auto_created=True):
        if model.__module__.startswith("xuejiao.") or model._meta.app_config.name.startswith("xuejiao."):
            yield model


def foreign_keys():
    for model in project_models():
        for field in model._meta.local_concrete_fields:
            if field.is_relation and (field.many_to_one or field.one_to_one):
                yield model, field


def leading_columns(table: str) -> set[str]:
    """The first column of every index, unique constraint and primary key of `table`."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        found["columns"][0]
        for found in constraints.values()
        if found["columns"] and (found["index"] or found["unique"] or found["primary_key"])
    }


def test_the_walk_finds_the_keys_of_every_app(db):
    labels = {model._meta.app_label for model, _field in foreign_keys()}
    assert {"orgs", "accounts", "campaigns", "ledger", "sheets"} <= labels
    assert sum(1 for _ in foreign_keys()) >= 50


def test_every_foreign_key_leads_an_index(db):
    missing = []
    for model, field in foreign_keys():
        if (model._meta.label, field.name) in WITHOUT_INDEX:
            continue
        if field.column not in leading_columns(model._meta.db_table):
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_a_key_left_without_index_is_never_looked_up_on_delete(db):
    for label, name in WITHOUT_INDEX:
        field = apps.get_model(label)._meta.get_field(name)
        assert field.db_constraint is False, label
        assert field.remote_field.on_delete is models.DO_NOTHING, label
