from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bitgoeul.audit.access import require_audit_reader
from bitgoeul.audit.forms import AuditFilterForm
from bitgoeul.audit.selectors import audit_event_list, audit_events_present
from bitgoeul.jobs.services import job_start

PAGE_SIZE = 50
RECENT = 8  # events in the operator home's recent activity


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditFilterForm(request.GET or None)
    events = audit_event_list(**form.filters())  # type: ignore[arg-type]
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for key in [key for key, value in query.items() if not value]:
        query.pop(key)  # no empty filters in the page links
    context = {
        "form": form,
        "page": page,
        "rows": audit_events_present(page.object_list, viewer=request.user),
        "query": query.urlencode(),
    }
    template = "audit/_rows.html" if request.headers.get("HX-Request") else "audit/list.html"
    return render(request, template, context)


@login_required
@require_GET
def audit_recent(request: HttpRequest) -> HttpResponse:
    """The latest events as sentences, without their changes: the fragment the operator's home
    loads after the page (naming the objects reads one table per kind of object, so the home
    keeps its own queries to itself)."""
    require_audit_reader(request.user)
    events = audit_event_list()[:RECENT]
    rows = audit_events_present(events, viewer=request.user, changes=False)
    # a fragment: no menu, so none of the page's context processors
    return HttpResponse(render_to_string("audit/_recent.html", {"rows": rows}))


@login_required
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditFilterForm(request.POST)
    filters = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in form.filters().items()
        if value
    }
    job = job_start(
        owner=request.user, kind="audit.export", title=_("Audit trail export"), params=filters
    )
    return redirect("jobs:detail", job_id=job.pk)
