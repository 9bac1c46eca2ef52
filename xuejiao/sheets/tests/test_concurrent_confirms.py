"""Two uploads of the same people file confirmed at once write every person once: imports of
a sheet over overlapping parts of the tree run one after the other, and the roster key
(organisation, name, phone) is a database constraint. A confirmed job says it was imported."""

import contextlib
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from xuejiao.core.errors import ServiceError
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Person
from xuejiao.sheets import services
from xuejiao.sheets.spec import get_spec

from .helpers import check, header, people_row, xlsx


def people_file(count: int, org="ZZ-EQ-RH-ZF") -> bytes:
    rows = [people_row(org=org, name=f"成员{n:03}", phone=f"1390000{n:04}") for n in range(count)]
    return xlsx([header("people"), *rows])


def confirm_together(jobs, actor, monkeypatch):
    """Confirm the jobs in parallel threads, each planning only once the other is planning
    too (or after two seconds, when the other cannot start: it waits for the first)."""
    spec = get_spec("people")
    plan = type(spec).plan
    meeting = threading.Barrier(len(jobs))

    def plan_together(self, rows, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=2)
        return plan(self, rows, **kwargs)

    monkeypatch.setattr(type(spec), "plan", plan_together)
    failures = []

    def confirm(job):
        try:
            services.confirm_import(job=job, actor=actor)
        except Exception as error:  # noqa: BLE001  (reported below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: the second import waits for it"
)
@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_the_same_file_at_once_write_every_person_once(personas, tree, monkeypatch):
    admin = personas["erqi_admin"]
    before = Person.objects.count()
    first, second = (check("people", admin, people_file(30)) for _ in range(2))
    assert first.status == second.status == "ready"
    confirm_together([first, second], admin, monkeypatch)
    assert Person.objects.count() == before + 30
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "done"
    # One created them; the other, checked again after it, found them all unchanged.
    assert sorted([first.created_count, second.created_count]) == [0, 30]
    assert sorted([first.unchanged_count, second.unchanged_count]) == [0, 30]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="as above")
@pytest.mark.django_db(transaction=True)
def test_imports_of_separate_parts_of_the_tree_do_not_wait_for_each_other(personas, tree, monkeypatch):
    admin = personas["city_admin"]
    erqi = check("people", admin, people_file(5))
    school = check("people", admin, people_file(5, org="ZZ-JY-1Z"))
    met = []
    plan = type(get_spec("people")).plan
    meeting = threading.Barrier(2)

    def plan_together(self, rows, **kwargs):
        met.append(meeting.wait(timeout=10) is not None)  # both plan at once: neither waits
        return plan(self, rows, **kwargs)

    monkeypatch.setattr(type(get_spec("people")), "plan", plan_together)
    threads = [
        threading.Thread(
            target=lambda job=job: (services.confirm_import(job=job, actor=admin), connection.close())
        )
        for job in (erqi, school)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert met == [True, True]
    assert Person.objects.filter(name__startswith="成员").count() == 10


def test_the_roster_key_is_a_database_constraint(tree):
    Person.objects.create(organization=tree.zhengfei, name="周杰", phone="13811112222")
    Person.objects.create(organization=tree.renhe, name="周杰", phone="13811112222")  # another unit
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(organization=tree.zhengfei, name="周杰", phone="13811112222")
    Person.objects.create(organization=tree.zhengfei, name="周杰", phone="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(organization=tree.zhengfei, name="周杰", phone="")


def test_the_roster_forms_refuse_a_second_person_with_the_same_key(personas, tree, client_for):
    admin = personas["erqi_admin"]
    org_services.create_person(actor=admin, organization=tree.zhengfei, name="周杰", phone="13811112222")
    with pytest.raises(ServiceError, match="同名同手机号"):
        org_services.create_person(actor=admin, organization=tree.zhengfei, name="周杰", phone="13811112222")
    other = org_services.create_person(actor=admin, organization=tree.zhengfei, name="周杰", phone="")
    with pytest.raises(ServiceError, match="同名同手机号"):
        org_services.update_person(actor=admin, person=other, phone="13811112222")
    response = client_for("erqi_admin").post(
        reverse("orgs:create_person", args=[tree.zhengfei.pk]),
        {"name": "周杰", "phone": "13811112222", "is_party_member": "on", "sort_order": 0},
    )
    assert response.status_code == 200 and "同名同手机号" in response.content.decode()
    assert Person.objects.filter(organization=tree.zhengfei, name="周杰").count() == 2


def test_confirming_an_imported_file_again_says_it_was_imported(personas, tree, client_for):
    admin = personas["erqi_admin"]
    job = check("people", admin, people_file(2))
    services.confirm_import(job=job, actor=admin)
    with pytest.raises(ServiceError, match="该文件已导入"):
        services.confirm_import(job=job, actor=admin)
    client = client_for("erqi_admin")
    page = client.post(reverse("sheets:confirm", args=[job.pk]), follow=True).content.decode()
    assert "该文件已导入" in page
    assert Person.objects.filter(name__startswith="成员").count() == 2
