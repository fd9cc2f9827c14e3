from __future__ import annotations

from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.jobs.access import job_for_viewer
from bitgoeul.jobs.services import job_live_progress


@login_required
def job_detail(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    job = job_live_progress(job_for_viewer(request.user, job_id))
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def job_progress(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    """The htmx partial the task page polls; it stops polling once the job has finished."""
    job = job_live_progress(job_for_viewer(request.user, job_id))
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished:
        response["HX-Trigger"] = "job-finished"
    return response


@login_required
def job_download(request: AuthenticatedHttpRequest, job_id: UUID) -> FileResponse:
    job = job_for_viewer(request.user, job_id)
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / job.result_file).resolve()
    if not job.result_file or root not in path.parents or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
