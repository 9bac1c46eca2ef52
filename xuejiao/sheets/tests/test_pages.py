"""The pages: template, upload, job page with progress, preview, errors and confirmation, job list,
export; who sees what (a job outside one's scope is a 404)."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuejiao.orgs.models import Person
from xuejiao.sheets.models import ImportJob
from xuejiao.sheets.spec import get_spec

from .helpers import header, people_row, xlsx


def upload(client, content, name="people.xlsx", spec="people"):
    return client.post(reverse("sheets:sheet", args=[spec]), {"file": SimpleUploadedFile(name, content)})


def people_file(*rows):
    return xlsx([header("people"), *rows])


def test_sheet_page(client_for):
    page = client_for("city_admin").get(reverse("sheets:sheet", args=["people"]))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    # An operator may export what they see but not import.
    page = client_for("street_operator").get(reverse("sheets:sheet", args=["people"]))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' not in page.content.decode()
    assert upload(client_for("street_operator"), people_file(people_row())).status_code == 403
    assert client_for("city_admin").get(reverse("sheets:sheet", args=["nope"])).status_code == 404


@pytest.mark.parametrize("spec", ["people", "orgs"])
def test_template_opens_again_with_drop_downs_and_an_example(client_for, spec):
    response = client_for("city_admin").get(reverse("sheets:template", args=[spec]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data, instructions, lists = workbook.worksheets
    assert [cell.value for cell in data[1]] == header(spec)
    assert data.max_row == 1  # no example row where it would be imported
    assert data.freeze_panes == "A2"
    assert all(cell.comment is not None for cell in data[1])
    assert lists.sheet_state == "hidden"
    validated = {str(validation.sqref).split(":")[0] for validation in data.data_validations.dataValidation}
    choice_columns = {
        "people": {"C2", "E2"},  # gender, Party member
        "orgs": {"E2", "F2"},  # category, kind
    }[spec]
    assert validated == choice_columns
    texts = [cell.value for row in instructions.iter_rows() for cell in row if cell.value]
    assert header(spec)[0] in texts


def test_upload_preview_confirm(client_for, tree):
    client = client_for("city_admin")
    response = upload(client, people_file(people_row(), people_row(name="吴敏", phone="13822223333")))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "所有行均已通过校验，尚未写入任何数据" in page
    assert "立即导入" in page and "吴敏" in page
    assert not Person.objects.filter(name="吴敏").exists()
    response = client.post(reverse("sheets:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 2
    assert "已导入" in client.get(job.get_absolute_url()).content.decode()
    assert Person.objects.filter(name="吴敏").exists()
    # Confirming twice does nothing more.
    client.post(reverse("sheets:confirm", args=[job.pk]))
    assert Person.objects.filter(name="吴敏").count() == 1


def test_errors_page_and_the_marked_copy(client_for, tree):
    client = client_for("city_admin")
    upload(
        client, people_file(people_row(), people_row(name="吴敏", gender="男性"), people_row(org="ZZ-NOPE"))
    )
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "未写入任何数据" in page
    assert "“男性”不是允许的值" in page and "ZZ-NOPE" in page
    response = client.get(reverse("sheets:error_file", args=[job.pk]))
    assert response.status_code == 200
    marked = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert marked["C3"].fill.fgColor.rgb == "FFF4B6B6"
    assert "“男性”不是允许的值" in marked["C3"].comment.text
    assert "ZZ-NOPE" in marked["A4"].comment.text
    assert marked["A2"].comment is None


def test_job_pages_are_scoped(client_for, personas, tree):
    upload(client_for("erqi_admin"), people_file(people_row()))
    job = ImportJob.objects.get()
    urls = [
        job.get_absolute_url(),
        reverse("sheets:progress", args=[job.pk]),
        reverse("sheets:error_file", args=[job.pk]),
    ]
    # Another district's admin and an operator inside 二七区 see nothing: 404, not 403.
    for username in ("zhongyuan_admin", "street_operator"):
        client = client_for(username)
        assert [client.get(url).status_code for url in urls[:2]] == [404, 404]
        assert client.post(reverse("sheets:confirm", args=[job.pk])).status_code == 404
        assert job.original_name not in client.get(reverse("sheets:jobs")).content.decode()
    # The uploader and the managers above the uploader's organisation see it.
    for username in ("erqi_admin", "city_admin"):
        client = client_for(username)
        assert client.get(job.get_absolute_url()).status_code == 200
        assert job.original_name in client.get(reverse("sheets:jobs")).content.decode()
    # Only the uploader confirms.
    assert client_for("city_admin").post(reverse("sheets:confirm", args=[job.pk])).status_code == 403


def test_file_over_the_limit_is_refused_before_it_is_stored(client_for, tmp_path, tree):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(60 * 1024 * 1024)
    client = client_for("city_admin")
    with big.open("rb") as handle:
        response = client.post(reverse("sheets:sheet", args=["people"]), {"file": handle})
    assert response.status_code == 413
    assert "文件大小为60 MB，仅接受不超过50 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_fragment(client_for, tree):
    client = client_for("city_admin")
    upload(client, people_file(people_row()))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="validating", progress=40)
    fragment = client.get(reverse("sheets:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment
    ImportJob.objects.filter(pk=job.pk).update(status="ready", progress=100)
    response = client.get(reverse("sheets:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


def test_export_page(client_for, tree):
    response = client_for("erqi_admin").get(reverse("sheets:export", args=["people"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["王建国", "李秀英", "张伟", "刘洋"]  # 二七区 only
    assert (
        client_for("erqi_admin")
        .get(reverse("sheets:export", args=["people"]), {"org": tree.zhongyuan.pk})
        .status_code
        == 404
    )


def test_the_export_can_be_narrowed_to_an_organisation_in_scope(client_for, tree):
    client = client_for("erqi_admin")
    page = client.get(reverse("sheets:sheet", args=["people"])).content.decode()
    assert 'id="export-org"' in page and "orgs/autocomplete" in page  # the scoped picker
    response = client.get(reverse("sheets:export", args=["people"]), {"org": tree.renhe.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == ["李秀英", "张伟", "刘洋"]
    # Outside the scope, or not a number: 404 on the export and on the page it returns to.
    for url in (reverse("sheets:export", args=["people"]), reverse("sheets:sheet", args=["people"])):
        assert client.get(url, {"org": tree.zhongyuan.pk}).status_code == 404
        assert client.get(url, {"org": "x"}).status_code == 404


def test_an_export_over_the_limit_is_refused_with_the_way_out(client_for, tree, settings):
    from xuejiao.audit.models import AuditEntry

    settings.SHEETS_EXPORT_MAX_ROWS = 2
    client = client_for("erqi_admin")
    response = client.get(reverse("sheets:export", args=["people"]))  # four people in 二七区
    assert response.status_code == 302
    assert response["Location"] == reverse("sheets:sheet", args=["people"])
    page = client.get(response["Location"]).content.decode()
    assert "超过 2 行" in page and "分几次导出" in page
    # Narrowed to 人和路街道 (three people): still too many, and the street stays chosen.
    response = client.get(reverse("sheets:export", args=["people"]), {"org": tree.renhe.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("sheets:sheet", args=["people"]) + f"?org={tree.renhe.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'data-id="{tree.renhe.pk}"' in page and 'data-label="人和路街道"' in page
    assert not AuditEntry.objects.filter(action="export").exists()  # nothing was exported
    # Two rows fit.
    response = client.get(reverse("sheets:export", args=["people"]), {"org": tree.zhengfei.pk})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.max_row == 3  # the header and two people


def test_rows_added_after_the_count_are_refused_not_cut_off(client_for, tree, settings, monkeypatch):
    """The count and the rows are two queries: a list that grew past the limit in between
    is refused at the first row too many."""
    from xuejiao.audit.models import AuditEntry

    settings.SHEETS_EXPORT_MAX_ROWS = 3
    monkeypatch.setattr("xuejiao.core.exports.more_than", lambda queryset, limit: False)
    client = client_for("erqi_admin")
    response = client.get(reverse("sheets:export", args=["people"]))  # four people in 二七区
    assert response.status_code == 302
    assert "超过 3 行" in client.get(response["Location"]).content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db(transaction=True)
def test_the_export_reads_its_rows_inside_one_transaction(personas, tree, monkeypatch):
    """So that on PostgreSQL the cursor streams: outside a transaction it is declared WITH
    HOLD, and the whole result is worked out before the first row."""
    from django.db import connection

    from xuejiao.sheets import services
    from xuejiao.sheets.spec import get_spec

    spec = get_spec("people")
    seen = []
    original = type(spec).export_rows

    def export_rows(self, queryset, user):
        for row in original(self, queryset, user):
            seen.append(connection.in_atomic_block)
            yield row

    monkeypatch.setattr(type(spec), "export_rows", export_rows)
    spool, rows = services.export_sheet(spec=spec, actor=personas["erqi_admin"])
    spool.close()
    assert rows == 4 and seen == [True] * 4


def test_an_administrator_sees_every_job(client_for, personas, tree):
    from xuejiao.accounts.models import User

    upload(client_for("erqi_admin"), people_file(people_row()))
    job = ImportJob.objects.get()
    root = User.objects.create_superuser(
        "root", password="Persona#2021pass", home_organization=tree.city, must_change_password=False
    )
    client = client_for("city_admin")
    client.force_login(root)
    assert client.get(job.get_absolute_url()).status_code == 200


def test_jobs_list_and_index(client_for, tree):
    client = client_for("city_admin")
    upload(client, people_file(people_row()), name="名册.xlsx")
    title = str(get_spec("people").title)
    # Every list of jobs names the sheet by its title, not by its key.
    for url in (reverse("sheets:jobs"), reverse("sheets:index"), reverse("sheets:sheet", args=["people"])):
        row = re.search(
            r"<td><a href=[^>]*>名册.xlsx</a></td>\s*<td[^>]*>([^<]*)</td>", client.get(url).content.decode()
        )
        assert row is not None and row.group(1) == title, url
    index = client.get(reverse("sheets:index")).content.decode()
    assert reverse("sheets:sheet", args=["orgs"]) in index and "名册.xlsx" in index
