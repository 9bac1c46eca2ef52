"""A login is tied to its roster entry by a manager of its unit."""

import pytest
from django.urls import reverse

from xuejiao.audit.models import AuditEntry
from xuejiao.orgs.models import Person


def test_a_district_admin_links_a_login_to_its_roster_entry(personas, tree, client_for):
    operator = personas["zhengfei_operator"]
    member = Person.objects.get(organization=tree.zhengfei)
    response = client_for("erqi_admin").post(
        reverse("accounts:link_person", args=[operator.pk]), {"person": member.pk}
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.person == member
    assert AuditEntry.objects.filter(object_type="user", object_id=str(operator.pk), action="update").exists()


def test_a_person_outside_the_managers_scope_cannot_be_linked(personas, tree, client_for):
    operator = personas["zhengfei_operator"]
    outsider = Person.objects.get(organization=tree.zhongyuan)
    client_for("erqi_admin").post(
        reverse("accounts:link_person", args=[operator.pk]), {"person": outsider.pk}
    )
    operator.refresh_from_db()
    assert operator.person is None


def test_one_person_is_linked_to_one_login_only(personas, tree, client_for):
    member = Person.objects.get(organization=tree.zhengfei)
    client = client_for("erqi_admin")
    client.post(
        reverse("accounts:link_person", args=[personas["zhengfei_operator"].pk]), {"person": member.pk}
    )
    response = client.post(
        reverse("accounts:link_person", args=[personas["street_operator"].pk]),
        {"person": member.pk},
        follow=True,
    )
    personas["street_operator"].refresh_from_db()
    assert personas["street_operator"].person is None
    assert "zhengfei_operator" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1 OR 1=1"])
def test_a_person_that_is_not_a_row_id_is_refused_with_a_message(value, personas, client_for):
    operator = personas["zhengfei_operator"]
    response = client_for("erqi_admin").post(
        reverse("accounts:link_person", args=[operator.pk]), {"person": value}, follow=True
    )
    assert response.status_code == 200
    assert "请从列表中选择人员" in response.content.decode()
    operator.refresh_from_db()
    assert operator.person is None
