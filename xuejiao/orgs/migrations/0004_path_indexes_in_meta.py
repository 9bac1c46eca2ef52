"""The path columns declare their indexes in Meta.indexes instead of db_index=True, which on
PostgreSQL added a varchar_pattern_ops twin to each (see core's migration 0001).

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
A person's path needs no index of its own: person_scope_order leads with it.
"""

from django.db import migrations

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_person_roster_key_unique"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "orgs_person_org_path_7d4cac52"',
                    reverse_sql='CREATE INDEX "orgs_person_org_path_7d4cac52" ON "orgs_person" ("org_path")',
                ),
            ],
        ),
    ]
