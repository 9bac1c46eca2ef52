"""The audit log: its path declares its index in Meta.indexes instead of db_index=True (no
varchar_pattern_ops twin on PostgreSQL, see core's migration 0001), and an entry keeps the
id of an organisation deleted since.

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
"""

import django.db.models.deletion
from django.db import migrations, models

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_audit_entry_moved_from_accounts"),
        ("orgs", "0004_path_indexes_in_meta"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["org_path"], name="audit_org_path"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(blank=True, default="", max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_auditentry_org_path_27301c12"',
                    reverse_sql='CREATE INDEX "accounts_auditentry_org_path_27301c12" ON "accounts_auditentry" ("org_path")',
                ),
            ],
        ),
        # An entry keeps the id of an organisation deleted since (see AuditEntry.organization);
        # on_delete is Django's, nothing changes in the database.
        migrations.AlterField(
            model_name="auditentry",
            name="organization",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orgs.organization",
            ),
        ),
    ]
