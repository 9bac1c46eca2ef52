"""Benchmark: the activity ledger (台账) through the sheets framework at city scale.

    .venv/bin/python bench/sheets_import.py [--rows 100000] [--people 100000] [--orgs 2000]
    DATABASE_URL=postgres://... .venv/bin/python bench/sheets_import.py [--repeat 3]

Prints figures, never passes or fails (docs/architecture.md, Testing). It works on the SCALE tree
of `manage.py seed_scale` (seeded when missing: --seed-orgs, --seed-people) and removes what
it adds. Each phase runs in a fresh process, so that its peak memory (max RSS, which
includes what python-calamine allocates outside Python) is its own:

- activities.xlsx: --rows rows written with xlsxwriter for the communities and branches of
  the SCALE tree, as units fill them in: half of them for a campaign run from the SCALE
  root (whose required action makes the import rebuild completion figures), dates typed as
  text in several forms or as Excel date cells, most rows submitted;
- raw lower bound: python-calamine reads the file and bulk_create writes the rows, nothing
  checked (rolled back), in the same run as the baseline for the ratios;
- check: what an upload costs (safe reading, every cell parsed, duplicate numbers, the plan
  with validate_activity, scope and campaign for every row);
- import: what "Import now" costs: the rows the check parsed, checked again against the data
  inside the transaction (the plan), the bulk insert, one audit entry per record, and the
  completion figures of the organisations touched, until the job is marked done (the
  uploader's wait); the database's housekeeping that the worker does after that (ANALYZE on
  PostgreSQL, the log checkpoint on SQLite) is printed beside it;
- the same file again (every row unchanged); the export of the SCALE root's ledger, or of
  its first district when the root's does not fit in one file (200,000 rows); the import
  with one summary entry per import instead of one audit entry per record;
- people (--people rows for the SCALE branches) and organisations (--orgs new ones, written
  in one pass; bench/orgs_import.py measures them at several sizes).
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, database_label, machine_speed, setup_django, vacuum

USERNAME = "bench-sheets"
KEY_PREFIX = "BENCH-"
CAMPAIGN = "基准测试学习教育"
PEOPLE_PREFIX = "基准"
ORGS_CODE = "BENCH-SHEETS"
SCRIPT = Path(__file__).resolve()


def setup():
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    setup_django()
    register_variants()


def register_variants():
    """The activity sheet with one summary entry per import instead of one entry per record."""
    from xuejiao.audit import services as audit
    from xuejiao.sheets.spec import get_spec, register
    from xuejiao.sheets.specs.activities import ActivitySheet

    class ActivitiesSummaryAudit(ActivitySheet):
        name = "bench-activities-summary-audit"

        def apply(self, plan, *, actor, progress=None):
            original = audit.record_many
            audit.record_many = lambda *args, **kwargs: None
            try:
                super().apply(plan, actor=actor, progress=progress or (lambda done, total: None))
            finally:
                audit.record_many = original

    if get_spec(ActivitiesSummaryAudit.name) is None:
        register(ActivitiesSummaryAudit())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_root():
    from xuejiao.demo.scale import ROOT_CODE
    from xuejiao.orgs.models import Organization

    return Organization.objects.get(code=ROOT_CODE, depth=1)


def bench_user():
    from xuejiao.accounts.models import User

    return User.objects.get(username=USERNAME)


# --- setting up and cleaning up -----------------------------------------------------------------


def phase_setup(seed_orgs: int, seed_people: int) -> dict:
    """The SCALE tree (seeded if missing), the importing user, a campaign with a required action."""
    from django.core.management import call_command

    from xuejiao.accounts.models import RoleAssignment, User
    from xuejiao.campaigns import services as campaign_services
    from xuejiao.core.roles import Role
    from xuejiao.demo.scale import ROOT_CODE
    from xuejiao.ledger.models import ActivityKind
    from xuejiao.orgs.models import Category, Kind, Organization

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(code=ROOT_CODE, depth=1).exists():
        print(
            f"seeding {seed_orgs:,} organisations and {seed_people:,} people …", file=sys.stderr, flush=True
        )
        call_command("seed_scale", orgs=seed_orgs, people=seed_people, no_progress=True, verbosity=0)
    phase_cleanup()
    root = scale_root()
    user = User.objects.create_user(
        username=USERNAME, home_organization=root, must_change_password=False, display_name="bench"
    )
    RoleAssignment.objects.create(user=user, role=Role.CAMPAIGN_OFFICE, organization=root)
    campaign = campaign_services.create_campaign(
        actor=user, root=root, name=CAMPAIGN, starts_on=dt.date(2021, 3, 1), ends_on=dt.date(2021, 12, 31)
    )
    campaign_services.save_action(
        actor=user,
        campaign=campaign,
        title="主题党日",
        categories=[Category.COMMUNITY, Category.BRANCH],
        activity_kinds=[ActivityKind.THEME_DAY],
        require_first_agenda=True,
        due_date=dt.date(2021, 12, 31),
    )
    Organization.objects.add_child(
        root, {"code": ORGS_CODE, "name": "表格基准", "category": Category.OTHER, "kind": Kind.OTHER}
    )
    from xuejiao.ledger.models import Activity

    scale = Organization.objects.filter(path__startswith=root.path).count()
    return {"orgs": scale, "activities": Activity.objects.count()}


def phase_cleanup() -> dict:
    """Everything the benchmark added; the SCALE tree itself stays for the next run."""
    from django.db import connection

    from xuejiao.accounts.models import User
    from xuejiao.audit.models import AuditEntry
    from xuejiao.campaigns.models import Campaign
    from xuejiao.ledger.models import Activity
    from xuejiao.orgs.models import Organization, Person
    from xuejiao.sheets.models import ImportJob

    user = User.objects.filter(username=USERNAME).first()
    if user is not None:
        for job in ImportJob.objects.filter(uploaded_by=user):
            job.file.delete(save=False)
            if job.error_file:
                job.error_file.delete(save=False)
        ImportJob.objects.filter(uploaded_by=user).delete()
        AuditEntry.objects.filter(user=user).delete()
    with connection.cursor() as cursor:
        # Plain DELETEs: the ORM's collector would load 100,000 records first (bench records
        # have no attendance, evidence or corrections).
        table = connection.ops.quote_name(Activity._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE external_key LIKE %s", [KEY_PREFIX + "%"])
        table = connection.ops.quote_name(Person._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE name LIKE %s", [PEOPLE_PREFIX + "%"])
    Campaign.objects.filter(name=CAMPAIGN).delete()
    subtree = Organization.objects.filter(code=ORGS_CODE).first()
    if subtree is not None:
        AuditEntry.objects.filter(org_path__startswith=subtree.path).delete()
        Organization.objects.filter(path__startswith=subtree.path).delete()
        parent_path = subtree.path[: -Organization.steplen]
        Organization.objects.filter(path=parent_path).update(
            numchild=Organization.objects.filter(path__startswith=parent_path, depth=subtree.depth).count()
        )
    if user is not None:
        user.delete()
    vacuum(*written_tables())
    return {}


def written_tables() -> list[str]:
    from xuejiao.audit.models import AuditEntry
    from xuejiao.campaigns.models import Completion, CompletionRollup
    from xuejiao.ledger.models import Activity
    from xuejiao.orgs.models import Person

    return [model._meta.db_table for model in (Activity, AuditEntry, Completion, CompletionRollup, Person)]


def phase_cleanup_activities() -> dict:
    from django.db import connection

    from xuejiao.audit.models import AuditEntry
    from xuejiao.campaigns.completion import rebuild_campaign
    from xuejiao.campaigns.models import Campaign
    from xuejiao.ledger.models import Activity

    AuditEntry.objects.filter(user=bench_user(), object_type="activity").delete()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Activity._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE external_key LIKE %s", [KEY_PREFIX + "%"])
    rebuild_campaign(Campaign.objects.get(name=CAMPAIGN))
    vacuum(*written_tables())
    return {}


# --- the files --------------------------------------------------------------------------------------


def unit_codes() -> list[str]:
    from xuejiao.orgs.models import Category, Organization

    root = scale_root()
    return list(
        Organization.objects.filter(
            path__startswith=root.path, category__in=[Category.COMMUNITY, Category.BRANCH], is_archived=False
        )
        .order_by("path")
        .values_list("code", flat=True)
    )


def phase_prepare_activities(rows: int, path: str) -> dict:
    """An activity ledger as units fill it in (see the module's docstring)."""
    import xlsxwriter

    from xuejiao.ledger.models import ActivityKind, ActivityStatus, Mode
    from xuejiao.sheets.spec import get_spec

    codes = unit_codes()
    headers = [str(column.header) for column in get_spec("activities").columns]
    kinds = [str(label) for _value, label in ActivityKind.choices]
    modes = [str(label) for _value, label in Mode.choices]
    submitted, draft = str(ActivityStatus.SUBMITTED.label), str(ActivityStatus.DRAFT.label)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, headers)
    first_day = dt.datetime(2021, 3, 1, 9, 0)
    for index in range(rows):
        starts = first_day + dt.timedelta(days=index % 300, hours=index % 10)
        theme_day = index % 3 == 0
        expected = 20 + index % 30
        on_leave, absent = index % 3, index % 2
        values = [
            f"{KEY_PREFIX}{index:07d}",
            codes[index % len(codes)],
            CAMPAIGN if index % 2 == 0 else "",
            kinds[7] if theme_day else kinds[index % len(kinds)],
            f"第{index}次学习活动",
            "学党史、悟思想" if index % 4 else "",
            None,  # the start, below
            (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M") if index % 5 else "",
            "党群服务中心",
            modes[index % len(modes)],
            "张伟",
            "李秀英" if index % 2 else "",
            "是" if theme_day else "否",
            "学习习近平总书记重要讲话精神" if theme_day else "",
            expected,
            expected - on_leave - absent,
            on_leave,
            absent,
            "组织党员集中学习，交流心得体会，会后形成学习记录并上报。" if index % 3 else "",
            submitted if index % 10 < 7 else draft,
        ]
        for col, value in enumerate(values):
            if value is None:
                form = index % 4
                if form == 0:
                    sheet.write_datetime(index + 1, col, starts, when)
                elif form == 1:
                    sheet.write_string(index + 1, col, starts.strftime("%Y-%m-%d %H:%M"))
                elif form == 2:
                    sheet.write_string(
                        index + 1, col, f"{starts.year}/{starts.month}/{starts.day} {starts:%H:%M}"
                    )
                else:
                    sheet.write_string(
                        index + 1, col, f"{starts.year}年{starts.month}月{starts.day}日 {starts:%H:%M}"
                    )
            elif isinstance(value, int):
                sheet.write_number(index + 1, col, value)
            elif value:
                sheet.write_string(index + 1, col, value)
    workbook.close()
    return {"units": len(codes)}


def phase_prepare_people(rows: int, path: str) -> dict:
    from xuejiao.orgs.models import Category, Organization
    from xuejiao.sheets.spec import get_spec
    from xuejiao.sheets.workbook import write_workbook

    root = scale_root()
    branches = list(
        Organization.objects.filter(path__startswith=root.path, category=Category.BRANCH)
        .order_by("path")
        .values_list("code", flat=True)[:2000]
    )
    genders = ["M", "F", ""]
    people = (
        {
            "org_code": branches[index % len(branches)],
            "name": f"{PEOPLE_PREFIX}{index:06d}",
            "gender": genders[index % 3],
            "phone": f"199{index:08d}",
            "is_party_member": index % 5 != 0,
            "position": "党员" if index % 7 else "支部书记",
            "sort_order": index % 100,
        }
        for index in range(rows)
    )
    write_workbook(path, get_spec("people"), people)
    return {}


def phase_prepare_orgs(count: int, path: str) -> dict:
    """`count` new organisations under the benchmark's subtree: streets and their communities."""
    from xuejiao.orgs.models import Category, Kind
    from xuejiao.sheets.spec import get_spec
    from xuejiao.sheets.workbook import write_workbook

    def rows():
        for index in range(count):
            street = index // 20
            if index % 20 == 0:
                yield {
                    "code": f"{ORGS_CODE}-S{street:03d}",
                    "name": f"街道{street}",
                    "parent_code": ORGS_CODE,
                    "category": Category.STREET,
                    "kind": Kind.WORKING_COMMITTEE,
                }
            else:
                yield {
                    "code": f"{ORGS_CODE}-S{street:03d}-{index % 20:02d}",
                    "name": f"社区{index}",
                    "parent_code": f"{ORGS_CODE}-S{street:03d}",
                    "category": Category.COMMUNITY,
                    "kind": Kind.GENERAL_BRANCH,
                    "sort_order": index % 20,
                }

    write_workbook(path, get_spec("orgs"), rows())
    return {}


# --- the measured phases ----------------------------------------------------------------------------


def phase_raw(path: str) -> dict:
    """calamine + bulk_create, nothing checked: the floor any import stands on. Rolled back."""
    from django.db import transaction
    from django.utils import timezone
    from python_calamine import CalamineWorkbook

    from xuejiao.campaigns.models import Campaign
    from xuejiao.ledger.models import Activity, ActivityKind, ActivityStatus, Mode
    from xuejiao.orgs.models import Organization

    zone = timezone.get_current_timezone()

    def when(value):
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=zone)
        if not value:
            return None
        text = value.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-")
        day, clock = text.split(" ")
        year, month, date = day.split("-")
        hour, minute = clock.split(":")
        return dt.datetime(int(year), int(month), int(date), int(hour), int(minute), tzinfo=zone)

    start = time.perf_counter()
    cells = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    root = scale_root()
    units = Organization.objects.filter(path__startswith=root.path).values_list("code", "pk", "path")
    orgs = {code: (pk, org_path) for code, pk, org_path in units}
    campaign = Campaign.objects.get(name=CAMPAIGN).pk
    kinds = {str(label): value for value, label in ActivityKind.choices}
    modes = {str(label): value for value, label in Mode.choices}
    statuses = {str(label): value for value, label in ActivityStatus.choices}
    with transaction.atomic():
        Activity.objects.bulk_create(
            (
                Activity(
                    external_key=row[0],
                    organization_id=orgs[row[1]][0],
                    org_path=orgs[row[1]][1],
                    campaign_id=campaign if row[2] else None,
                    kind=kinds[row[3]],
                    title=row[4],
                    topic=row[5],
                    starts_at=when(row[6]),
                    ends_at=when(row[7]),
                    place=row[8],
                    mode=modes[row[9]],
                    host=row[10],
                    speaker=row[11],
                    first_agenda=row[12] == "是",
                    first_agenda_content=row[13],
                    expected=int(row[14]),
                    present=int(row[15]),
                    on_leave=int(row[16]),
                    absent=int(row[17]),
                    summary=row[18],
                    status=statuses[row[19]],
                )
                for row in cells[1:]
            ),
            batch_size=2000,
        )
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    vacuum(Activity._meta.db_table)  # the rolled-back rows are dead rows until then
    return {"rows": len(cells) - 1, "seconds": seconds}


