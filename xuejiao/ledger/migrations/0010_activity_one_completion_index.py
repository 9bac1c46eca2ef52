"""Completion's two ledger indexes become one (see Activity.Meta): (campaign, organisation, kind,
date) answers both the refresh of named organisations and the rebuild of a whole action.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_document_private_storage"),
        ("ledger", "0009_activity_path_in_scope_index_only"),
        ("orgs", "0002_organization_established_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="activity",
            name="activity_completion",
        ),
        migrations.RemoveIndex(
            model_name="activity",
            name="activity_campaign_kind",
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["campaign", "organization", "kind", "starts_at"], name="activity_campaign_org"
            ),
        ),
    ]
