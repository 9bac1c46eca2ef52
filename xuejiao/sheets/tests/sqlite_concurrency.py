"""Run as a program by test_concurrent_writes: an import into a file-based SQLite database
(the test database is in memory, where SQLite locks differently) while another connection
writes every 50 ms. Prints the outcome as JSON.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 MEDIA_ROOT=/tmp/media python sqlite_concurrency.py ROWS
"""

import io
import json
import os
import sys
import threading
import time

import django

import xuejiao

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuejiao.settings")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
django.setup()

import openpyxl  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from xuejiao.accounts.models import RoleAssignment, User  # noqa: E402
from xuejiao.core.roles import Role  # noqa: E402
from xuejiao.orgs.models import Category, Kind, Organization, Person  # noqa: E402
from xuejiao.sheets import services  # noqa: E402
from xuejiao.sheets.spec import get_spec  # noqa: E402


def people_file(rows: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([str(column.header) for column in get_spec("people").columns])
    for index in range(rows):
        sheet.append(["ZZ", f"人员{index}", "男", f"138{index:08d}", "是", "党员", 0])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def main(rows: int) -> None:
    call_command("migrate", verbosity=0)
    city = Organization.objects.add_root(
        {"code": "ZZ", "name": "中共郑州市委", "category": Category.CITY, "kind": Kind.PARTY_COMMITTEE}
    )
    admin = User.objects.create_user(username="admin", password="x", home_organization=city)
    RoleAssignment.objects.create(
        user=admin, role=Role.CAMPAIGN_OFFICE, organization=city, include_subtree=True
    )
    other = User.objects.create_user(username="other", password="x", home_organization=city)

    stop = threading.Event()
    writes, failures = [], []

    def write_every_50_ms():
        # Another user at work: a write, committed, every 50 ms.
        try:
            while not stop.is_set():
                try:
                    User.objects.filter(pk=other.pk).update(last_login=timezone.now())
                    writes.append(1)
                except Exception as error:  # noqa: BLE001
                    failures.append(str(error))
                time.sleep(0.05)
        finally:
            connection.close()

    content = people_file(rows)
    with translation.override("zh-hans"):
        writer = threading.Thread(target=write_every_50_ms)
        writer.start()
        try:
            job = services.start_validation(
                spec=get_spec("people"), upload=SimpleUploadedFile("people.xlsx", content), actor=admin
            )
            checked = job.status
            if job.status == "ready":
                job = services.confirm_import(job=job, actor=admin)
        finally:
            stop.set()
            writer.join()
    print(
        json.dumps(
            {
                "code": xuejiao.__file__,
                "checked": checked,
                "status": job.status,
                "failure": job.failure,
                "people": Person.objects.count(),
                "writes": len(writes),
                "writer_failures": failures[:3],
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
