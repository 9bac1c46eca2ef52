"""Benchmark: import and export of 100,000 rows through the sheets framework.

    .venv/bin/python -m xuejiao.sheets.bench [--rows 100000]
    DATABASE_URL=postgres://... .venv/bin/python -m xuejiao.sheets.bench

Prints figures, never passes or fails (ARCHITECTURE.md, Tests). Each phase runs in a
fresh process so that its peak memory (max RSS, which includes what python-calamine
allocates outside Python) is its own:

- raw lower bound: python-calamine reads the file, bulk_create writes the rows, nothing
  checked (the figure ARCHITECTURE.md quotes as ≈12,000-15,000 rows/s);
- check: what an upload costs (safe reading, parsing every cell, duplicate keys, plan);
- import: what "Import now" costs: the whole check again inside the transaction, then
  the writes with their audit entries;
- export: the same rows written back in the template's format;
- the same import without the per-person audit entries (what the audit trail costs);
- organisations: --orgs new organisations created one by one through orgs.services.

It uses the people sheet (the ledger's activity sheet plugs into the same framework) on
a BENCH-SHEETS subtree of the configured database, removed again at the end.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CODE = "BENCH-SHEETS"
UNITS = 200


def register_without_audit():
    """The people sheet without its per-person audit entries: what the audit trail costs."""
    from xuejiao.sheets.spec import get_spec, register
    from xuejiao.sheets.specs.people import PeopleSheet

    class PeopleWithoutAudit(PeopleSheet):
        name = "bench-people-no-audit"

        def audit_created(self, actor, people, ids):
            pass

    if get_spec(PeopleWithoutAudit.name) is None:
        register(PeopleWithoutAudit())


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuejiao.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    import django

    django.setup()
    register_without_audit()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_user():
    from xuejiao.accounts.models import RoleAssignment, User
    from xuejiao.accounts.roles import Role
    from xuejiao.orgs.models import Organization

    root = Organization.objects.get(code=CODE)
    user, _created = User.objects.get_or_create(
        username="bench-sheets", defaults={"home_organization": root, "must_change_password": False}
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.CAMPAIGN_OFFICE, organization=root)
    return user


def prepare(rows: int, path: str) -> None:
    """The subtree, and a people workbook of `rows` rows written with the framework's writer."""
    from django.core.management import call_command

    from xuejiao.orgs.models import Category, Kind, Organization
    from xuejiao.sheets.spec import get_spec
    from xuejiao.sheets.workbook import write_workbook

    call_command("migrate", verbosity=0)
    cleanup()
    parent = Organization.objects.filter(depth=1).order_by("path").first()
    values = {"code": CODE, "name": "Sheets benchmark", "category": Category.OTHER, "kind": Kind.OTHER}
    root = Organization.objects.add_child(parent, values) if parent else Organization.objects.add_root(values)
    for index in range(UNITS):
        Organization.objects.add_child(
            root,
            {
                "code": f"{CODE}-{index:03d}",
                "name": f"单位{index}",
                "category": Category.COMMUNITY,
                "kind": Kind.BRANCH,
            },
        )
    bench_user()
    genders = ["M", "F", ""]
    people = (
        {
            "org_code": f"{CODE}-{index % UNITS:03d}",
            "name": f"人员{index:06d}",
            "gender": genders[index % 3],
            "phone": f"139{index:08d}",
            "is_party_member": index % 5 != 0,
            "position": "党员" if index % 7 else "支部书记",
            "sort_order": index % 100,
        }
        for index in range(rows)
    )
    write_workbook(path, get_spec("people"), people)


def cleanup() -> None:
    from xuejiao.accounts.models import AuditEntry, User
    from xuejiao.orgs.models import Organization, Person
    from xuejiao.sheets.models import ImportJob

    root = Organization.objects.filter(code=CODE).first()
    if root is None:
        return
    subtree = {"org_path__startswith": root.path}
    ImportJob.objects.filter(**subtree).delete()
    AuditEntry.objects.filter(**subtree).delete()
    Person.objects.filter(**subtree).delete()
    User.objects.filter(username="bench-sheets").delete()
    Organization.objects.filter(path__startswith=root.path).delete()
    if root.depth > 1:
        Organization.objects.filter(path=root.path[: -Organization.steplen]).update(
            numchild=Organization.objects.filter(
                path__startswith=root.path[: -Organization.steplen], depth=root.depth
            ).count()
        )


def prepare_orgs(count: int, path: str) -> None:
    """`count` new organisations under the benchmark root: streets and their communities."""
    from xuejiao.orgs.models import Category, Kind
    from xuejiao.sheets.spec import get_spec
    from xuejiao.sheets.workbook import write_workbook

    def rows():
        for index in range(count):
            street = index // 20
            if index % 20 == 0:
                yield {
                    "code": f"{CODE}-S{street:03d}",
                    "name": f"街道{street}",
                    "parent_code": CODE,
                    "category": Category.STREET,
                    "kind": Kind.WORKING_COMMITTEE,
                }
            else:
                yield {
                    "code": f"{CODE}-S{street:03d}-{index % 20:02d}",
                    "name": f"社区{index}",
                    "parent_code": f"{CODE}-S{street:03d}",
                    "category": Category.COMMUNITY,
                    "kind": Kind.GENERAL_BRANCH,
                    "sort_order": index % 20,
                }

    write_workbook(path, get_spec("orgs"), rows())


