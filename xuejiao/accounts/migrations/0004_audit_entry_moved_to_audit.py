"""The audit log now belongs to the audit app (see audit 0001); its table and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_organization_unindexed"),
        ("audit", "0001_audit_entry_moved_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
