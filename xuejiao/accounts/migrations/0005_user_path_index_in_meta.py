"""A user's home path declares its index in Meta.indexes instead of db_index=True, which on
PostgreSQL added a varchar_pattern_ops twin (see core's migration 0001).

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
"""

from django.db import migrations, models

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_entry_moved_to_audit"),
        ("orgs", "0004_path_indexes_in_meta"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["home_org_path"], name="user_home_org_path"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="home_org_path",
                    field=xuejiao.core.fields.PathField(blank=True, default="", editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_user_home_org_path_1506d31c"',
                    reverse_sql='CREATE INDEX "accounts_user_home_org_path_1506d31c" ON "accounts_user" ("home_org_path")',
                ),
            ],
        ),
    ]
