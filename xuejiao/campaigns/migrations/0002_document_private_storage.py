"""Documents handed in for required actions move to the private evidence storage.

Until now the file field stored under MEDIA_ROOT, which a web server may publish. Any file
already there is moved to EVIDENCE_ROOT under the same name, so that the rows keep
pointing at it; from now on files are served only by the scoped view.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import xuejiao.campaigns.models
import xuejiao.core.storage


def move_files_out_of_media(apps, schema_editor):
    ActionDocument = apps.get_model("campaigns", "ActionDocument")
    media = Path(settings.MEDIA_ROOT)
    private = Path(settings.EVIDENCE_ROOT)
    for name in ActionDocument.objects.exclude(file="").values_list("file", flat=True).iterator():
        source, target = media / name, private / name
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('orgs', '0002_organization_established_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='actiondocument',
            options={'ordering': ['-submitted_at'], 'verbose_name': 'document', 'verbose_name_plural': 'documents'},
        ),
        migrations.AddField(
            model_name='actiondocument',
            name='content_type',
            field=models.CharField(blank=True, max_length=100, verbose_name='content type'),
        ),
        migrations.AddField(
            model_name='actiondocument',
            name='original_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name'),
        ),
        migrations.AddField(
            model_name='actiondocument',
            name='size',
            field=models.PositiveBigIntegerField(default=0, verbose_name='size'),
        ),
        migrations.AlterField(
            model_name='actiondocument',
            name='file',
            field=models.FileField(max_length=200, storage=xuejiao.core.storage.PrivateStorage(), upload_to=xuejiao.campaigns.models.document_path, verbose_name='file'),
        ),
        migrations.AddIndex(
            model_name='actiondocument',
            index=models.Index(fields=['status', 'org_path'], name='document_status_scope'),
        ),
        migrations.RunPython(move_files_out_of_media, migrations.RunPython.noop),
    ]