def phase_check(path: str, spec: str = "activities") -> dict:
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
        "counts": [job.created_count, job.updated_count, job.unchanged_count],
    }


def phase_import(job_id: int) -> dict:
    from django.utils import timezone

    from xuejiao.sheets import services
    from xuejiao.sheets.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    started_at, start = timezone.now(), time.perf_counter()
    job = services.confirm_import(job=job, actor=bench_user())
    seconds = time.perf_counter() - start
    # Until the job was marked done (what the uploader waits for), and the database's
    # housekeeping the worker does after that (ANALYZE, or SQLite's log checkpoint).
    done = (job.finished_at - started_at).total_seconds() if job.finished_at else seconds
    return {
        "rows": job.rows_total,
        "seconds": done,
        "after_done": seconds - done,
        "status": job.status,
        "failure": job.failure,
        "errors": job.errors[:3],
        "counts": [job.created_count, job.updated_count, job.unchanged_count],
    }


def phase_completion() -> dict:
    """What rebuilding the campaign's figures costs on its own, beside the import's refresh."""
    from xuejiao.campaigns.completion import rebuild_action
    from xuejiao.campaigns.models import Campaign, Completion

    campaign = Campaign.objects.get(name=CAMPAIGN)
    start = time.perf_counter()
    for action in campaign.actions.select_related("campaign"):
        rebuild_action(action)
    seconds = time.perf_counter() - start
    cells = Completion.objects.filter(action__campaign=campaign)
    return {"rows": cells.count(), "done": cells.filter(done=True).count(), "seconds": seconds}


