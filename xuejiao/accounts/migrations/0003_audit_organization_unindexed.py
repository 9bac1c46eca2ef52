"""The audit log's link to the organisation loses its index (see AuditEntry.organization).

Only the index is dropped: Django's own operation would rebuild the whole table on SQLite
to change nothing but the index. The index name is the one Django gave it on both
databases.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "accounts_auditentry_organization_id_44c76685"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_links_without_constraints"),
        ("orgs", "0002_organization_established_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="organization",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="orgs.organization",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "accounts_auditentry" ("organization_id")',
                ),
            ],
        ),
    ]
