"""The path columns declare their indexes in Meta.indexes instead of db_index=True, which on
PostgreSQL added a varchar_pattern_ops twin to each (see core's migration 0001).

Each new index is built first; then the one Django named for db_index=True is dropped. Only
the index is dropped: Django's own operation would rebuild the whole table on SQLite to
change nothing but the index. The old names are the ones Django gave on both databases.
"""

from django.db import migrations, models

import xuejiao.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_document_private_storage"),
        ("orgs", "0004_path_indexes_in_meta"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actiondocument",
            index=models.Index(fields=["org_path"], name="document_org_path"),
        ),
        migrations.AddIndex(
            model_name="campaign",
            index=models.Index(fields=["root_path"], name="campaign_root_path"),
        ),
        migrations.AddIndex(
            model_name="completion",
            index=models.Index(fields=["org_path"], name="completion_org_path"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="actiondocument",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "campaigns_actiondocument_org_path_7fbf99e4"',
                    reverse_sql='CREATE INDEX "campaigns_actiondocument_org_path_7fbf99e4" ON "campaigns_actiondocument" ("org_path")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="root_path",
                    field=xuejiao.core.fields.PathField(editable=False, max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "campaigns_campaign_root_path_491494a7"',
                    reverse_sql='CREATE INDEX "campaigns_campaign_root_path_491494a7" ON "campaigns_campaign" ("root_path")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="completion",
                    name="org_path",
                    field=xuejiao.core.fields.PathField(max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "campaigns_completion_org_path_5d7f71ac"',
                    reverse_sql='CREATE INDEX "campaigns_completion_org_path_5d7f71ac" ON "campaigns_completion" ("org_path")',
                ),
            ],
        ),
    ]
