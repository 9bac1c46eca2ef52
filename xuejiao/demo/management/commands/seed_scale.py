"""python manage.py seed_scale --orgs 30000 --people 700000 [--seed N] [--replace]"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from xuejiao.demo.scale import ROOT_CODE, ROOT_NAME, ScaleError, delete_scale_tree, seed_scale


class Command(BaseCommand):
    help = (
        f"Create synthetic city-scale data for benchmarks under a separate root ({ROOT_CODE} {ROOT_NAME}): "
        "16 districts, streets, communities and branches, and people spread over them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=30_000, help="organisations in total (default 30000)")
        parser.add_argument("--people", type=int, default=700_000, help="people in total (default 700000)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per INSERT batch")
        parser.add_argument(
            "--replace", action="store_true", help=f"delete an existing {ROOT_CODE} tree and its people first"
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help=f"only delete the {ROOT_CODE} tree and its people, then stop",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, orgs, people, seed, batch_size, replace, delete, no_progress, **options):
        if delete:
            try:
                with transaction.atomic():
                    deleted_orgs, deleted_people = delete_scale_tree()
            except ScaleError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Deleted {deleted_orgs} organisations and {deleted_people} people under {ROOT_CODE}"
            )
            return
        if people < 0 or batch_size < 1:
            raise CommandError("--people must be at least 0 and --batch-size at least 1")
        started = time.perf_counter()
        with tqdm(
            total=orgs + people, unit="rows", unit_scale=True, disable=no_progress, file=sys.stderr
        ) as bar:
            try:
                result = seed_scale(
                    orgs, people, seed=seed, replace=replace, batch_size=batch_size, progress=bar.update
                )
            except ScaleError as error:
                raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started

        self.stdout.write(f"Scale data under {ROOT_CODE} ({ROOT_NAME}) on {connection.vendor}, seed {seed}:")
        if result.replaced:
            self.stdout.write(
                f"  replaced: deleted {result.replaced[0]} organisations and {result.replaced[1]} people"
            )
        names = ("root", "districts", "streets", "communities", "branches")
        levels = ", ".join(f"{count} {name}" for name, count in zip(names, result.levels, strict=True))
        self.stdout.write(f"  organisations {result.organizations:>9}  ({levels})")
        self.stdout.write(f"  people        {result.people:>9}")
        for phase, seconds in result.timings.items():
            self.stdout.write(f"  {phase:<16} {seconds:7.1f} s")
        rate = (result.organizations + result.people) / elapsed if elapsed else 0
        self.stdout.write(f"  total            {elapsed:7.1f} s  ({rate:,.0f} rows/s)")
