"""The load mix of `make load` (benchmarks/load.py starts the server and runs this file).

Open loop: one locust user, `Arrivals`, starts requests at a Poisson arrival rate
(BITGOEUL_LOAD_RATE per second) each in its own greenlet, whether or not earlier ones have
answered, as independent visitors do. (Locust's own users are closed loop: a slow server slows
them down and hides its slowness.) Every request is bounded by a timeout, so a saturated server
shows up as long latencies and errors, never as a hung run.

The mix (weights per arrival): anonymous visitors on the public pages, staff searching and
opening companies, company users opening and saving their profile. In the background, for the
whole run, one import (upload, dry run, real run) and one export run as jobs in the worker while
their pages are polled, as the task page does.

Configured by the environment (benchmarks/load.py sets it): BITGOEUL_LOAD_RATE,
BITGOEUL_LOAD_SETUP (JSON: the demo password, company ids, search words, the path of a CSV to
import). Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import gevent
from locust import User, task
from locust.clients import HttpSession

TIMEOUT = 30.0  # seconds: bounds every request
JOB_POLL_S = 2.0
SETUP: dict[str, Any] = json.loads(os.environ.get("BITGOEUL_LOAD_SETUP", "{}"))
RATE = float(os.environ.get("BITGOEUL_LOAD_RATE", "20"))
JOBS = os.environ.get("BITGOEUL_LOAD_JOBS", "1") == "1"  # the import and the export
STAFF = [
    "operator@bitgoeul.kr",
    "agency@bitgoeul.kr",
    "association@bitgoeul.kr",
    "chapter.gwangju-jeonnam@bitgoeul.kr",
]
COMPANY_USERS = ["founder@bitgoeul.kr", "teammate@bitgoeul.kr"]
logging.getLogger("urllib3").setLevel(logging.ERROR)  # "connection pool is full" under load


class FormFields(HTMLParser):
    """The fields a browser would submit from the form whose action ends with `action` (or,
    with `action` "", from the forms that post to their own page)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, ""
        self.fields: list[tuple[str, str]] = []
        self.textarea = ""
        self.first_option: dict[str, str] = {}
        self.selected: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            target = a.get("action", "")  # "" for a form that posts to its own page
            own = bool(self.action) and target.endswith(self.action)
            self.inside = target == self.action or own
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select:
            self.first_option.setdefault(self.select, a.get("value", ""))
            if "selected" in a:
                self.fields.append((self.select, a.get("value", "")))
                self.selected.add(self.select)
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if self.select not in self.selected and self.select in self.first_option:
                self.fields.append((self.select, self.first_option[self.select]))
            self.select = ""
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text))
            self.textarea = ""


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def form_fields(html: str, action: str) -> list[tuple[str, str]]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


