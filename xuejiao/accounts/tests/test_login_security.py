"""Login security: lockout, the client's address behind proxies, idle timeout, password rules.

The lockout is configured as AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]: failures
are counted for a username *from one address*. Five failures lock that username from that
address for 15 minutes; the same username from another address, and other usernames from
the same address (a whole office behind one NAT), are not locked.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD
from xuejiao.accounts.models import User
from xuejiao.audit.models import AuditAction, AuditEntry
from xuejiao.core.client_ip import client_ip

LOGIN = reverse("accounts:login")
HOME = reverse("home:home")
START = datetime(2021, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


LOCKED_MESSAGE = zh(
    "Too many failed attempts. This account is locked for 15 minutes; "
    "try again later or ask your administrator."
)


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def is_logged_in_as(client: Client, username: str) -> bool:
    user_id = client.session.get("_auth_user_id")
    return user_id is not None and User.objects.get(pk=user_id).username == username


def fail(client: Client, username: str, times: int, **extra):
    return [log_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


@pytest.fixture
def at_start(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


# --- lockout -----------------------------------------------------------------------------------


def test_the_lockout_message_is_translated_into_chinese():
    assert LOCKED_MESSAGE == "登录失败次数过多，该账号已锁定15分钟，请稍后再试或联系管理员。"


def test_a_correct_login_goes_home(personas, client):
    response = log_in(client, "erqi_admin", PASSWORD)
    assert response.status_code == 302 and response["Location"] == HOME
    assert is_logged_in_as(client, "erqi_admin")


def test_four_failures_do_not_lock_and_the_fifth_attempt_may_still_succeed(personas, client):
    assert fail(client, "erqi_admin", 4) == [200] * 4
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302
    assert is_logged_in_as(client, "erqi_admin")


def test_five_failures_lock_the_username_and_even_the_right_password_gets_the_lockout_page(personas, client):
    assert fail(client, "erqi_admin", 4) == [200] * 4
    assert fail(client, "erqi_admin", 1) == [429]
    response = log_in(client, "erqi_admin", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert not is_logged_in_as(client, "erqi_admin")
    assert client.get(HOME).status_code == 302


def test_another_username_from_the_same_address_can_still_log_in_so_the_lock_is_not_per_address(
    personas, client
):
    fail(client, "erqi_admin", 5)
    other = Client()
    assert log_in(other, "zhongyuan_admin", PASSWORD).status_code == 302
    assert is_logged_in_as(other, "zhongyuan_admin")


def test_failures_of_different_usernames_from_one_address_are_not_added_together(personas, client):
    fail(client, "erqi_admin", 4)
    fail(client, "zhongyuan_admin", 4)
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302


def test_the_same_username_from_another_address_is_not_locked_because_the_lock_is_per_username_and_address(
    personas,
):
    office = Client(REMOTE_ADDR="10.0.0.1")
    fail(office, "erqi_admin", 5)
    assert log_in(office, "erqi_admin", PASSWORD).status_code == 429
    home = Client(REMOTE_ADDR="10.0.0.2")
    assert log_in(home, "erqi_admin", PASSWORD).status_code == 302
    assert is_logged_in_as(home, "erqi_admin")


def test_the_lock_still_holds_after_14_minutes(personas, client, at_start):
    fail(client, "erqi_admin", 5)
    at_start.shift(timedelta(minutes=14))
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 429


def test_the_lock_ends_after_15_minutes(personas, client, at_start):
    fail(client, "erqi_admin", 5)
    at_start.shift(timedelta(minutes=15, seconds=1))
    response = log_in(client, "erqi_admin", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in_as(client, "erqi_admin")


def test_a_successful_login_clears_the_earlier_failures(personas, client):
    fail(client, "erqi_admin", 4)
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert fail(client, "erqi_admin", 4) == [200] * 4
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302


def test_the_lockout_page_keeps_the_username_in_the_form(personas, client):
    fail(client, "erqi_admin", 5)
    response = log_in(client, "erqi_admin", PASSWORD)
    assert response.status_code == 429
    assert 'value="erqi_admin"' in response.content.decode()


# --- the client's address ------------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No trusted proxy: the header could be written by anyone and is ignored.
        (0, "1.2.3.4, 10.0.0.9", "10.0.0.1"),
        # One proxy appends the address it received from: the last entry is the client.
        (1, "1.2.3.4, 10.0.0.9", "10.0.0.9"),
        (1, "10.0.0.9", "10.0.0.9"),
        # Two proxies: the second entry from the right; entries further left are the client's own.
        (2, "1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        # Fewer entries than trusted proxies: the header is incomplete, keep the peer's address.
        (2, "10.0.0.9", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, " , ", "10.0.0.1"),
    ],
)
def test_the_client_address_is_read_as_client_ip_documents(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_behind_one_trusted_proxy_the_audit_entry_records_the_address_the_proxy_saw(settings, personas):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9")
    assert log_in(client, "erqi_admin", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.ip_address == "10.0.0.9"


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(settings, personas):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    log_in(client, "erqi_admin", PASSWORD)
    assert AuditEntry.objects.get(action=AuditAction.LOGIN).ip_address == "10.0.0.1"


def test_without_trusted_proxies_changing_the_forwarded_header_does_not_escape_the_lockout(
    settings, personas
):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        log_in(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"7.7.7.{n}"), "erqi_admin", "wrong")
    spoofer = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert log_in(spoofer, "erqi_admin", PASSWORD).status_code == 429


def test_behind_a_proxy_a_client_cannot_escape_the_lockout_by_prepending_addresses(settings, personas):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"7.7.7.{n}, 10.0.0.9")
        log_in(client, "erqi_admin", "wrong")
    spoofer = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8, 10.0.0.9")
    assert log_in(spoofer, "erqi_admin", PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.10")
    assert log_in(colleague, "erqi_admin", PASSWORD).status_code == 302


# --- idle timeout ------------------------------------------------------------------------------


def test_a_session_idle_for_31_minutes_is_sent_back_to_the_login_page(at_start, client_for):
    client = client_for("erqi_admin")
    assert client.get(HOME).status_code == 200
    at_start.shift(timedelta(minutes=31))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_session_idle_for_29_minutes_is_still_open(at_start, client_for):
    client = client_for("erqi_admin")
    client.get(HOME)
    at_start.shift(timedelta(minutes=29))
    assert client.get(HOME).status_code == 200


def test_a_session_used_every_20_minutes_stays_open_for_an_hour_and_more(at_start, client_for):
    client = client_for("erqi_admin")
    for _ in range(4):
        assert client.get(HOME).status_code == 200
        at_start.shift(timedelta(minutes=20))
    assert client.get(HOME).status_code == 200


def session_writes(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return sum(
        1 for query in captured if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]
    )


def test_a_session_in_use_is_written_at_most_once_a_minute(at_start, client_for):
    client = client_for("erqi_admin")  # the login wrote the session
    assert session_writes(client) == 0
    at_start.shift(timedelta(seconds=59))
    assert session_writes(client) == 0
    at_start.shift(timedelta(seconds=1))
    assert session_writes(client) == 1
    assert session_writes(client) == 0


def test_a_session_closes_within_a_minute_of_the_idle_timeout(at_start, client_for):
    """Last renewed 59 seconds before its last use, the session ends 29 minutes and a second
    after that use."""
    client = client_for("erqi_admin")
    client.get(HOME)
    at_start.shift(timedelta(seconds=59))
    assert session_writes(client) == 0
    at_start.shift(timedelta(minutes=29, seconds=2))
    assert client.get(HOME).status_code == 302


def test_an_api_session_idle_for_31_minutes_gets_401(at_start, client_for):
    client = client_for("erqi_admin")
    assert client.get("/api/v1/me").status_code == 200
    at_start.shift(timedelta(minutes=31))
    assert client.get("/api/v1/me").status_code == 401


# --- forced password change ----------------------------------------------------------------------


@pytest.fixture
def newcomer(personas):
    user = personas["street_operator"]
    user.must_change_password = True
    user.save()
    client = Client()
    assert log_in(client, "street_operator", PASSWORD).status_code == 302
    return client


def test_a_user_who_must_change_the_password_is_sent_to_the_change_page_from_every_page(newcomer, tree):
    pages = [
        HOME,
        reverse("orgs:tree"),
        reverse("orgs:search") + "?q=zz",
        reverse("orgs:people"),
        reverse("orgs:export_people"),
        reverse("orgs:detail", args=[tree.renhe.pk]),
        reverse("orgs:children", args=[tree.renhe.pk]),
        reverse("accounts:profile"),
        reverse("accounts:users"),
        reverse("accounts:audit"),
    ]
    for url in pages:
        response = newcomer.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("accounts:password_change")), url
    page = newcomer.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert zh("Please choose your own password before you continue.") in page.content.decode()


def change_password(client, new, current=PASSWORD, confirm=None):
    return client.post(
        reverse("accounts:password_change"),
        {"current_password": current, "new_password": new, "confirm_password": confirm or new},
    )


@pytest.mark.parametrize("weak", ["short", "alllowercase1", "ALLUPPER123", "Persona#2021pass"])
def test_the_forced_change_refuses_a_password_that_breaks_the_rules(newcomer, weak):
    response = change_password(newcomer, weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]
    assert User.objects.get(username="street_operator").must_change_password
    assert newcomer.get(HOME).status_code == 302


def test_the_forced_change_explains_which_rule_was_broken(newcomer):
    text = change_password(newcomer, "alllowercase1").content.decode()
    rule = zh(
        "The password must contain at least %(count)d of: lower-case letters, "
        "upper-case letters, digits and symbols."
    ) % {"count": 3}
    assert rule in text


def test_the_forced_change_needs_the_current_password(newcomer):
    response = change_password(newcomer, "Xuejiao2021a", current="not-it")
    assert response.context["form"].errors["current_password"]
    assert User.objects.get(username="street_operator").check_password(PASSWORD)


def test_after_a_good_password_change_the_user_reaches_home_and_stays_logged_in(newcomer):
    response = change_password(newcomer, "Xuejiao2021a")
    assert response.status_code == 302 and response["Location"] == HOME
    user = User.objects.get(username="street_operator")
    assert not user.must_change_password and user.check_password("Xuejiao2021a")
    assert newcomer.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGED, username="street_operator").exists()


# --- password rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short", "alllowercase1", "Short1!", "1234567890", "abcdefghijkl"])
def test_a_password_shorter_than_10_or_with_fewer_than_3_classes_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Xuejiao2021a", "xuejiao2021!", "XUEJIAO#2021"])
def test_a_password_of_10_or_more_with_3_classes_is_accepted(password):
    validate_password(password)
