"""The path columns declare their indexes in Meta.indexes instead of db_index=True, which on
PostgreSQL added a varchar_pattern_ops twin to each (see core's migration 0001).

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
An import job's path needs no index of its own: importjob_scope_time leads with it.
"""

from django.db import migrations

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("sheets", "0004_import_job_scoped_by_named_organisations"),
        ("orgs", "0004_path_indexes_in_meta"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importjob",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "sheets_importjob_org_path_506a0812"',
                    reverse_sql='CREATE INDEX "sheets_importjob_org_path_506a0812" ON "sheets_importjob" ("org_path")',
                ),
            ],
        ),
    ]
