from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts import access
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.core.charts import Series, chart_spec
from bitgoeul.core.home import home_sections
from bitgoeul.jobs.selectors import worker_is_alive, worker_last_seen
from bitgoeul.web import selectors


def home(request: HttpRequest) -> HttpResponse:
    """One dashboard per role the user holds; anonymous visitors get the public landing page."""
    user: Any = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html", {"figures": selectors.public_figures()})
    context: dict[str, Any] = {"membership": request.membership}  # type: ignore[attr-defined]
    if access.is_operator_staff(user):
        context["operator"] = operator = selectors.operator_dashboard()
        # built here, not kept with the cached figures: its labels are in the viewer's language
        context["chapter_chart"] = chart_spec(
            label=_("Companies per chapter"),
            labels=[name for name, _count in operator["chart_rows"]],
            series=[Series(_("Companies"), [count for _name, count in operator["chart_rows"]])],
        )
    membership = request.membership  # type: ignore[attr-defined]
    if membership and membership.organization.kind == OrganizationKind.COMPANY:
        context["company"] = selectors.company_dashboard(membership.organization)
    # the apps' work queues and next steps: a company's own page, the staff's companies and
    # nominations (bitgoeul.core.home)
    context["sections"] = home_sections(request)
    context["is_reviewer"] = access.is_reviewer(user)
    return render(request, "web/home.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Also the trivial view `make bench` compares against."""
    return HttpResponse("ok", content_type="text/plain")


def database_writable() -> bool:
    """Whether the database takes writes, found without writing or taking a write lock: a
    read-only database answers SELECT 1 but fails every login (500)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # on for a hot standby (in recovery) and for default_transaction_read_only
            cursor.execute("SHOW transaction_read_only")
            return cursor.fetchone()[0] == "off"
        cursor.execute("PRAGMA query_only")
        if cursor.fetchone()[0]:
            return False
    path = Path(str(connection.settings_dict["NAME"]))
    if connection.vendor == "sqlite" and path.is_file():  # not an in-memory test database
        # WAL writes beside the file too, so the folder must be writable as well
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return True


def service_health() -> dict[str, Any]:
    """The database's state ("ok", "read-only", "error"), the worker's ("ok", "stale") and its
    last heartbeat: what /healthz reports to machines and the status page to people."""
    try:
        database = "ok" if database_writable() else "read-only"
    except Exception:  # any database error means not ready
        database = "error"
    last = worker_last_seen() if database == "ok" else None
    worker = "ok" if database == "ok" and worker_is_alive() else "stale"
    return {"database": database, "worker": worker, "worker_last_seen": last}


def status(request: HttpRequest) -> HttpResponse:
    """The service status for people (the footer's "Service status"); /healthz is for
    machines. Operators also read what to do when the worker is stale."""
    health = service_health()
    context = {
        **health,
        "ok": health["database"] == "ok" and health["worker"] == "ok",
        "is_operator": access.is_operator_staff(request.user),
        "now": timezone.now(),
    }
    code = 200 if health["database"] == "ok" else 503
    return render(request, "web/status.html", context, status=code)


def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and takes writes, and a worker has reported recently."""
    health = service_health()
    database, worker, last = health["database"], health["worker"], health["worker_last_seen"]
    body = {
        "status": "ok" if database == "ok" and worker == "ok" else "degraded",
        "database": database,
        "worker": worker,
        "worker_last_seen": last.isoformat() if last else None,
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
