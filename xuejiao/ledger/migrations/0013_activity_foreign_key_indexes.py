"""Indexes that lead with the ledger's foreign keys (see Activity.Meta): deleting an
organisation or a user no longer scans every record for the foreign-key check."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0012_path_indexes_in_meta"),
        ("orgs", "0004_path_indexes_in_meta"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["organization"], name="activity_organization"),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["created_by"], name="activity_created_by"),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["verified_by"], name="activity_verified_by"),
        ),
    ]