def phase_export(rows: str, spec: str = "activities") -> dict:
    """The ledger of the SCALE root, as the export page writes it, when it fits in one file
    (at most `rows` rows); otherwise that of the first of its districts that fits (with the
    2,000,000 records of the ledger benchmark, a district of about 125,000)."""
    from django.conf import settings

    from xuejiao.core.exports import more_than
    from xuejiao.orgs.models import Organization
    from xuejiao.sheets import services
    from xuejiao.sheets.spec import get_spec

    sheet, user, root = get_spec(spec), bench_user(), scale_root()
    settings.SHEETS_EXPORT_MAX_ROWS = limit = max(int(rows), services.export_max_rows())

    def fits(organization) -> bool:
        return not more_than(sheet.export_queryset(user, organization), limit)

    districts = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    target = root if fits(root) else next(district for district in districts if fits(district))
    start = time.perf_counter()
    spool, written = services.export_sheet(spec=sheet, actor=user, organization=target)
    seconds = time.perf_counter() - start
    size = os.path.getsize(spool.name)
    spool.close()
    return {"rows": written, "seconds": seconds, "mb": size / 1024 / 1024, "of": target.name}


def phase_audit_entries() -> dict:
    from xuejiao.audit.models import AuditEntry

    return {"rows": AuditEntry.objects.filter(user=bench_user(), object_type="activity").count()}


