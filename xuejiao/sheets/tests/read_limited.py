"""Run as a program: read a workbook as the import does (reader.read_sheet), in this process
only, under an address-space limit, and print what it cost as JSON. A file that made the
reading library allocate without bound ends this process, never the one that started it.

    python read_limited.py SPEC PATH LIMIT_MB
"""

import json
import os
import resource
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuejiao.settings")


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM starts anew at exec; ru_maxrss may carry the
    parent's)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(spec_name: str, path: str, limit_mb: int) -> None:
    limit = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    django.setup()
    from pathlib import Path

    from django.utils import translation

    from xuejiao.sheets import reader
    from xuejiao.sheets.spec import Report, get_spec

    spec = get_spec(spec_name)
    started = time.perf_counter()
    report = Report(spec)
    rows = []
    with translation.override("zh-hans"):
        try:
            package = reader.open_package(Path(path))
            rows, _shown = reader.read_rows(Path(path), spec, package, report)
        except reader.FileRejected as rejected:
            report.add(str(rejected))
    seconds = time.perf_counter() - started
    peak_kb = peak_rss_kb()
    print(
        json.dumps(
            {
                "rows": len(rows),
                "errors": [error["reason"] for error in report.errors],
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_kb / 1024),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
