"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Run with `make e2e`. Screenshots land in docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bitgoeul.web.demo import DEMO_PASSWORD, load_demo

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("BITGOEUL_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is missing: `make e2e` installs Debian's chromium package")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # The live server runs in a thread of this process; Playwright's sync API needs no loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    # A page that breaks the CSP or throws in our JS fails the test that showed it.
    assert errors == []


@pytest.fixture
def live(live_server: Any, transactional_db: None) -> str:
    """The live server's base URL, with the demo data loaded."""
    load_demo()
    return str(live_server.url)


def login(page: Page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