# --- running ----------------------------------------------------------------------------------------


def run_phase(*args) -> dict:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--phase", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"phase {args[0]} failed")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def line(label: str, result: dict, baseline: dict | None = None, runs: list[dict] | None = None) -> None:
    rate = result["rows"] / result["seconds"]
    text = f"{label:<52} {result['rows']:>8,} rows {result['seconds']:7.2f} s {rate:>9,.0f} rows/s"
    text += f"   peak {result['peak_mb']:6.0f} MB"
    if baseline:
        text += f"   {result['seconds'] / baseline['seconds']:4.1f}× raw"
    if runs and len(runs) > 1:
        text += "   [" + " ".join(f"{run['seconds']:.2f}" for run in runs) + "]"
    print(text, flush=True)


def median(results: list[dict]) -> dict:
    """The run with the median time (the lower middle one of an even count)."""
    return sorted(results, key=lambda result: result["seconds"])[(len(results) - 1) // 2]


def checked_and_imported(path: str, spec: str = "activities") -> tuple[dict, dict] | None:
    checked = run_phase("check", path, spec)
    if checked["status"] != "ready":
        print("check refused the file:", checked["status"], checked["errors"])
        return None
    imported = run_phase("import", checked["job"])
    if imported["status"] != "done":
        print("import failed:", imported["status"], imported["failure"], imported["errors"])
        return None
    return checked, imported


def both(checked: dict, imported: dict) -> dict:
    return {
        "rows": imported["rows"],
        "seconds": checked["seconds"] + imported["seconds"],
        "peak_mb": max(checked["peak_mb"], imported["peak_mb"]),
    }


PHASES = {
    "setup": lambda args: phase_setup(int(args[0]), int(args[1])),
    "cleanup": lambda args: phase_cleanup(),
    "cleanup-activities": lambda args: phase_cleanup_activities(),
    "prepare-activities": lambda args: phase_prepare_activities(int(args[0]), args[1]),
    "prepare-people": lambda args: phase_prepare_people(int(args[0]), args[1]),
    "prepare-orgs": lambda args: phase_prepare_orgs(int(args[0]), args[1]),
    "raw": lambda args: phase_raw(args[0]),
    "check": lambda args: phase_check(*args),
    "import": lambda args: phase_import(int(args[0])),
    "completion": lambda args: phase_completion(),
    "export": lambda args: phase_export(*args),
    "audit-entries": lambda args: phase_audit_entries(),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="activity rows (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="measured activity imports (median printed)")
    parser.add_argument("--people", type=int, default=100_000, help="people rows; 0 skips them")
    parser.add_argument("--orgs", type=int, default=2_000, help="new organisations; 0 skips them")
    parser.add_argument("--seed-orgs", type=int, default=30_000, help="SCALE tree size when seeding it")
    parser.add_argument("--seed-people", type=int, default=100_000, help="SCALE roster when seeding it")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup()
    if args.phase:
        name, *rest = args.phase
        result = PHASES[name](rest)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result, default=str))
        return

    with tempfile.TemporaryDirectory() as folder:
        # Uploads and error files of the benchmark's jobs stay out of the real MEDIA_ROOT.
        os.environ["MEDIA_ROOT"] = str(Path(folder) / "media")
        setup_result = run_phase("setup", args.seed_orgs, args.seed_people)
        print(
            f"sheets import/export, {database_label()}; SCALE tree of {setup_result['orgs']:,} orgs, "
            f"{setup_result['activities']:,} activities before the benchmark's; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other work skews the figures), "
            f"{machine_speed()}"
        )
        try:
            run_activities(args, folder)
            if args.people:
                run_people(args, folder)
            if args.orgs:
                run_orgs(args, folder)
        finally:
            run_phase("cleanup")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}, {machine_speed()}")


