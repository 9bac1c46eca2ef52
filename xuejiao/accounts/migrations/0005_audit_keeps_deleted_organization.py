"""An audit entry keeps the id of an organisation deleted since (on_delete=DO_NOTHING, see
AuditEntry.organization). Nothing changes in the database: on_delete is Django's."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_path_indexes_in_meta"),
        ("orgs", "0003_path_indexes_in_meta"),
    ]

    operations = [
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
