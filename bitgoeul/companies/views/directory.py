from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.companies import access
from bitgoeul.companies.forms import ExportForm, SearchForm
from bitgoeul.companies.search import CompanyResults
from bitgoeul.companies.selectors import watched_company_ids
from bitgoeul.jobs.services import job_start

PAGE_SIZE = 20


def company_list(request: HttpRequest) -> HttpResponse:
    """The directory: public profiles for everyone, more for members and staff; live results
    with htmx as the search box and filters change."""
    user: Any = request.user
    can_see_scores = access.can_see_scores(user)
    form = SearchForm(request.GET or None, viewer=user)
    text, filters, sort = form.query()
    # Counts stop at RESULT_CAP ("more than 300"), and only the page's rows are fetched.
    companies = CompanyResults(viewer=user, text=text, filters=filters, sort=sort)
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    for company in page.object_list:
        company.shown = access.company_fields(user, company)  # type: ignore[attr-defined]
    query = request.GET.copy()
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
        "watched": watched_company_ids(user) if user.is_authenticated else set(),
    }
    template = (
        "companies/_results.html" if request.headers.get("HX-Request") else "companies/list.html"
    )
    return render(request, template, context)


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
