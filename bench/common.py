"""Helpers shared by the benchmark scripts: Django setup, timing, printing.

Benchmarks print figures; they never pass or fail. Server time is measured in-process
through Django's test client (URL routing, middleware, view, template, database), so it
leaves out the network and the HTTP server but nothing of the application.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuejiao.settings")
# Benchmarks run without DEBUG, as production does (DEBUG would record every query), on a
# database of their own: a key of their own, and static files read from their sources.
os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-in-production-0123456789abcdef")
os.environ.setdefault("STATIC_MANIFEST", "False")


def setup_django():
    import django

    django.setup()
    from django.conf import settings

    # The test client talks to "testserver"; benchmarks must not depend on ALLOWED_HOSTS.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")


def database_label() -> str:
    """The database, and on PostgreSQL its buffer cache, which decides how much of a large
    table's indexes a write finds in memory (docs/deploy.md, section 2)."""
    from django.db import connection

    label = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW shared_buffers")
            label += f", shared_buffers {cursor.fetchone()[0]}"
    return label


def machine_speed() -> str:
    """The time of a fixed piece of pure Python work (a sum of 5,000,000 numbers), best of
    three: a shared virtual machine's speed drifts by half from hour to hour, and this line
    says how fast it was when the figures beside it were taken."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return f"reference Python work {best * 1000:.0f} ms"


def timed(fn, repeat: int = 30, warmup: int = 3) -> dict:
    """Call fn repeatedly; return median, p95 and min in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))],
        "min": samples[0],
    }


def report(label: str, figures: dict, baseline: dict | None = None, budget_ms: float | None = None) -> None:
    line = f"{label:<52} median {figures['median']:7.2f} ms   p95 {figures['p95']:7.2f} ms"
    if baseline:
        line += f"   {figures['median'] / baseline['median']:5.1f}× baseline"
    if budget_ms is not None:
        line += f"   (budget {budget_ms:g} ms: {'within' if figures['median'] <= budget_ms else 'OVER'})"
    print(line, flush=True)


def scale_root(orgs: int, people: int):
    """The SCALE tree's root, seeded with seed_scale (after migrating) when it is missing."""
    from django.core.management import call_command

    from xuejiao.demo.scale import ROOT_CODE
    from xuejiao.orgs.models import Organization

    call_command("migrate", verbosity=0)
    root = Organization.objects.filter(code=ROOT_CODE).first()
    if root is None:
        print(f"seeding {orgs:,} organisations and {people:,} people …", flush=True)
        call_command("seed_scale", orgs=orgs, people=people)
        root = Organization.objects.get(code=ROOT_CODE)
    analyze()
    return root


def analyze() -> None:
    """Fresh planner statistics: after a migration or a bulk load, both databases choose
    their indexes from them (SQLite keeps none until ANALYZE has run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vacuum(*tables: str) -> None:
    """After a benchmark deleted what it added: on PostgreSQL the dead rows and index entries
    would otherwise make the next run's writes slower than on a table in normal use (an
    import into a table just emptied by DELETE took 4.5 s where it takes 3 s after VACUUM).
    SQLite reuses its free pages as they are."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def office_persona(username: str, organization):
    """A campaign-office user over `organization` and its subtree, created once."""
    from xuejiao.accounts.models import RoleAssignment, User
    from xuejiao.core.roles import Role

    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"home_organization": organization, "must_change_password": False, "display_name": username},
    )
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CAMPAIGN_OFFICE, organization=organization, defaults={"include_subtree": True}
    )
    return user
