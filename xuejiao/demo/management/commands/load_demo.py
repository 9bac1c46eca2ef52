"""python manage.py load_demo zhengzhou-2021"""

import time

from django.core.management.base import BaseCommand

from xuejiao.demo.zhengzhou import loader
from xuejiao.demo.zhengzhou.personas import PASSWORD

SCENARIOS = {"zhengzhou-2021": loader.load}


class Command(BaseCommand):
    help = (
        "Load a demo scenario (organisation tree, rosters, one login per role, a running campaign "
        "with its required actions, ledger and completion). Safe to re-run: only what is missing "
        "is created, existing users and records are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("scenario", choices=sorted(SCENARIOS), help="the scenario to load")

    def handle(self, *args, scenario, **options):
        started = time.perf_counter()
        result = SCENARIOS[scenario]()
        elapsed = time.perf_counter() - started

        self.stdout.write(f"Demo scenario {scenario} loaded in {elapsed:.1f} s")
        for name, tally in result.tallies.items():
            self.stdout.write(f"  {name:<17} created {tally.created:>6}   already present {tally.present:>6}")
        if not result.created_anything:
            self.stdout.write("  nothing to do: everything was already present")

        self.stdout.write("")
        self.stdout.write(f"Demo logins (password {PASSWORD} unless changed since):")
        for username, description, created in result.logins:
            note = "" if created else "  [existing user, left unchanged]"
            self.stdout.write(f"  {username:<18} {description}{note}")
