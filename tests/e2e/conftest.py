"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Run with `make e2e`. Screenshots land in docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bitgoeul.accounts.models import User
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


AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.length,
    target: v.nodes.length ? String(v.nodes[0].target) : "",
  }));
}"""


class Browsing:
    """Browser contexts of one test, each signed in as a person and collecting the JavaScript
    errors of its pages. `bypass_csp` lets `checked` inject axe as a script (the CSP refuses it,
    rightly, in a page's own context)."""

    def __init__(self, browser: Browser, base: str, *, bypass_csp: bool = False) -> None:
        self.browser, self.base, self.bypass_csp = browser, base, bypass_csp
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def as_user(self, user: User, viewport: dict[str, int], language: str = "ko") -> Page:
        user.set_password(DEMO_PASSWORD)
        user.language = language  # the interface follows the user's own setting after login
        user.save()
        context = self.browser.new_context(
            viewport=viewport,  # type: ignore[arg-type]
            locale="ko-KR",
            bypass_csp=self.bypass_csp,
        )
        self.contexts.append(context)
        host = urlsplit(self.base).hostname or "localhost"
        cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
        context.add_cookies([cookie])  # type: ignore[list-item]
        page = context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        login(page, self.base, user.email)
        return page

    def url(self, name: str, *args: Any) -> str:
        return self.base + reverse(name, args=args)


def browsing_for(
    browser: Browser, live_server: Any, *, bypass_csp: bool = False
) -> Iterator[Browsing]:
    """The body of a test module's `browsing` fixture: no JavaScript error on any page."""
    browsing = Browsing(browser, str(live_server.url), bypass_csp=bypass_csp)
    yield browsing
    for context in browsing.contexts:
        context.close()
    assert browsing.errors == []


def checked(page: Page, name: str) -> Path:
    """No axe violation, no sideways scrolling; then the screenshot."""
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1] + 1
    return screenshot(page, name)
