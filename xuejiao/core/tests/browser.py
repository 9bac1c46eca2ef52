"""Playwright driving the system's Chromium, for page tests.

Browser tests are marked `browser`. They are skipped when /usr/bin/chromium is missing,
unless XUEJIAO_BROWSER_TESTS=required (as in CI), where a missing browser is a failure.
Screenshots go to test-artifacts/screenshots/, to be looked at.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("XUEJIAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def chromium_or_skip():
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("XUEJIAO_BROWSER_TESTS") == "required":
        pytest.fail(f"Chromium not found at {CHROMIUM} and browser tests are required")
    pytest.skip(f"Chromium not found at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- the demo, for tests that browse it ----------------------------------------------------

DEMO_PASSWORD = "Xuejiao@2021"


@pytest.fixture
def demo(transactional_db):
    """The Zhengzhou 2021 demo, loaded for a browser test (which needs committed data)."""
    from django.core.management import call_command

    call_command("load_demo", "zhengzhou-2021", verbosity=0)


def log_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page, as a person would, and land on the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
