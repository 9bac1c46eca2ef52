"""The path columns declare their indexes in Meta.indexes instead of db_index=True, which on
PostgreSQL added a varchar_pattern_ops twin to each (see core's migration 0001).

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
Materials and their assignments need no index of the path alone: material_scope_time and
assignment_scope_time lead with it.
"""

from django.db import migrations, models

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_activity_submitted_by"),
        ("orgs", "0004_path_indexes_in_meta"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="makeuptask",
            index=models.Index(fields=["org_path"], name="makeup_org_path"),
        ),
        migrations.AddIndex(
            model_name="reflection",
            index=models.Index(fields=["org_path"], name="reflection_org_path"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="makeuptask",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "ledger_makeuptask_org_path_4bfc7976"',
                    reverse_sql='CREATE INDEX "ledger_makeuptask_org_path_4bfc7976" ON "ledger_makeuptask" ("org_path")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="material",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "ledger_material_org_path_fb39ee81"',
                    reverse_sql='CREATE INDEX "ledger_material_org_path_fb39ee81" ON "ledger_material" ("org_path")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="materialassignment",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "ledger_materialassignment_org_path_823c4887"',
                    reverse_sql='CREATE INDEX "ledger_materialassignment_org_path_823c4887" ON "ledger_materialassignment" ("org_path")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reflection",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "ledger_reflection_org_path_d311972e"',
                    reverse_sql='CREATE INDEX "ledger_reflection_org_path_d311972e" ON "ledger_reflection" ("org_path")',
                ),
            ],
        ),
    ]
