"""The audit log moved from accounts into its own app without moving a row: a database
migrated before the move keeps every entry, readable through the new app."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xuejiao.audit.models import AuditEntry

BEFORE = [("accounts", "0003_audit_organization_unindexed"), ("audit", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_entries_written_before_the_move_are_kept():
    migrate(BEFORE)
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE[0]).apps
    OldEntry = old_apps.get_model("accounts", "AuditEntry")
    OldEntry.objects.create(username="city_admin", action="create", org_path="0001", summary="建立二七区")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="accounts", model="auditentry")

    migrate(leaves())

    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action, entry.org_path, entry.summary) == (
        "city_admin",
        "create",
        "0001",
        "建立二七区",
    )
    assert AuditEntry._meta.db_table == "accounts_auditentry"
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    labels = set(CurrentContentType.objects.filter(model="auditentry").values_list("app_label", flat=True))
    assert labels == {"audit"}
