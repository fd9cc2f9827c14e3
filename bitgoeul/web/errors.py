"""Error views Django cannot pick by template name alone (the 400/403/404/500 pages are the
templates of the same names in bitgoeul/templates)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (expired session, cookies off): the site's own
    error page with a way back, not Django's English debug page. `reason` is for logs only."""
    return render(request, "403_csrf.html", status=403)