def run_activities(args, folder: str) -> None:
    path = str(Path(folder) / "activities.xlsx")
    start = time.perf_counter()
    prepared = run_phase("prepare-activities", args.rows, path)
    size = os.path.getsize(path) / 1024 / 1024
    print(
        f"activities.xlsx: {args.rows:,} rows for {prepared['units']:,} units, written in "
        f"{time.perf_counter() - start:.1f} s, {size:.1f} MB"
    )
    # Each measured run starts from the same state (the records of the run before deleted,
    # the tables vacuumed); the medians are printed, every run's seconds in brackets.
    raws, checks, imports = [], [], []
    for run in range(args.repeat):
        if run:
            run_phase("cleanup-activities")
        raws.append(run_phase("raw", path))
        done = checked_and_imported(path)
        if done is None:
            return
        checks.append(done[0])
        imports.append(done[1])
    raw, checked, imported = median(raws), median(checks), median(imports)
    line("raw lower bound (calamine + bulk_create)", raw, runs=raws)
    line("check (upload → preview)", checked, raw, runs=checks)
    line("import (plan again, insert, audit, completion)", imported, raw, runs=imports)
    print(
        "  until the job is marked done; the database's housekeeping after it (ANALYZE on PostgreSQL, "
        f"the log checkpoint on SQLite) took {imported['after_done']:.2f} s more in the same run"
    )
    in_all = [both(check, done) for check, done in zip(checks, imports, strict=True)]
    line("upload to imported, in all", median(in_all), raw, runs=in_all)
    audit = run_phase("audit-entries")
    completion = run_phase("completion")
    print(
        f"  audit entries per record: {audit['rows']:,}; the import refreshed the cells of the units "
        f"it touched; a full rebuild of the campaign's {completion['rows']:,} cells "
        f"({completion['done']:,} done) takes {completion['seconds']:.2f} s on its own"
    )
    again = checked_and_imported(path)
    if again is not None:
        line(f"the same file again ({again[1]['counts'][2]:,} unchanged): check", again[0], raw)
        line("  import", again[1], raw)
    exported = run_phase("export", args.rows)
    line(f"export of {exported['of']} ({exported['mb']:.1f} MB)", exported)
    run_phase("cleanup-activities")
    summary = checked_and_imported(path, "bench-activities-summary-audit")
    if summary is not None:
        line("import with one summary audit entry per import", summary[1], raw)
        saved = imported["seconds"] - summary[1]["seconds"]
        print(
            f"  one entry per record costs {saved:.2f} s more "
            f"({saved / imported['seconds'] * 100:.0f}% of the import)"
        )


def run_people(args, folder: str) -> None:
    path = str(Path(folder) / "people.xlsx")
    run_phase("prepare-people", args.people, path)
    done = checked_and_imported(path, "people")
    if done is not None:
        line("people: check", done[0])
        line("people: import (bulk insert, audit per person)", done[1])


def run_orgs(args, folder: str) -> None:
    path = str(Path(folder) / "orgs.xlsx")
    run_phase("prepare-orgs", args.orgs, path)
    done = checked_and_imported(path, "orgs")
    if done is not None:
        line("organisations: check", done[0])
        line("organisations: import (one pass, orgs.services.create_organizations)", done[1])


if __name__ == "__main__":
    main()
