"""Helpers to build workbooks the way people fill them in, and to run them through the import."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from xuejiao.audit.models import AuditEntry
from xuejiao.orgs.models import Organization, Person
from xuejiao.sheets import services
from xuejiao.sheets.spec import get_spec


def header(spec_name: str) -> list[str]:
    """The sheet's header as the template writes it (in Chinese: the tests run in zh-hans)."""
    return [str(column.header) for column in get_spec(spec_name).columns]


def xlsx(rows, merge=None, formulas=None, sheet_title="Sheet1", text_cells=()) -> bytes:
    """A workbook whose first sheet holds `rows` (lists of cell values). openpyxl takes any
    string starting with "=" for a formula, except in `text_cells`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    for area in merge or ():
        sheet.merge_cells(area)
    for address, formula in (formulas or {}).items():
        sheet[address] = formula
    for address in text_cells:
        sheet[address].data_type = "s"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(content: bytes, name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def check(spec_name: str, user, content: bytes, name: str = "data.xlsx"):
    """Upload and check a file as `user`; returns the job."""
    return services.start_validation(spec=get_spec(spec_name), upload=upload(content, name), actor=user)


def import_file(spec_name: str, user, content: bytes):
    """Upload, check and, if it passed, import; returns the job."""
    job = check(spec_name, user, content)
    if job.status == "ready":
        job = services.confirm_import(job=job, actor=user)
    return job


def reasons(job) -> list[str]:
    return [error["reason"] for error in job.errors]


def counts() -> dict:
    """What an import could have written."""
    return {
        "orgs": Organization.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEntry.objects.exclude(object_type="importjob").count(),
    }


def people_row(
    org="ZZ-EQ-RH-ZF", name="周杰", gender="男", phone="13811112222", party="是", position="党员", order=0
):
    return [org, name, gender, phone, party, position, order]


def org_row(code, name, parent, category="社区", kind="党总支", short="", systems="", order=0):
    return [code, name, short, parent, category, kind, systems, order]
