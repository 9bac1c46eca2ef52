"""Benchmark: the organisation sheet (onboarding a tree) at city scale.

    .venv/bin/python bench/orgs_import.py [--sizes 2000 10000] [--repeat 1]
    DATABASE_URL=postgres://... .venv/bin/python bench/orgs_import.py

Prints figures, never passes or fails. It works on the current database, on the SCALE tree of
`manage.py seed_scale` (seeded when missing: --seed-orgs, --seed-people) with a campaign run
from the SCALE root whose required action applies to communities and branches, so every new
community gets its completion cell and the roll-ups above it move: the import's whole cost.
For each size, a workbook of new streets with 19 communities each (the file's children
before or after their parents in no particular order does not matter) is uploaded, checked
and imported under one organisation of the tree, then everything is removed again. Phases run
in fresh processes (bench/sheets_import.py's), so each one's peak memory is its own.

Printed per size: the check (upload → preview), the import (until the job is marked done),
both together, in rows per second.
"""

import argparse
import os
import tempfile
from pathlib import Path

import sheets_import as sheets
from common import database_label, machine_speed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[2_000, 10_000], help="new organisations per file"
    )
    parser.add_argument("--repeat", type=int, default=1, help="measured imports per size (median printed)")
    parser.add_argument("--seed-orgs", type=int, default=30_000, help="SCALE tree size when seeding it")
    parser.add_argument("--seed-people", type=int, default=100_000, help="SCALE roster when seeding it")
    args = parser.parse_args()
    sheets.setup()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MEDIA_ROOT"] = str(Path(folder) / "media")
        first = True
        for size in args.sizes:
            path = str(Path(folder) / f"orgs-{size}.xlsx")
            checks, imports = [], []
            for _run in range(args.repeat):
                # Each run from the same state: the tree, a fresh campaign, no organisation of the run before.
                state = sheets.run_phase("setup", args.seed_orgs, args.seed_people)
                if first:
                    print(
                        f"organisation sheet import, {database_label()}; "
                        f"SCALE tree of {state['orgs']:,} orgs; {os.cpu_count()} cores, "
                        f"load average {os.getloadavg()[0]:.2f}, {machine_speed()}",
                        flush=True,
                    )
                    first = False
                try:
                    sheets.run_phase("prepare-orgs", size, path)
                    done = sheets.checked_and_imported(path, "orgs")
                finally:
                    sheets.run_phase("cleanup")
                if done is None:
                    return
                checks.append(done[0])
                imports.append(done[1])
            checked, imported = sheets.median(checks), sheets.median(imports)
            sheets.line(f"{size:,} new organisations: check", checked, runs=checks)
            sheets.line("  import (one pass: paths, insert, audit, completion)", imported, runs=imports)
            together = [sheets.both(c, i) for c, i in zip(checks, imports, strict=True)]
            sheets.line("  upload to imported, in all", sheets.median(together), runs=together)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}, {machine_speed()}")


if __name__ == "__main__":
    main()
