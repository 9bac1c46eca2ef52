"""python manage.py backup --out DIR [--env-file /etc/xuejiao/env] (docs/deploy.md, section 10)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuejiao.ops.backup import take_backup
from xuejiao.ops.databases import OpsError


class Command(BaseCommand):
    help = (
        "Back up the database, MEDIA_ROOT and EVIDENCE_ROOT (and the environment file) into a new "
        "private directory, consistently: every file a row names is in the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="a new or empty directory")
        parser.add_argument("--env-file", type=Path, help="the environment file, e.g. /etc/xuejiao/env")
        parser.add_argument(
            "--wait",
            type=float,
            default=60,
            help="seconds to wait for running writes before the snapshot (default 60)",
        )

    def handle(self, *args, out, env_file, wait, **options):
        try:
            manifest = take_backup(out, env_file=env_file, wait_seconds=wait)
        except OpsError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"Backup written to {out.resolve()}")
        self.stdout.write(f"  database  {len(manifest['tables'])} tables, {rows} rows")
        for folder, summary in manifest["files"].items():
            self.stdout.write(f"  {folder:<9} {summary['files']} files, {summary['bytes']} bytes")
        if "env" in manifest["parts"]:
            self.stdout.write(f"  env       {env_file}")
        self.stdout.write(f"  writes paused for {manifest['writes_paused_seconds']:.1f} s")