def cleanup_people() -> None:
    from xuejiao.accounts.models import AuditEntry
    from xuejiao.orgs.models import Organization, Person

    root = Organization.objects.get(code=CODE)
    AuditEntry.objects.filter(org_path__startswith=root.path, object_type="person").delete()
    Person.objects.filter(org_path__startswith=root.path).delete()


def phase_raw(path: str) -> dict:
    """calamine + bulk_create, no checks: the floor any import stands on. Rolled back."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from xuejiao.orgs.models import Organization, Person

    start = time.perf_counter()
    cells = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    orgs = {org.code: org for org in Organization.objects.filter(code__startswith=CODE)}
    with transaction.atomic():
        Person.objects.bulk_create(
            (
                Person(
                    organization=orgs[row[0]],
                    org_path=orgs[row[0]].path,
                    name=row[1],
                    phone=row[3],
                    sort_order=int(row[6]),
                )
                for row in cells[1:]
            ),
            batch_size=2000,
        )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return {"rows": len(cells) - 1, "seconds": seconds}


def phase_check(path: str, spec: str = "people") -> dict:
    from django.core.files import File

    from xuejiao.sheets import services
    from xuejiao.sheets.spec import get_spec

    start = time.perf_counter()
    with open(path, "rb") as handle:
        job = services.start_validation(
            spec=get_spec(spec), upload=File(handle, name="bench.xlsx"), actor=bench_user()
        )
    seconds = time.perf_counter() - start
    return {
        "rows": job.rows_total,
        "seconds": seconds,
        "job": job.pk,
        "status": job.status,
        "errors": job.errors[:3],
    }


def phase_import(job_id: int) -> dict:
    from xuejiao.sheets import services
    from xuejiao.sheets.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    start = time.perf_counter()
    job = services.confirm_import(job=job, actor=bench_user())
    seconds = time.perf_counter() - start
    return {"rows": job.rows_total, "seconds": seconds, "status": job.status, "created": job.created_count}


def phase_export() -> dict:
    from xuejiao.orgs.models import Organization
    from xuejiao.sheets import services
    from xuejiao.sheets.spec import get_spec

    root = Organization.objects.get(code=CODE)
    start = time.perf_counter()
    spool, rows = services.export_sheet(spec=get_spec("people"), actor=bench_user(), organization=root)
    seconds = time.perf_counter() - start
    size = os.path.getsize(spool.name)
    spool.close()
    return {"rows": rows, "seconds": seconds, "mb": size / 1024 / 1024}


def run_phase(*args) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "xuejiao.sheets.bench", "--phase", *map(str, args)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def line(label: str, result: dict, baseline: dict | None = None) -> None:
    rate = result["rows"] / result["seconds"]
    text = f"{label:<44} {result['rows']:>8,} rows {result['seconds']:7.2f} s {rate:>9,.0f} rows/s"
    text += f"   peak {result['peak_mb']:6.0f} MB"
    if baseline:
        text += f"   {result['seconds'] / baseline['seconds']:4.1f}× raw"
    print(text, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--phase", nargs="+")
    args = parser.parse_args()
    setup()
    if args.phase:
        name, *rest = args.phase
        result = {
            "prepare": lambda: prepare(int(rest[0]), rest[1]) or {},
            "raw": lambda: phase_raw(rest[0]),
            "check": lambda: phase_check(*rest),
            "import": lambda: phase_import(int(rest[0])),
            "export": phase_export,
            "prepare-orgs": lambda: prepare_orgs(int(rest[0]), rest[1]) or {},
            "cleanup": lambda: cleanup() or {},
            "cleanup-people": lambda: cleanup_people() or {},
        }[name]()
        result["peak_mb"] = peak_mb()
        print(json.dumps(result, default=str))
        return

    from django.db import connection

    database = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    print(f"sheets import/export, {args.rows:,} people rows, {database}")
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "people.xlsx")
        start = time.perf_counter()
        run_phase("prepare", args.rows, path)
        size = os.path.getsize(path) / 1024 / 1024
        print(f"workbook written in {time.perf_counter() - start:.1f} s, {size:.1f} MB")
        try:
            raw = run_phase("raw", path)
            line("raw lower bound (calamine + bulk_create)", raw)
            checked = run_phase("check", path)
            if checked["status"] != "ready":
                print("check failed:", checked["status"], checked["errors"])
                return
            line("check (upload → preview)", checked, raw)
            imported = run_phase("import", checked["job"])
            line("import (check again + write + audit)", imported, raw)
            both = {
                "rows": imported["rows"],
                "seconds": checked["seconds"] + imported["seconds"],
                "peak_mb": max(checked["peak_mb"], imported["peak_mb"]),
            }
            line("upload to imported, in all", both, raw)
            exported = run_phase("export")
            line(f"export ({exported['mb']:.1f} MB)", exported)
            run_phase("cleanup-people")
            checked = run_phase("check", path, "bench-people-no-audit")
            imported = run_phase("import", checked["job"])
            line("import without per-row audit entries", imported, raw)
            orgs_path = str(Path(folder) / "orgs.xlsx")
            run_phase("prepare-orgs", args.orgs, orgs_path)
            checked = run_phase("check", orgs_path, "orgs")
            line("organisations: check", checked)
            imported = run_phase("import", checked["job"])
            line("organisations: import (orgs.services per row)", imported)
        finally:
            run_phase("cleanup")


if __name__ == "__main__":
    main()
