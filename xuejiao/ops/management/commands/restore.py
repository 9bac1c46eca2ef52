"""python manage.py restore --from DIR --database-url URL --files-to DIR (docs/deploy.md, section 10)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuejiao.ops.databases import OpsError
from xuejiao.ops.restore import restore


class Command(BaseCommand):
    help = (
        "Restore a backup into a NEW database and new file directories and check it (checksums, "
        "every table's row count, every file); the database in use is never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path, help="the backup directory")
        parser.add_argument(
            "--database-url",
            required=True,
            help="the new database, e.g. postgres://xuejiao@127.0.0.1/xuejiao_new",
        )
        parser.add_argument(
            "--files-to", required=True, type=Path, help="a new directory for the media and evidence folders"
        )

    def handle(self, *args, source, database_url, files_to, **options):
        try:
            result = restore(source, database_url, files_to)
        except OpsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored and checked: {result['database']}, {result['tables']} tables, {result['rows']} rows"
        )
        for folder, summary in result["files"].items():
            self.stdout.write(f"  {folder:<9} {summary['files']} files, {summary['bytes']} bytes")
        self.stdout.write("To switch to it, set in the environment file and restart:")
        self.stdout.write(f"  DATABASE_URL={database_url}")
        for setting, directory in result["directories"].items():
            self.stdout.write(f"  {setting}={directory}")
        if result["env_file"]:
            self.stdout.write(
                f"The backed-up environment file (SECRET_KEY and the rest): {result['env_file']}"
            )
