"""A reset, a deactivation and a forced password change end every session and API token.

Whoever held the account before (a colleague who left, someone who learnt the password) must
not keep a way in: their open browser sessions end at once, and their API tokens are revoked
for good, also when the account is activated again later.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from xuejiao.accounts import services
from xuejiao.accounts.models import ApiToken, User
from xuejiao.audit.models import AuditAction, AuditEntry

HOME = reverse("home:home")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Temporary#2021x"


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def still_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def api_status(raw_token: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw_token}"}).status_code


def sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


@pytest.fixture
def operator(personas):
    return personas["zhengfei_operator"]


@pytest.fixture
def token(operator):
    _record, raw = services.create_api_token(user=operator, name="省平台")
    assert api_status(raw) == 200
    return raw


def test_a_managers_password_reset_logs_the_user_out_and_revokes_the_tokens(personas, operator, token):
    phone, laptop = logged_in("zhengfei_operator"), logged_in("zhengfei_operator")
    bystander = logged_in("street_operator")
    services.reset_password(actor=personas["erqi_admin"], user=operator, new_password=NEW_PASSWORD)
    assert not still_in(phone) and not still_in(laptop)
    assert sessions_of(operator) == 0
    assert api_status(token) == 401
    assert ApiToken.objects.get(user=operator).revoked_at is not None
    # Nobody else is touched.
    assert still_in(bystander)


def test_the_reset_page_does_the_same(personas, operator, token, client_for):
    phone = logged_in("zhengfei_operator")
    response = client_for("erqi_admin").post(
        reverse("accounts:reset_password", args=[operator.pk]), {"new_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not still_in(phone)
    assert api_status(token) == 401


def test_a_deactivated_and_reactivated_user_gets_neither_the_old_session_nor_the_old_token_back(
    personas, operator, token
):
    phone = logged_in("zhengfei_operator")
    erqi_admin = personas["erqi_admin"]
    services.set_active(actor=erqi_admin, user=operator, active=False)
    assert sessions_of(operator) == 0
    services.set_active(actor=erqi_admin, user=operator, active=True)
    assert not still_in(phone)
    assert api_status(token) == 401
    # A fresh login works again, with the password the user already had.
    assert still_in(logged_in("zhengfei_operator"))


def test_a_forced_password_change_keeps_the_session_it_was_made_in_and_ends_the_others(operator, token):
    operator.must_change_password = True
    operator.save(update_fields=["must_change_password"])
    here, elsewhere = logged_in("zhengfei_operator"), logged_in("zhengfei_operator")
    response = here.post(
        reverse("accounts:password_change"),
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert still_in(here)
    assert not still_in(elsewhere)
    assert sessions_of(operator) == 1
    assert api_status(token) == 401


def test_a_password_change_of_ones_own_choosing_keeps_the_tokens(operator, token):
    here, elsewhere = logged_in("zhengfei_operator"), logged_in("zhengfei_operator")
    here.post(
        reverse("accounts:password_change"),
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert still_in(here) and not still_in(elsewhere)
    assert api_status(token) == 200


def test_the_ended_sessions_and_revoked_tokens_are_in_the_audit_log(personas, operator, token, tree):
    logged_in("zhengfei_operator")
    logged_in("zhengfei_operator")
    services.create_api_token(user=operator, name="区平台")
    erqi_admin = personas["erqi_admin"]
    before = AuditEntry.objects.count()
    services.reset_password(actor=erqi_admin, user=operator, new_password=NEW_PASSWORD)
    entries = AuditEntry.objects.order_by("id")[before:]
    assert sorted((e.action, e.username, e.organization_id) for e in entries) == sorted(
        [
            (AuditAction.PASSWORD_CHANGED, "erqi_admin", tree.zhengfei.pk),
            (AuditAction.LOGOUT, "erqi_admin", tree.zhengfei.pk),
            (AuditAction.TOKEN_REVOKED, "erqi_admin", tree.zhengfei.pk),
            (AuditAction.TOKEN_REVOKED, "erqi_admin", tree.zhengfei.pk),
        ]
    )
    logout = next(e for e in entries if e.action == AuditAction.LOGOUT)
    assert logout.object_id == str(operator.pk) and logout.changes["sessions"] == 2
    assert sorted(e.summary for e in entries if e.action == AuditAction.TOKEN_REVOKED) == ["区平台", "省平台"]
    # A second reset finds nothing left to end and says nothing about it.
    before = AuditEntry.objects.count()
    services.reset_password(
        actor=erqi_admin, user=User.objects.get(pk=operator.pk), new_password=NEW_PASSWORD
    )
    assert list(AuditEntry.objects.order_by("id")[before:].values_list("action", flat=True)) == [
        AuditAction.PASSWORD_CHANGED
    ]
