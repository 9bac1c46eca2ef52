"""The production configuration of docs/deploy.md section 3: no start without a secret key,
`check --deploy` clean, static files hashed, compressed and cached for long.

Each test starts Django in a child process with exactly the environment it names, since
settings are read once per process.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY_DOC = Path(settings.BASE_DIR) / "docs" / "deploy.md"


def run_django(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """manage.py ARGS with the given environment and nothing of this test run's own."""
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def documented_production_environment() -> dict[str, str]:
    """The example /etc/xuejiao/env of docs/deploy.md, with a real key for its placeholder."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = re.search(r"示例 `/etc/xuejiao/env`：\s*```\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md section 3 has no example /etc/xuejiao/env"
    env = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_without_a_secret_key_and_without_debug_the_platform_refuses_to_start():
    result = run_django({}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_a_development_run_starts_without_a_secret_key():
    result = run_django({"DEBUG": "True"}, "check")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_in_the_documented_production_environment(tmp_path):
    env = documented_production_environment()
    env["STATIC_ROOT"] = str(tmp_path / "static")
    result = run_django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_the_documented_production_environment_sends_https_headers(tmp_path):
    """HSTS, the redirect to HTTPS and the proxy's header, as a browser would meet them."""
    env = documented_production_environment()
    env["STATIC_ROOT"] = str(tmp_path / "static")
    # /healthz asks the database for SELECT 1: any database answers.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    script = """
from django.test import Client
host = {"HTTP_HOST": "xuejiao.example.gov.cn"}
plain = Client().get("/accounts/login/", **host)
print("plain", plain.status_code, plain.headers.get("Location"))
proxied = Client().get("/healthz", HTTP_X_FORWARDED_PROTO="https", **host)
print("proxied", proxied.status_code, proxied.headers.get("Strict-Transport-Security"))
monitor = Client().get("/healthz", **host)
print("monitor", monitor.status_code)
"""
    result = run_django(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "plain 301 https://xuejiao.example.gov.cn/accounts/login/" in result.stdout
    assert "proxied 200 max-age=31536000; includeSubDomains; preload" in result.stdout
    assert "monitor 200" in result.stdout  # a health check on the server itself, without the proxy


def test_production_serves_static_files_hashed_compressed_and_cached_for_long(tmp_path):
    env = documented_production_environment()
    env["STATIC_ROOT"] = str(tmp_path / "static")
    collected = run_django(env, "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stderr
    script = """
import re
from django.test import Client
client = Client()
page = client.get("/accounts/login/", HTTP_HOST="xuejiao.example.gov.cn", secure=True)
href = re.search(r'href="(/static/css/app\\.[0-9a-f]{12}\\.css)"', page.content.decode()).group(1)
css = client.get(href, HTTP_HOST="xuejiao.example.gov.cn", secure=True, HTTP_ACCEPT_ENCODING="gzip")
print("css", css.status_code, css.headers.get("Content-Encoding"), css.headers.get("Cache-Control"))
"""
    result = run_django(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "css 200 gzip max-age=315360000, public, immutable" in result.stdout


@pytest.mark.parametrize("debug", ["True", None])
def test_development_and_tests_find_static_files_without_collectstatic(tmp_path, debug):
    """`make run` (DEBUG) and the test run (no DEBUG, STATIC_MANIFEST=False as pyproject.toml
    sets it) render pages from the static sources, with an empty STATIC_ROOT."""
    env = {"STATIC_ROOT": str(tmp_path / "empty"), "SECRET_KEY": "x" * 50}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update({"DEBUG": debug} if debug else {"STATIC_MANIFEST": "False"})
    script = """
from django.test import Client
page = Client().get("/accounts/login/")
print("login", page.status_code, "/static/css/app.css" in page.content.decode())
"""
    result = run_django(env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr
    assert "login 200 True" in result.stdout
