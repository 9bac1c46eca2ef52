"""The audit trail: who did what, when, from where, to which organisation.

Every login event and every write through a service leaves one entry, attached to the
organisation it concerns, so that the audit log is scoped like any other list.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import PASSWORD
from xuejiao.accounts import services as account_services
from xuejiao.accounts.models import ApiToken, RoleAssignment, User
from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.roles import Role
from xuejiao.orgs import services as org_services
from xuejiao.orgs.models import Person

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADDRESS = "10.20.30.40"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message, f"no zh-Hans translation for {message!r}"
    return escape(text)


def only(action, **lookup) -> AuditEntry:
    return AuditEntry.objects.get(action=action, **lookup)


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def office(personas):
    """A browser in the district office, logged in as the district admin."""
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="Mozilla/5.0 (office)")
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302
    return client


# --- logins ------------------------------------------------------------------------------------


def test_a_successful_login_is_recorded_with_the_address_and_the_browser(office, personas, tree):
    entry = only(AuditAction.LOGIN)
    assert entry.user == personas["erqi_admin"] and entry.username == "erqi_admin"
    assert entry.ip_address == ADDRESS
    assert entry.user_agent == "Mozilla/5.0 (office)"
    assert entry.organization == tree.erqi and entry.org_path == tree.erqi.path


def test_a_failed_login_records_the_username_and_the_users_organisation(personas, tree):
    log_in(Client(REMOTE_ADDR=ADDRESS), "street_operator", "wrong")
    entry = only(AuditAction.LOGIN_FAILED)
    assert entry.user is None
    assert entry.username == "street_operator"
    assert entry.organization == tree.renhe
    assert entry.ip_address == ADDRESS


def test_a_failed_login_for_an_unknown_username_records_the_name_without_an_organisation(personas):
    log_in(Client(REMOTE_ADDR=ADDRESS), "nobody", "wrong")
    entry = only(AuditAction.LOGIN_FAILED)
    assert entry.username == "nobody" and entry.organization is None and entry.org_path == ""


def test_a_logout_is_recorded(office, personas):
    office.post(reverse("accounts:logout"))
    entry = only(AuditAction.LOGOUT)
    assert entry.username == "erqi_admin" and entry.ip_address == ADDRESS


def test_a_lockout_is_recorded_with_the_username_the_address_and_the_users_organisation(personas, tree):
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(5):
        log_in(client, "street_operator", "wrong")
    assert log_in(client, "street_operator", PASSWORD).status_code == 429
    entries = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT)
    assert entries.count() >= 1
    for entry in entries:
        assert entry.username == "street_operator"
        assert entry.ip_address == ADDRESS
        assert entry.organization == tree.renhe


def test_the_district_admin_sees_the_lockout_of_a_user_of_the_district(personas, tree, client_for):
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(6):
        log_in(client, "street_operator", "wrong")
    page = client_for("erqi_admin").get(reverse("accounts:audit"), {"action": AuditAction.LOCKED_OUT})
    assert [e.username for e in page.context["page_obj"]] and all(
        e.username == "street_operator" for e in page.context["page_obj"]
    )


# --- service writes ----------------------------------------------------------------------------


def test_creating_a_user_is_recorded_against_the_users_organisation(office, tree):
    office.post(
        reverse("accounts:create_user"),
        {
            "username": "wang.fang",
            "display_name": "王芳",
            "home_organization": tree.zhengfei.pk,
            "password": "Xuejiao2021a",
            "role": "",
        },
    )
    user = User.objects.get(username="wang.fang")
    entry = only(AuditAction.CREATE, object_type="user")
    assert entry.object_id == str(user.pk) and entry.organization == tree.zhengfei
    assert entry.username == "erqi_admin" and entry.ip_address == ADDRESS
    assert "Xuejiao2021a" not in str(entry.changes) + entry.summary


def test_granting_and_revoking_a_role_are_recorded_against_the_organisation_of_the_role(
    office, tree, personas
):
    member = personas["lecturer1"]
    office.post(
        reverse("accounts:grant", args=[member.pk]), {"role": Role.OPERATOR, "organization": tree.zhengfei.pk}
    )
    granted = only(AuditAction.GRANT)
    assert granted.organization == tree.zhengfei and granted.ip_address == ADDRESS
    assert granted.changes == {
        "role": Role.OPERATOR,
        "organization": tree.zhengfei.code,
        "include_subtree": False,
    }
    assignment = RoleAssignment.objects.get(user=member, organization=tree.zhengfei)
    office.post(reverse("accounts:revoke", args=[assignment.pk]))
    revoked = only(AuditAction.REVOKE)
    assert revoked.organization == tree.zhengfei and revoked.object_id == str(member.pk)


def test_a_password_reset_is_recorded_without_the_password(office, personas, tree):
    office.post(
        reverse("accounts:reset_password", args=[personas["lecturer1"].pk]), {"new_password": "Temp#2021pass"}
    )
    entry = only(AuditAction.PASSWORD_CHANGED)
    assert entry.username == "erqi_admin" and entry.object_id == str(personas["lecturer1"].pk)
    assert entry.organization == tree.renhe
    assert "Temp#2021pass" not in str(entry.changes) + entry.summary


def test_deactivating_a_user_is_recorded(office, personas, tree):
    office.post(reverse("accounts:set_active", args=[personas["lecturer1"].pk]), {"active": "0"})
    entry = only(AuditAction.UPDATE, object_type="user")
    assert entry.changes == {"is_active": False} and entry.organization == tree.renhe


def test_creating_an_organisation_is_recorded_against_the_new_organisation(office, tree):
    office.post(
        reverse("orgs:create_child", args=[tree.zhengfei.pk]),
        {
            "code": "ZZ-EQ-RH-ZF-2",
            "name": "郑飞社区第二党支部",
            "kind": "branch",
            "category": "branch",
            "sort_order": 0,
        },
    )
    entry = only(AuditAction.CREATE, object_type="organization")
    assert entry.organization.code == "ZZ-EQ-RH-ZF-2"
    assert entry.organization.path.startswith(tree.zhengfei.path)
    assert entry.ip_address == ADDRESS


def test_updating_an_organisation_is_recorded_against_that_organisation_with_the_change(office, tree):
    office.post(
        reverse("orgs:edit", args=[tree.zhengfei.pk]),
        {
            "code": tree.zhengfei.code,
            "name": "郑飞社区党总支",
            "short_name": "",
            "kind": tree.zhengfei.kind,
            "category": tree.zhengfei.category,
            "sort_order": 0,
        },
    )
    entry = only(AuditAction.UPDATE, object_type="organization")
    assert entry.organization == tree.zhengfei
    assert entry.org_path == tree.zhengfei.path
    assert entry.changes["name"] == ["郑飞社区", "郑飞社区党总支"]


def test_moving_an_organisation_is_recorded_against_it_with_both_parents(office, tree):
    office.post(reverse("orgs:move", args=[tree.zhengfei_branch.pk]), {"new_parent": tree.renhe.pk})
    entry = only(AuditAction.MOVE)
    assert entry.organization == tree.zhengfei_branch
    assert entry.changes == {"from": tree.zhengfei.code, "to": tree.renhe.code}


def test_archiving_an_organisation_is_recorded_against_that_organisation(office, tree):
    office.post(reverse("orgs:archive", args=[tree.zhengfei.pk]))
    entry = only(AuditAction.ARCHIVE)
    assert entry.organization == tree.zhengfei
    assert entry.changes == {"is_archived": True}


def test_adding_and_changing_a_person_are_recorded_and_phones_stay_out_of_the_trail(office, tree):
    office.post(
        reverse("orgs:create_person", args=[tree.zhengfei.pk]),
        {"name": "孙丽", "phone": "13855556666", "is_party_member": "on", "sort_order": 0},
    )
    person = Person.objects.get(name="孙丽")
    created = only(AuditAction.CREATE, object_type="person")
    assert created.object_id == str(person.pk) and created.organization == tree.zhengfei
    office.post(
        reverse("orgs:edit_person", args=[person.pk]),
        {
            "name": "孙丽",
            "phone": "13877778888",
            "is_party_member": "on",
            "position": "委员",
            "sort_order": 0,
        },
    )
    updated = only(AuditAction.UPDATE, object_type="person")
    assert updated.organization == tree.zhengfei
    assert updated.changes["position"] == ["", "委员"]
    trail = str(list(AuditEntry.objects.values_list("summary", "changes")))
    assert "13855556666" not in trail and "13877778888" not in trail


def test_creating_and_revoking_an_api_token_are_recorded_without_the_token(office, personas):
    response = office.post(reverse("accounts:profile"), {"name": "省级平台"})
    raw = response.context["new_token"]
    token = ApiToken.objects.get()
    created = only(AuditAction.TOKEN_CREATED)
    assert created.object_id == str(token.pk) and created.ip_address == ADDRESS
    office.post(reverse("accounts:revoke_token", args=[token.pk]))
    revoked = only(AuditAction.TOKEN_REVOKED)
    assert revoked.object_id == str(token.pk)
    assert raw not in str(list(AuditEntry.objects.values_list("summary", "changes")))


def test_a_token_made_by_the_command_is_recorded_too(personas):
    call_command("create_api_token", "erqi_admin", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert only(AuditAction.TOKEN_CREATED).username == "erqi_admin"


def test_every_export_writes_an_entry_with_the_row_count(office, tree):
    office.get(reverse("orgs:export_people"))
    office.get(reverse("orgs:export_people"), {"org": tree.zhengfei.pk})
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert [e.changes["rows"] for e in entries] == [4, 2]
    assert entries[0].changes["what"] and entries[0].changes["what"] == entries[1].changes["what"]
    assert "4" in entries[0].summary and "2" in entries[1].summary
    assert entries[1].organization == tree.zhengfei
    assert all(e.ip_address == ADDRESS and e.username == "erqi_admin" for e in entries)


# --- the audit log page ------------------------------------------------------------------------


@pytest.fixture
def history(tree, personas):
    """Entries on three days by two people in two organisations."""
    city_admin, erqi_admin = personas["city_admin"], personas["erqi_admin"]
    org_services.create_person(actor=erqi_admin, organization=tree.renhe, name="甲")
    org_services.create_person(actor=erqi_admin, organization=tree.zhengfei_branch, name="乙")
    org_services.create_person(actor=city_admin, organization=tree.zhongyuan, name="丙")
    account_services.create_api_token(user=city_admin, name="丁")
    days = {
        "甲": datetime(2021, 3, 1, 10, 0, tzinfo=SHANGHAI),
        "乙": datetime(2021, 3, 2, 23, 30, tzinfo=SHANGHAI),
        "丙": datetime(2021, 3, 3, 0, 10, tzinfo=SHANGHAI),
        "丁": datetime(2021, 3, 3, 9, 0, tzinfo=SHANGHAI),
    }
    for entry in AuditEntry.objects.all():
        key = next(k for k in days if k in entry.summary)
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=days[key])
    return days


def shown(client, **query) -> list[str]:
    response = client.get(reverse("accounts:audit"), query)
    assert response.status_code == 200
    # The viewer's own login is in the log too; only the marked entries of `history` count.
    return sorted(k for e in response.context["page_obj"] for k in "甲乙丙丁" if k in e.summary)


def test_the_audit_log_lists_everything_in_scope(history, client_for):
    assert shown(client_for("city_admin")) == ["丁", "丙", "乙", "甲"]
    assert shown(client_for("erqi_admin")) == ["乙", "甲"]


def test_the_audit_log_filters_by_user(history, client_for):
    assert shown(client_for("city_admin"), user="erqi") == ["乙", "甲"]
    assert shown(client_for("city_admin"), user="city_admin") == ["丁", "丙"]


def test_the_audit_log_filters_by_organisation_with_its_sub_units(history, tree, client_for):
    client = client_for("city_admin")
    assert shown(client, org=tree.erqi.pk) == ["乙", "甲"]
    assert shown(client, org=tree.zhengfei.pk) == ["乙"]
    assert shown(client, org=tree.zhongyuan.pk) == ["丙"]


def test_the_audit_log_filters_by_action(history, client_for):
    assert shown(client_for("city_admin"), action=AuditAction.TOKEN_CREATED) == ["丁"]
    assert shown(client_for("city_admin"), action=AuditAction.CREATE) == ["丙", "乙", "甲"]


def test_the_audit_log_filters_by_whole_days_in_local_time(history, client_for):
    client = client_for("city_admin")
    assert shown(client, date_from="2021-03-02", date_to="2021-03-02") == ["乙"]
    assert shown(client, date_from="2021-03-03") == ["丁", "丙"]
    assert shown(client, date_to="2021-03-01") == ["甲"]


def test_filters_combine(history, tree, client_for):
    assert shown(client_for("city_admin"), org=tree.erqi.pk, date_from="2021-03-02") == ["乙"]


def test_a_date_range_that_ends_before_it_starts_shows_a_clear_error(history, client_for):
    response = client_for("city_admin").get(
        reverse("accounts:audit"), {"date_from": "2021-03-03", "date_to": "2021-03-01"}
    )
    assert response.status_code == 200
    assert zh("The start date is after the end date.") in response.content.decode()


def test_an_unreadable_date_shows_a_clear_error(history, client_for):
    response = client_for("city_admin").get(reverse("accounts:audit"), {"date_from": "3/2/2021"})
    assert zh("Enter a date such as 2021-03-02.") in response.content.decode()


@pytest.mark.parametrize("org", ["zhongyuan", "city", "missing", "not-a-number"])
def test_the_log_for_an_organisation_outside_the_scope_is_404(history, tree, client_for, org):
    value = {"missing": "999999", "not-a-number": "abc"}.get(org) or getattr(tree, org).pk
    response = client_for("erqi_admin").get(reverse("accounts:audit"), {"org": value})
    assert response.status_code == 404


ERQI_NAMES = ["二七区", "人和路街道", "郑飞社区", "郑飞社区第一党支部", "王建国", "李秀英", "张伟", "刘洋"]


def test_the_zhongyuan_admins_audit_log_never_shows_an_entry_about_erqi(tree, personas, client_for):
    city_admin, erqi_admin = personas["city_admin"], personas["erqi_admin"]
    # Someone homed in 中原区 who also manages 二七区 acts there.
    dual = User.objects.create_user(
        username="dual", password=PASSWORD, home_organization=tree.zhongyuan, must_change_password=False
    )
    RoleAssignment.objects.create(user=dual, role=Role.CAMPAIGN_OFFICE, organization=tree.erqi)
    RoleAssignment.objects.create(user=dual, role=Role.CAMPAIGN_OFFICE, organization=tree.zhongyuan)
    for actor in (city_admin, erqi_admin, dual):
        org_services.update_organization(actor=actor, organization=tree.zhengfei, name=f"郑飞社区{actor.pk}")
        org_services.create_person(
            actor=actor, organization=tree.renhe, name="王建国", phone=f"1380000{actor.pk:04}"
        )
        account_services.grant_role(
            actor=actor, user=personas["lecturer1"], role=Role.LEADER, organization=tree.zhengfei_branch
        )
        RoleAssignment.objects.filter(user=personas["lecturer1"], role=Role.LEADER).delete()
    org_services.archive_organization(actor=dual, organization=tree.zhengfei_branch)
    org_services.archive_organization(actor=dual, organization=tree.zhengfei_branch, archived=False)
    dual_client = Client(REMOTE_ADDR=ADDRESS)
    log_in(dual_client, "dual", PASSWORD)
    dual_client.get(reverse("orgs:export_people"), {"org": tree.erqi.pk})
    for _ in range(6):
        log_in(Client(), "street_operator", "wrong")
    # and something of its own
    org_services.create_person(actor=city_admin, organization=tree.zhongyuan_street, name="杨帆")

    response = client_for("zhongyuan_admin").get(reverse("accounts:audit"))
    entries = list(response.context["page_obj"].paginator.object_list)
    erqi_ids = {str(pk) for pk in (tree.erqi.pk, tree.renhe.pk, tree.zhengfei.pk, tree.zhengfei_branch.pk)}
    about_erqi = [
        e
        for e in entries
        if e.org_path.startswith(tree.erqi.path)
        or (e.object_type == "organization" and e.object_id in erqi_ids)
    ]
    assert about_erqi == []
    assert any("杨帆" in e.summary for e in entries)
    text = response.content.decode()
    text = text[text.find('<div class="page-wrapper">') :]
    assert [name for name in ERQI_NAMES if name in text] == []
    # The entries exist: the district admin of 二七区 sees them.
    erqi_log = client_for("erqi_admin").get(reverse("accounts:audit"))
    assert len(erqi_log.context["page_obj"].paginator.object_list) >= 10


def test_entries_outlive_what_they_link_to(personas, tree):
    """The links carry no database constraint; deleting the user clears that link, deleting
    the organisation leaves its id (clearing it would read the whole log), and the entry
    keeps the name and the path it was written with."""
    from xuejiao.audit import services as audit
    from xuejiao.orgs.models import Kind, Organization

    leaver = User.objects.create_user(username="leaver", display_name="leaver")
    unit = Organization.objects.add_child(
        tree.zhengfei,
        {"code": "ZZ-EQ-RH-ZF-9", "name": "临时支部", "category": "branch", "kind": Kind.BRANCH},
    )
    entry = audit.record(AuditAction.CREATE, actor=leaver, obj=unit, organization=unit, summary="建立")
    path, unit_id = entry.org_path, unit.pk
    leaver.delete()
    unit.delete()
    entry = AuditEntry.objects.select_related("organization").get(pk=entry.pk)
    assert (entry.user, entry.organization, entry.username, entry.org_path) == (None, None, "leaver", path)
    assert entry.organization_id == unit_id
