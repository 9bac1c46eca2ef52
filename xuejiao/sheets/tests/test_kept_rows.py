"""The import starts from the rows a clean check parsed, never from bytes it did not write."""

import pickle

import pytest

from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Person
from xuejiao.sheets import services

from .helpers import check, header, people_row, xlsx


def people_file(*rows):
    return xlsx([header("people"), *rows])


@pytest.fixture
def admin(personas):
    return personas["city_admin"]


def test_the_import_does_not_read_the_workbook_again(admin, tree):
    job = check("people", admin, people_file(people_row(name="周杰"), people_row(name="吴敏")))
    assert job.status == "ready" and job.parsed_digest
    assert job.parsed_rows_file().exists()
    # Were the workbook read again, this would make the import fail as a damaged file.
    with open(job.file.path, "wb") as damaged:
        damaged.write(b"not a workbook any more")
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == "done", job.failure
    assert set(Person.objects.filter(name__in=["周杰", "吴敏"]).values_list("name", flat=True)) == {
        "周杰",
        "吴敏",
    }
    assert not job.parsed_rows_file().exists()


def test_kept_rows_that_do_not_match_their_digest_are_not_loaded(admin, tree):
    job = check("people", admin, people_file(people_row(name="周杰")))
    forged = [(2, {**services.kept_rows(job)[0].values, "name": "冒名"})]
    job.parsed_rows_file().write_bytes(pickle.dumps(forged))
    assert services.kept_rows(job) is None
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == "done", job.failure
    assert Person.objects.filter(name="周杰").exists()  # read again from the workbook
    assert not Person.objects.filter(name="冒名").exists()


def test_a_file_with_errors_keeps_nothing(admin, tree):
    job = check("people", admin, people_file(people_row(org="NO-SUCH-ORG")))
    assert job.status == "invalid"
    assert job.parsed_digest == ""
    assert not job.parsed_rows_file().exists()


def test_the_rows_are_checked_against_the_data_again_and_the_preview_stays(admin, tree):
    job = check("people", admin, people_file(people_row(org="ZZ-EQ-RH-ZF-1", name="周杰")))
    preview = job.preview
    assert preview and preview[0]["action"] == "create"
    org_services.archive_organization(actor=admin, organization=tree.zhengfei_branch)
    job = services.confirm_import(job=job, actor=admin)
    assert job.status == "invalid" and job.failure
    assert "已归档" in job.errors[0]["reason"]
    assert [line["cells"] for line in job.preview] == [line["cells"] for line in preview]
    assert not Person.objects.filter(name="周杰").exists()
