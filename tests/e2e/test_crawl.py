"""The automatic interface checks: a crawl of every page a role can reach, in both languages, at
a desktop and a phone width, that fails on

- an axe-core WCAG 2.1 A/AA violation,
- a page wider than the window,
- interface text in the wrong language (data such as company names is allowed),
- a raw identifier in the visible text (`score.recompute`, `companies.scorerun 1`, `{'a': 1}`),
- an error page that is not the site's own (KRDS) page, or a status other than the expected one.

Pages are found from the menu and from the pages' own links, at most PER_PATTERN addresses per
URL pattern, GET only; logout, exports and downloads are never followed. Known failures of pages
that are being rebuilt elsewhere are listed once, in KNOWN_FAILURES, for the lead to shrink.
Screenshots of each role's home and menu pages land in docs/screenshots/ with a contact sheet.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, BrowserContext, Page

from bitgoeul.web.demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.e2e.conftest import AXE, AXE_RUN, SCREENSHOTS

pytestmark = pytest.mark.e2e

ROLES: list[tuple[str, str | None]] = [("anonymous", None)] + [
    (re.sub(r"[^a-z]+", "-", label.split(" (")[0]).strip("-"), email)
    for label, email in DEMO_LOGINS
]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
LANGUAGES = ["ko", "en"]
PER_PATTERN = 2
MAX_PAGES_PER_ROLE = 40
SCREENSHOT_HEIGHT = 2000  # px: screenshots are clipped so the repository stays small

# URL patterns (view names) never followed: they change state on GET, send files, or are not
# pages of the interface.
SKIPPED_VIEWS = {
    "accounts:logout",
    "web:healthz",
    "api_docs",
    "favicon",
    "set_language",
}
# Menu pages not worth a screenshot for every role (they look the same for all).
UNSHOT_VIEWS = ("accounts:account", "accounts:api_tokens", "accounts:password_change")
SKIPPED_PATH_PREFIXES = ("/api/", "/static/", "/media/", "/admin/")
DOWNLOAD = re.compile(r"(export|download|report_file|\.csv$|\.xlsx$|\.json$)")

# Known failures, one line per (view name, check), each naming why: a page being rebuilt that
# fails a check for now. Empty today. A listed failure that no longer happens is reported too,
# so the list can only shrink.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@dataclass
class Finding:
    role: str
    language: str
    width: str
    url: str
    view: str
    check: str
    detail: str

    def line(self) -> str:
        return (
            f"[{self.check}] {self.view} {self.url} ({self.role}, {self.language}, "
            f"{self.width}): {self.detail}"
        )


@dataclass
class Crawl:
    base: str
    data: list[str]
    findings: list[Finding] = field(default_factory=list)
    shots: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    done: set[tuple[str, str]] = field(default_factory=set)
    visits: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, what: str, started: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + time.monotonic() - started

    def first(self, view: str, role: str, variant: str) -> bool:
        """True the first time a view is met in a variant (language, width, axe); the home page
        counts once per role, since each role has its own."""
        key = (f"{view}@{role}" if view == "web:home" else view, variant)
        if key in self.done:
            return False
        self.done.add(key)
        return True


# Language names are written in their own language in every interface.
ALWAYS_ALLOWED = ["한국어", "English"]
# Hangul syllables and jamo
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# Interface words that must not appear in the Korean interface (data is removed first).
ENGLISH_UI_WORDS = re.compile(
    r"\b(Search|Filter|Filters|Save|Cancel|Submit|Next|Previous|Home|Log in|Log out|Sign up|"
    r"Export|Import|Delete|Edit|Change|Remove|Page|Companies|Company|Members|Role|Name|Code|"
    r"Position|Created|Updated|Status|Details|None|True|False|Back|Close|Show|Hide|Loading|"
    r"Error|Required|Optional|Download|Upload|Settings|Score|Weights|Version|Member|Staff|"
    r"Administrator|queued|running|succeeded|failed|Not found|Forbidden|Server Error)\b"
)
IDENTIFIER = re.compile(
    r"(?<![\w@./-])[a-z][a-z0-9]+(?:_[a-z0-9]+)*\.[a-z][a-z0-9_]+(?: \d+)?(?![\w@/-])"
)
NOT_IDENTIFIERS = {"kr", "com", "net", "org", "io", "co", "csv", "xlsx", "xls", "json", "pdf"}
PYTHON_REPR = re.compile(r"\{'|\[\('|\(\('|<[A-Z]\w+: |\bQuerySet\b|\bobject at 0x")

COLLECT = """() => {
  const lang = document.documentElement.lang;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest("script, style, template, noscript, option")) continue;
    if (!parent.checkVisibility()) continue;
    const marked = parent.closest("[lang]");
    if (marked && marked.lang && marked.lang !== lang) continue;
    if (parent.closest("[data-any-language], [translate=no]")) continue;
    texts.push(text);
  }
  document.querySelectorAll("select").forEach((select) => {
    if (!select.checkVisibility()) return;
    const marked = select.closest("[lang]");
    if (marked && marked.lang && marked.lang !== lang) return;
    select.querySelectorAll("option").forEach((o) => texts.push(o.textContent.trim()));
  });
  const links = Array.from(document.querySelectorAll("a[href]"))
    .filter((a) => !a.hasAttribute("download"))
    .map((a) => a.href);
  const root = document.documentElement;
  // the outermost element that sticks out of the window, to name in a width failure
  const clipped = (el) => {
    if (getComputedStyle(el).position === "absolute" && !el.offsetParent) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible" &&
          up.getBoundingClientRect().right <= root.clientWidth + 1) return true;
    }
    return false;
  };
  let wide = "";
  if (root.scrollWidth > root.clientWidth + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && box.width > 0 && el.checkVisibility() &&
          !clipped(el)) {
        const classes = typeof el.className === "string" ? el.className.trim() : "";
        wide = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (classes ? "." + classes.replaceAll(" ", ".") : "") +
          " (" + Math.round(box.width) + " px)";
        break;
      }
    }
  }
  return {
    wide: wide,
    lang: lang,
    texts: texts,
    links: links,
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    errorPage: !!document.querySelector("main .error-page h1"),
    height: root.scrollHeight,
  };
}"""


def texts_in(value: object) -> Iterator[str]:
    """The strings of a value, and of the lists and objects in a JSON value (form answers,
    keywords)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from texts_in(item)
        strings = [item for item in value if isinstance(item, str)]
        if strings:
            yield ", ".join(strings)  # a list of keywords is shown joined
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_in(item)


