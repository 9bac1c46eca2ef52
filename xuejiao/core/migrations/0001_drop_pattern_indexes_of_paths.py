"""Drop the varchar_pattern_ops twins of the path indexes (see xuejiao.core.postgresql.base):
a path column uses the "C" collation, so its ordinary index serves prefix searches already."""

from django.db import migrations

from xuejiao.core.postgresql.base import compares_bytes


def drop_twins(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in apps.get_models():
        for field in model._meta.local_concrete_fields:
            if (field.db_index or field.unique) and compares_bytes(field, schema_editor.connection):
                name = schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_organization_established_on"),
        ("accounts", "0001_initial"),
        ("campaigns", "0002_document_private_storage"),
        ("ledger", "0007_activity_highlights_index"),
        ("sheets", "0002_import_job_parsed_digest"),
    ]

    operations = [migrations.RunPython(drop_twins, migrations.RunPython.noop)]
