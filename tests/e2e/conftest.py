"""Real headless Chromium (Debian's, driven by Playwright) against pytest-django's live server."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate (only the test process is affected).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT_DIR = os.environ.get("GLOSSA_SCREENSHOTS", "")  # e.g. docs/screenshots: refresh the README's images
MAX_SCREENSHOT_BYTES = 300 * 1024
PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="en-US")
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shoot() -> Callable:
    """Save a full-page screenshot when GLOSSA_SCREENSHOTS names a folder; small enough to commit."""

    def save(page, name: str) -> None:
        if not SCREENSHOT_DIR:
            return
        path = Path(SCREENSHOT_DIR) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.open(io.BytesIO(page.screenshot(full_page=True, animations="disabled")))
        image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        assert path.stat().st_size < MAX_SCREENSHOT_BYTES, f"{path} is too large to commit"

    return save


def sign_in(page, base_url: str, username: str, *, lands_on: str = "/") -> None:
    """Sign in through the form; staff land on the admin console (``lands_on="/admin/"``)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}{lands_on}")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def unlabeled_controls(page) -> list[str]:
    """Names of visible form controls that no <label> describes (screen readers could not name them)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter((control) => !control.labels || control.labels.length === 0)
              .map((control) => control.name || control.id)"""
    )
