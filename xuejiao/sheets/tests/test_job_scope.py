"""An import job is seen by its uploader and by those whose scope covers every organisation
the file names, never by the managers of the uploader's home organisation as such: a file
can name organisations the uploader's home does not reach. Pages and API alike (404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from xuejiao.accounts.models import RoleAssignment, User
from xuejiao.accounts.services import create_api_token
from xuejiao.core.roles import Role
from xuejiao.sheets import services
from xuejiao.sheets.models import ImportJob

from .helpers import check, header, people_row, xlsx


@pytest.fixture
def cross_scope(personas, tree) -> User:
    """Homed in a 中原区 street, campaign office of 二七区."""
    user = User.objects.create_user(
        username="cross_scope",
        password="Persona#2021pass",
        display_name="跨区用户",
        home_organization=tree.zhongyuan_street,
        must_change_password=False,
    )
    RoleAssignment.objects.create(user=user, role=Role.CAMPAIGN_OFFICE, organization=tree.erqi)
    return user


def api_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=user, name='t')[1]}")


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def erqi_file(bad_phone=False):
    """People of 二七区 only; with a bad phone the job has errors and a marked copy."""
    rows = [people_row(), people_row(org="ZZ-EQ-RH", name="孙丽", phone="13822223333")]
    if bad_phone:
        rows.append(people_row(name="吴敏", phone="12"))
    return xlsx([header("people"), *rows])


def statuses(user, job) -> dict:
    pages, api = page_client(user), api_client(user)
    return {
        "job": pages.get(job.get_absolute_url()).status_code,
        "progress": pages.get(reverse("sheets:progress", args=[job.pk])).status_code,
        "error_file": pages.get(reverse("sheets:error_file", args=[job.pk])).status_code,
        "confirm": pages.post(reverse("sheets:confirm", args=[job.pk])).status_code,
        "listed": job.original_name in pages.get(reverse("sheets:jobs")).content.decode(),
        "index": job.original_name in pages.get(reverse("sheets:index")).content.decode(),
        "sheet": job.original_name in pages.get(reverse("sheets:sheet", args=["people"])).content.decode(),
        "api": api.get(f"/api/v1/imports/{job.pk}").status_code,
        "api_errors": api.get(f"/api/v1/imports/{job.pk}/errors").status_code,
        "api_confirm": api.post(f"/api/v1/imports/{job.pk}/confirm").status_code,
        "api_listed": job.pk in [item["id"] for item in api.get("/api/v1/imports").json()["items"]],
    }


HIDDEN = {
    "job": 404,
    "progress": 404,
    "error_file": 404,
    "confirm": 404,
    "listed": False,
    "index": False,
    "sheet": False,
    "api": 404,
    "api_errors": 404,
    "api_confirm": 404,
    "api_listed": False,
}


def test_the_home_districts_admin_never_sees_a_file_naming_another_district(cross_scope, personas):
    job = check("people", cross_scope, erqi_file(bad_phone=True), name="二七区名册.xlsx")
    assert job.status == "invalid" and job.error_file
    assert statuses(personas["zhongyuan_admin"], job) == HIDDEN
    ready = check("people", cross_scope, erqi_file(), name="二七区名册2.xlsx")
    assert ready.status == "ready"
    assert statuses(personas["zhongyuan_admin"], ready) == HIDDEN
    assert ImportJob.objects.get(pk=ready.pk).status == "ready"  # nothing confirmed


def test_those_covering_every_named_organisation_and_the_uploader_see_it(cross_scope, personas):
    job = check("people", cross_scope, erqi_file(bad_phone=True), name="二七区名册.xlsx")
    for username in ("erqi_admin", "city_admin"):
        seen = statuses(personas[username], job)
        assert (seen["job"], seen["error_file"], seen["api"], seen["api_errors"]) == (200, 200, 200, 200)
        assert seen["listed"] and seen["api_listed"]
    mine = page_client(cross_scope)
    assert mine.get(job.get_absolute_url()).status_code == 200
    assert mine.get(reverse("sheets:error_file", args=[job.pk])).status_code == 200


def test_a_file_naming_two_districts_is_seen_only_above_both(personas):
    rows = [people_row(), people_row(org="ZZ-ZY-LH", name="孙丽", phone="13822223333")]
    job = check("people", personas["city_admin"], xlsx([header("people"), *rows]))
    assert statuses(personas["erqi_admin"], job)["job"] == 404
    assert statuses(personas["zhongyuan_admin"], job)["api"] == 404
    assert page_client(personas["city_admin"]).get(job.get_absolute_url()).status_code == 200


def test_a_file_not_yet_read_is_seen_by_its_uploader_alone(personas, tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SHEETS_INLINE_ROWS = 0  # checked by the worker, which has not run
    upload = SimpleUploadedFile("名册.xlsx", erqi_file())
    job = services.start_validation(
        spec=services.get_spec("people"), upload=upload, actor=personas["erqi_admin"]
    )
    assert job.status == "uploaded"
    assert page_client(personas["erqi_admin"]).get(job.get_absolute_url()).status_code == 200
    assert page_client(personas["city_admin"]).get(job.get_absolute_url()).status_code == 404


def test_an_organisation_sheet_is_scoped_by_the_parents_and_codes_it_names(cross_scope, personas):
    from .helpers import org_row

    content = xlsx([header("orgs"), org_row("ZZ-EQ-RH-NEW", "新社区", "ZZ-EQ-RH")])
    job = check("orgs", cross_scope, content, name="新组织.xlsx")
    assert job.status == "ready"
    assert statuses(personas["zhongyuan_admin"], job)["job"] == 404
    assert page_client(personas["erqi_admin"]).get(job.get_absolute_url()).status_code == 200