class Arrivals(User):
    """One user that starts every request of the run at the open-loop rate."""

    host = "http://127.0.0.1:8000"

    def session(self) -> HttpSession:
        return HttpSession(
            base_url=self.host or "", request_event=self.environment.events.request, user=self
        )

    def login(self, email: str) -> HttpSession:
        client = self.session()
        page = client.get("/accounts/login/", name="login (form)", timeout=TIMEOUT).text
        token = csrf_token(page)
        client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": email,
                "password": SETUP["password"],
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            timeout=TIMEOUT,
        )
        return client

    def on_start(self) -> None:
        self.anonymous = self.session()
        self.staff = {email: self.login(email) for email in STAFF}
        self.members = {email: self.login(email) for email in COMPANY_USERS}
        self.mix: list[tuple[Callable[[], None], int]] = [
            (self.anonymous_home, 10),
            (self.anonymous_list, 6),
            (self.anonymous_search, 6),
            (self.anonymous_company, 8),
            (self.staff_home, 6),
            (self.staff_search, 14),
            (self.staff_company, 14),
            (self.staff_nominations, 3),
            (self.operator_audit, 2),
            (self.member_home, 6),
            (self.member_company, 5),
            (self.member_edit, 4),
            (self.member_save, 2),
        ]
        self.started = time.monotonic()
        if JOBS:
            gevent.spawn(self.guarded, self.background_import)
            gevent.spawn(self.guarded, self.background_export)

    # --- the open loop ---------------------------------------------------------------------

    @task
    def arrivals(self) -> None:
        actions, weights = zip(*self.mix, strict=True)
        due = time.monotonic()
        while True:
            due += random.expovariate(RATE)
            gevent.sleep(max(0.0, due - time.monotonic()))
            gevent.spawn(self.guarded, random.choices(actions, weights)[0])

    def guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # a broken page must not stop the run; locust counted it
            logging.warning("load: %s failed: %s", action.__name__, exc)

    def get(self, client: HttpSession, path: str, name: str) -> str:
        with client.get(path, name=name, timeout=TIMEOUT, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.error or ''}".strip())
            return str(response.text or "")

    # --- anonymous visitors ----------------------------------------------------------------

    def anonymous_home(self) -> None:
        self.get(self.anonymous, "/", "home (anonymous)")

    def anonymous_list(self) -> None:
        self.get(self.anonymous, "/companies/", "company list (anonymous)")

    def anonymous_search(self) -> None:
        word = random.choice(SETUP["words"])
        self.get(self.anonymous, f"/companies/?q={word}", "company search (anonymous)")

    def anonymous_company(self) -> None:
        org_id = random.choice(SETUP["public_ids"])
        self.get(self.anonymous, f"/companies/{org_id}/", "company page (anonymous)")

    # --- staff -----------------------------------------------------------------------------

    def any_staff(self) -> HttpSession:
        return random.choice(list(self.staff.values()))

    def staff_home(self) -> None:
        self.get(self.any_staff(), "/", "home (staff)")

    def staff_search(self) -> None:
        word = random.choice(SETUP["words"])
        self.get(self.any_staff(), f"/companies/?q={word}", "company search (staff)")

    def staff_company(self) -> None:
        org_id = random.choice(SETUP["company_ids"])
        client = self.staff["operator@bitgoeul.kr"]
        self.get(client, f"/companies/{org_id}/", "company page (staff)")

    def staff_nominations(self) -> None:
        self.get(self.any_staff(), "/companies/nominations/", "nominations (staff)")

    def operator_audit(self) -> None:
        self.get(self.staff["operator@bitgoeul.kr"], "/audit/", "audit (operator)")

    # --- company users ---------------------------------------------------------------------

    def any_member(self) -> HttpSession:
        return random.choice(list(self.members.values()))

    def member_home(self) -> None:
        self.get(self.any_member(), "/", "home (company user)")

    def member_company(self) -> None:
        org_id = SETUP["own_company_id"]
        self.get(self.any_member(), f"/companies/{org_id}/", "company page (company user)")

    def member_edit(self) -> None:
        org_id = SETUP["own_company_id"]
        self.get(self.members["founder@bitgoeul.kr"], f"/companies/{org_id}/edit/", "edit (form)")

    def member_save(self) -> None:
        """Open the edit form and save it as it is (a service call, an audit event, a write)."""
        client = self.members["founder@bitgoeul.kr"]
        path = f"/companies/{SETUP['own_company_id']}/edit/"
        fields = form_fields(self.get(client, path, "edit (form)"), "")
        with client.post(
            path,
            data=fields,
            headers={"Referer": f"{self.host}{path}"},
            name="edit (save)",
            timeout=TIMEOUT,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: not saved")

    # --- the background jobs ---------------------------------------------------------------

    def wait_job(self, client: HttpSession, location: str, name: str) -> None:
        """Poll the job's progress partial, as its page does, until it has finished."""
        match = re.search(r"/jobs/([0-9a-f-]{36})/", location)
        if not match:
            raise RuntimeError(f"{name}: no job in {location!r}")
        path = f"/jobs/{match.group(1)}/progress/"
        while True:
            with client.get(path, name="job progress", timeout=TIMEOUT, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(str(r.status_code))
                if r.headers.get("HX-Trigger") == "job-finished":
                    if "failed" in (r.text or "").lower():
                        logging.warning("load: %s job failed", name)
                    return
            gevent.sleep(JOB_POLL_S)

    def post(self, client: HttpSession, path: str, name: str, **kwargs: Any) -> str:
        """POST as a browser does; the redirect's location."""
        with client.post(
            path,
            headers={"Referer": f"{self.host}{path}"},
            name=name,
            timeout=TIMEOUT,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
            return str(response.headers.get("Location", ""))

    def background_import(self) -> None:
        """The operator uploads a CSV, keeps the suggested mapping, checks it, imports it."""
        client = self.staff["operator@bitgoeul.kr"]
        page = self.get(client, "/companies/import/", "import (form)")
        csrf = csrf_token(page)
        data = Path(SETUP["import_csv"]).read_bytes()
        detail = self.post(
            client,
            "/companies/import/",
            "import (upload)",
            data={"csrfmiddlewaretoken": csrf},
            files={"file": ("load.csv", data, "text/csv")},
        )
        path = detail.removeprefix(self.host)
        mapping = form_fields(self.get(client, path, "import (mapping)"), "")
        self.wait_job(client, self.post(client, path, "import (dry run)", data=mapping), "dry run")
        run = form_fields(self.get(client, path, "import (mapping)"), f"{path}run/")
        self.wait_job(client, self.post(client, f"{path}run/", "import (run)", data=run), "import")

    def background_export(self) -> None:
        """Staff export the whole list (XLSX) and the page polls until the file is ready."""
        client = self.staff["operator@bitgoeul.kr"]
        page = self.get(client, "/companies/", "company list (staff)")
        csrf = csrf_token(page)
        location = self.post(
            client,
            "/companies/export/",
            "export (start)",
            data={"csrfmiddlewaretoken": csrf, "format": "xlsx"},
        )
        self.wait_job(client, location, "export")
