"""The public showcase: demonstrated AI services that their companies chose to publish, with
the story, photos, company, site and KPI results against targets. Open to everyone; it reads
only what `PROJECT_FIELDS` shows at the public level."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access, selectors
from bitgoeul.demonstrations.forms import ShowcaseFilterForm


def showcase(request: HttpRequest) -> HttpResponse:
    form = ShowcaseFilterForm(request.GET or None)
    text = domain = ""
    if form.is_valid():
        text, domain = form.cleaned_data["q"], form.cleaned_data["domain"]
    projects = selectors.showcase_search(text=text, domain=domain).prefetch_related("photos")
    page = Paginator(projects, selectors.SHOWCASE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "demonstrations/showcase.html",
        {"form": form, "page": page, "text": text, "domain": domain},
    )


def showcase_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.project_for_viewer(request.user, project_id, ViewLevel.PUBLIC)
    if not (project.is_public and project.state in access.SHOWABLE_STATES):
        # the showcase shows what the public sees, also to the company and staff (the project
        # page is theirs): an unpublished project is not in it
        raise Http404
    rows = selectors.kpi_rows(project)
    return render(
        request,
        "demonstrations/showcase_detail.html",
        {
            "project": project,
            "rows": rows,
            "charts": [selectors.kpi_chart(row, i) for i, row in enumerate(rows)],
            "photos": list(project.photos.all()),
            "sees_private": access.project_view_level(request.user, project) >= ViewLevel.PRIVATE,
        },
    )


@cache_control(private=True, max_age=3600)
def photo(request: HttpRequest, photo_id: int) -> FileResponse:
    item = access.photo_for_viewer(request.user, photo_id)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
