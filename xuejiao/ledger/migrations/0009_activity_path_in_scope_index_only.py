"""The ledger's path loses its narrow index: activity_scope_time (path, start) serves the same
lookups (see the comment on Activity.org_path).

Only the index is dropped. Django's own operation would rebuild the whole table on SQLite,
copying every record, to change nothing but the index; the index name is the one Django gave
it on both databases.
"""

from django.db import migrations

import xuejiao.core.fields

INDEX = "ledger_activity_org_path_78e87294"


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_activity_external_key_constraint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activity",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "ledger_activity" ("org_path")',
                ),
            ],
        ),
    ]
