from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from bitgoeul.accounts import access
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.jobs.selectors import worker_is_alive, worker_last_seen
from bitgoeul.web import selectors


def home(request: HttpRequest) -> HttpResponse:
    """One dashboard per role the user holds; anonymous visitors get the public landing page."""
    user: Any = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html", {"figures": selectors.public_figures()})
    context: dict[str, Any] = {"membership": request.membership}  # type: ignore[attr-defined]
    if access.is_operator_staff(user):
        context["operator"] = selectors.operator_dashboard()
    chapter_ids = access.staff_chapter_ids(user)
    if chapter_ids:
        context["chapter"] = selectors.chapter_dashboard(chapter_ids)
    membership = request.membership  # type: ignore[attr-defined]
    if membership and membership.organization.kind == OrganizationKind.COMPANY:
        context["company"] = selectors.company_dashboard(membership.organization)
    context["is_reviewer"] = access.is_reviewer(user)
    return render(request, "web/home.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Also the trivial view `make bench` compares against."""
    return HttpResponse("ok", content_type="text/plain")


def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and a worker has reported recently."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database error means not ready
        database = "error"
    last = worker_last_seen() if database == "ok" else None
    worker = "ok" if database == "ok" and worker_is_alive() else "stale"
    body = {
        "status": "ok" if database == "ok" and worker == "ok" else "degraded",
        "database": database,
        "worker": worker,
        "worker_last_seen": last.isoformat() if last else None,
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
