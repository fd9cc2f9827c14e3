"""The task page's words for a job: the kind's presenter (registered with `@job_kind(...,
present=...)`) filled in with the generic wording where it says nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.jobs.models import Job, JobStatus
from bitgoeul.jobs.registry import JobAction, JobView, job_kind_get

# a job queued longer than this is said to wait for its turn
QUEUED_LONG = dt.timedelta(seconds=30)


def job_present(job: Job) -> JobView:
    try:
        present = job_kind_get(job.kind).present
    except LookupError:
        present = None
    view = present(job) if present else JobView()
    if not view.title:
        view = replace(view, title=job.title)
    if not view.progress and job.total and job.status == JobStatus.RUNNING:
        view = replace(
            view, progress=_("%(done)s of %(total)s done") % {"done": job.done, "total": job.total}
        )
    if not view.actions and job.status == JobStatus.SUCCEEDED and job.result_file:
        view = replace(view, actions=(download_action(job),))
    return view


def download_action(job: Job) -> JobAction:
    """The download of the job's file (only offered when the job wrote one)."""
    return JobAction(_("Download"), reverse("jobs:download", args=[job.pk]), primary=True)


def waiting_sentence(job: Job, *, now: dt.datetime | None = None) -> str:
    """What a queued job's page says: it waits to start, or, after a while, for its turn."""
    if job.status != JobStatus.QUEUED:
        return ""
    if (now or timezone.now()) - job.created_at > QUEUED_LONG:
        return _(
            "This task is waiting for its turn. It starts by itself; you may leave this page "
            "and come back later."
        )
    return _("This task starts in a moment.")
