"""The password rules speak Chinese, and a session that must change its password reaches no API."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation


def test_a_short_password_is_refused_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("Ab1!x")
    assert "密码太短：至少需要 10 个字符。" in refused.value.messages


def test_a_session_that_must_change_its_password_gets_no_api(personas):
    user = personas["erqi_admin"]
    user.must_change_password = True
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 401
    user.must_change_password = False
    user.save()
    assert client.get("/api/v1/me").status_code == 200