def data_lines(text: str) -> set[str]:
    """The lines of an entered text, as written and as shown once formatted (a body's list
    markers and heading marks are not on the page)."""
    lines = {part.strip() for part in text.splitlines() if part.strip()}
    return lines | {re.sub(r"^(?:[-*+]|#+|\d+[.)])\s+", "", line) for line in lines}


def data_strings() -> list[str]:
    """Every text people entered (names, descriptions, addresses): allowed in either language."""
    values: set[str] = set()
    # Not audit or jobs: their text is codes and messages of the interface, not data.
    for label in (
        "accounts",
        "companies",
        "programs",
        "equipment",
        "demonstrations",
        "promotion",
        "matchmaking",
        "compute",
    ):
        for model in apps.get_app_config(label).get_models():
            names = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
                and not f.choices
            ]
            for row in model._default_manager.values_list(*names) if names else []:
                for value in row:
                    for text in texts_in(value):
                        values.update(data_lines(text))
    # Codes (slugs, action names, e-mail addresses) are not names: lower-case ASCII without a
    # space is left out, so that a code on a page is still caught.
    return sorted(
        (v for v in values if not re.fullmatch(r"[a-z0-9_.@+-]+", v)), key=len, reverse=True
    )


def view_name(url: str) -> str | None:
    path = urlsplit(url).path
    if path.startswith(SKIPPED_PATH_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return "404"
    name = match.view_name
    if name in SKIPPED_VIEWS or DOWNLOAD.search(name) or DOWNLOAD.search(path):
        return None
    return name


def without_data(text: str, data: Iterable[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def check_texts(texts: list[str], language: str, data: list[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for raw in dict.fromkeys(texts):
        interface = without_data(raw, (v for v in data if v in raw))
        if language == "en" and HANGUL.search(interface):
            problems.append(("language", raw[:80]))
        if language == "ko":
            word = ENGLISH_UI_WORDS.search(interface)
            if word:
                problems.append(("language", f"{word.group(0)!r} in {raw[:80]!r}"))
        for match in IDENTIFIER.finditer(interface):
            if match.group(0).split(".")[-1].split(" ")[0] not in NOT_IDENTIFIERS:
                problems.append(("identifier", f"{match.group(0)!r} in {raw[:80]!r}"))
        if PYTHON_REPR.search(interface):
            problems.append(("identifier", raw[:80]))
    return problems


def log_in(context: BrowserContext, base: str, email: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    page.close()


def visit(
    page: Page, crawl: Crawl, url: str, role: str, language: str, width: str, *, axe: bool
) -> dict[str, Any] | None:
    view = view_name(url) or "?"
    crawl.visits += 1
    started = time.monotonic()
    response = page.goto(url)
    # parts loaded after the page (the operator's recent activity) replace their placeholder
    page.wait_for_function("() => !document.querySelector('[hx-trigger=\"load\"]')")
    crawl.timed("load", started)
    if response is None:
        return None
    if "text/html" not in (response.headers.get("content-type") or ""):
        return None
    info: dict[str, Any] = page.evaluate(COLLECT)

    def add(check: str, detail: str) -> None:
        crawl.findings.append(Finding(role, language, width, url, view, check, detail))

    expected = 404 if view == "404" else 200
    if response.status != expected:
        add("status", f"{response.status}, expected {expected}")
    if response.status >= 400 and not info["errorPage"]:
        add("error-page", f"{response.status} without the site's error page")
    if info["lang"] != language:
        add("language", f'<html lang="{info["lang"]}">')
    if info["scrollWidth"] > info["clientWidth"] + 1:
        add(
            "width",
            f"{info['scrollWidth']} px wide in a {info['clientWidth']} px window: {info['wide']}",
        )
    for check, detail in check_texts(info["texts"], language, crawl.data):
        add(check, detail)
    if axe:
        started = time.monotonic()
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(AXE_RUN):
            add(
                "axe",
                f"{violation['id']} ×{violation['nodes']} at {violation['target']}",
            )
        crawl.timed("axe", started)
    return info


def discover(page: Page, crawl: Crawl, role: str) -> list[str]:
    """The role's pages: the home page, the menu, and links found on the pages, breadth first,
    at most PER_PATTERN addresses per view. Each is checked in Korean at the desktop width on
    the way; axe runs once per view across roles (the home page once per role: it differs)."""
    base = crawl.base
    queue = [f"{base}/", f"{base}/no-such-page/"]
    seen: set[str] = set(queue)
    per_view: dict[str, int] = {}
    pages: list[str] = []
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        view = view_name(url)
        if view is None or per_view.get(view, 0) >= PER_PATTERN:
            continue
        per_view[view] = per_view.get(view, 0) + 1
        info = visit(page, crawl, url, role, "ko", "desktop", axe=crawl.first(view, role, "ko"))
        if info is None:
            continue
        pages.append(url)
        for link in info["links"]:
            link = urldefrag(link).url
            if link.startswith(base) and link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def slug(url: str, base: str) -> str:
    path = urlsplit(url).path.strip("/") or "home"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40]


def shoot(page: Page, crawl: Crawl, role: str, url: str, language: str, width: str) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    name = f"{role}-{slug(url, crawl.base)}-{language}-{width}"
    path = SCREENSHOTS / "crawl" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(path),
        full_page=True,
        clip={
            "x": 0,
            "y": 0,
            "width": WIDTHS[width][0],
            "height": min(height, SCREENSHOT_HEIGHT),
        },
    )
    crawl.shots.append((role, slug(url, crawl.base), language, width, f"crawl/{name}.png"))


def contact_sheet(crawl: Crawl) -> None:
    rows: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for role, page_slug, language, width, path in crawl.shots:
        rows.setdefault((role, page_slug), []).append((language, width, path))
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Bitgoeul screenshots</title>",
        "<link rel='stylesheet' href='contact-sheet.css'></head><body>",
        "<h1>Bitgoeul: each role's pages, Korean and English, desktop and phone</h1>",
    ]
    for (role, page_slug), shots in rows.items():
        parts.append(f"<section><h2>{html.escape(role)} · {html.escape(page_slug)}</h2><div>")
        for language, width, path in shots:
            caption = html.escape(f"{language} · {width}")
            parts.append(
                f"<figure class='{width}'><a href='{path}'><img src='{path}' alt='{caption}' "
                f"loading='lazy'></a><figcaption>{caption}</figcaption></figure>"
            )
        parts.append("</div></section>")
    flows = sorted(path.name for path in SCREENSHOTS.glob("*.png"))
    if flows:  # the other browser tests' screenshots (sign-up, import, score)
        parts.append("<section><h2>flows</h2><div>")
        parts += [
            f"<figure><a href='{name}'><img src='{name}' alt='{html.escape(name)}' "
            f"loading='lazy'></a><figcaption>{html.escape(name)}</figcaption></figure>"
            for name in flows
        ]
        parts.append("</div></section>")
    parts.append("</body></html>")
    (SCREENSHOTS / "index.html").write_text("\n".join(parts), encoding="utf-8")
    (SCREENSHOTS / "contact-sheet.css").write_text(
        "body{font-family:sans-serif;margin:2rem}section>div{display:flex;gap:1rem;"
        "align-items:flex-start;overflow-x:auto}figure{margin:0}figure img{border:1px solid #ccc;"
        "width:320px}figure.phone img{width:120px}figcaption{font-size:.8rem}\n",
        encoding="utf-8",
    )


def crawl_role(browser: Browser, crawl: Crawl, role: str, email: str | None) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    host = urlsplit(crawl.base).hostname or "localhost"

    def speak(language: str) -> None:
        cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
        context.add_cookies([cookie])  # type: ignore[list-item]

    errors: list[str] = []
    try:
        if email:
            log_in(context, crawl.base, email)
        speak("ko")
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        pages = discover(page, crawl, role)
        page.goto(f"{crawl.base}/")
        menu = page.eval_on_selector_all(
            ".main-nav a[href], .header-tools a[href]", "links => links.map(a => a.href)"
        )
        # Screenshots: the role's home, and each main page the first time a role reaches it.
        shots = [f"{crawl.base}/"] + [
            url
            for url in dict.fromkeys(urldefrag(href).url for href in menu)
            if (view := view_name(url)) not in (None, "web:home", *UNSHOT_VIEWS)
            and crawl.first(view, role, "shot")
        ]
        for language in LANGUAGES:
            speak(language)
            for width, (w, h) in WIDTHS.items():
                page.set_viewport_size({"width": w, "height": h})
                variant = f"{language}-{width}"
                for url in pages:
                    view = view_name(url) or "?"
                    if variant == "ko-desktop" or not crawl.first(view, role, variant):
                        continue  # checked while discovering, or by an earlier role
                    # axe again in English (other words, other lengths), at the desktop width
                    visit(page, crawl, url, role, language, width, axe=width == "desktop")
                for url in shots:
                    started = time.monotonic()
                    page.goto(url)
                    shoot(page, crawl, role, url, language, width)
                    crawl.timed("screenshots", started)
    finally:
        context.close()
    for error in errors:
        crawl.findings.append(Finding(role, "-", "-", "-", "-", "javascript", error))


def test_crawl_every_role_language_and_width(browser: Browser, live: str) -> None:
    crawl = Crawl(base=live, data=data_strings() + ALWAYS_ALLOWED)
    only = os.environ.get("BITGOEUL_CRAWL_ROLES", "").split(",")  # to rerun a few roles
    for role, email in ROLES:
        if only == [""] or role in only:
            started = time.monotonic()
            crawl_role(browser, crawl, role, email)
            print(f"{role}: {time.monotonic() - started:.0f} s; so far {crawl.visits} visits")
            print({k: round(v) for k, v in crawl.seconds.items()})
    contact_sheet(crawl)

    unexpected = [f for f in crawl.findings if (f.view, f.check) not in KNOWN_FAILURES]
    happened = {(f.view, f.check) for f in crawl.findings}
    # a listed failure that no longer happens (checked on a full crawl only)
    fixed = [key for key in KNOWN_FAILURES if key not in happened and only == [""]]
    report = [f.line() for f in unexpected]
    report += [f"[fixed] {view} {check}: remove it from KNOWN_FAILURES" for view, check in fixed]
    assert report == [], "\n".join(sorted(set(report)))
