from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.companies import access
from bitgoeul.companies.forms import ExportForm, SearchForm
from bitgoeul.companies.presenters import RESULT_COLUMNS, result_rows
from bitgoeul.companies.search import CompanyResults
from bitgoeul.companies.selectors import watched_company_ids
from bitgoeul.jobs.services import job_start

PAGE_SIZE = 20


def _non_empty(params: QueryDict) -> QueryDict:
    """The parameters with a value: what a list's address keeps (the form sends every filter,
    empty or not)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if filled := [value for value in values if value.strip()]:
            kept.setlist(key, filled)
    return kept


def company_list(request: HttpRequest) -> HttpResponse:
    """The directory: public profiles for everyone, more for members and staff; live results
    with htmx as the search box and filters change."""
    user: Any = request.user
    live = bool(request.headers.get("HX-Request"))
    params = _non_empty(request.GET)
    if not live and len(params) < len(request.GET):
        # a search sent without JavaScript: the same list at an address without empty filters
        return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
    can_see_scores = access.can_see_scores(user)
    form = SearchForm(request.GET or None, viewer=user)
    text, filters, sort = form.query()
    # Counts stop at RESULT_CAP ("more than 300"), and only the page's rows are fetched.
    companies = CompanyResults(
        viewer=user, text=text, filters=filters, sort=sort, columns=RESULT_COLUMNS
    )
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    filter_query = query.copy()  # the key of the cached filters fragment (list.html)
    filter_query.pop("q", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filter_query": filter_query.urlencode(),
        "text": text,
        "capped": companies.capped,
        "can_see_scores": can_see_scores,
        "is_staff": access.is_staff(user),
        "can_import": access.can_import(user),
    }
    context["rows"] = result_rows(
        page.object_list,
        user,
        watched=watched_company_ids(user) if user.is_authenticated else set(),
        can_see_scores=can_see_scores,
    )
    if not live:
        return render(request, "companies/list.html", context)
    response = render(request, "companies/_results.html", context)
    # The address bar gets the search without its empty filters (this header overrides the
    # form's hx-push-url).
    response["HX-Push-Url"] = f"{request.path}?{params.urlencode()}" if params else request.path
    return response


@login_required
@require_POST
def company_export(request: HttpRequest) -> HttpResponse:
    """Export the filtered list (as filtered in the form posted) in the background."""
    user: Any = request.user
    access.require_staff(user)
    form = SearchForm(request.POST, viewer=user)
    text, filters, sort = form.query()
    export = ExportForm(request.POST)
    file_format = export.cleaned_data["format"] if export.is_valid() else "xlsx"
    job = job_start(
        owner=user,
        kind="companies.export",
        title=_("Company list export (%(format)s)") % {"format": file_format.upper()},
        params={"text": text, "filters": filters.as_params(), "sort": sort, "format": file_format},
    )
    return redirect("jobs:detail", job_id=job.pk)
