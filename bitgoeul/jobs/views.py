from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.jobs.access import job_for_viewer
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.presenting import job_present, waiting_sentence
from bitgoeul.jobs.services import job_live_progress


def _context(request: AuthenticatedHttpRequest, job: Job) -> dict[str, Any]:
    return {
        "job": job,
        "view": job_present(job),
        # the worker's log lines (English, technical) stay on the job row, off the page
        "waiting": waiting_sentence(job),
        # operators may follow a long wait to the status page (the worker's heartbeat)
        "is_operator": is_operator_staff(request.user),
    }


@login_required
def job_detail(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    job = job_live_progress(job_for_viewer(request.user, job_id))
    return render(request, "jobs/detail.html", _context(request, job))


@login_required
def job_progress(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    """The htmx partial the task page polls; it stops polling once the job has finished."""
    job = job_live_progress(job_for_viewer(request.user, job_id))
    response = render(request, "jobs/_progress.html", _context(request, job))
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
