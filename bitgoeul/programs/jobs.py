"""Background work of the programs app, one section per area (registered from
`ProgramsConfig.ready`)."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.registry import JobAction, JobView, job_kind
from bitgoeul.jobs.runner import JobFailure
from bitgoeul.jobs.services import JobReporter
from bitgoeul.optimize.status import ProblemError

logger = logging.getLogger(__name__)

# --- scoring -----------------------------------------------------------------------------------


class SelectionFailed(JobFailure):
    """The words the task page shows when a selection run cannot be computed."""


def present_selection(job: Job) -> JobView:
    run_id = job.params.get("run")
    title = _("Selection run %(run)s") % {"run": run_id}
    actions: tuple[JobAction, ...] = ()
    summary = ""
    if job.status == JobStatus.SUCCEEDED:
        summary = _("The selection was computed; open the run to compare and approve it.")
    if run_id is not None:
        actions = (
            JobAction(_("Open the run"), reverse("programs:selection_run", args=[run_id]), True),
        )
    return JobView(title=title, summary=summary, actions=actions)


@job_kind("programs.selection", present=present_selection)
def selection_job(job: Job, reporter: JobReporter) -> None:
    """Encode, solve and write one selection run (params: run); progress in words."""
    from bitgoeul.programs.models import SelectionRun
    from bitgoeul.programs.services.selection import (
        SelectionError,
        selection_run_compute,
        selection_run_fail,
    )

    run = SelectionRun.objects.get(pk=job.params["run"])
    language = getattr(job.owner, "language", None) or translation.get_language()
    with translation.override(language):
        try:
            selection_run_compute(run=run, progress=reporter.log)
        except (ProblemError, SelectionError) as exc:
            selection_run_fail(run=run, reason=str(exc))
            raise SelectionFailed(
                _("The selection could not be computed: %(reason)s") % {"reason": exc}
            ) from exc
        except Exception as exc:
            logger.exception("selection run %s (job %s) failed", run.pk, job.pk)
            selection_run_fail(run=run, reason="error")
            raise SelectionFailed(
                _("The selection stopped because of an error on the server (job %(job)s).")
                % {"job": str(job.pk)[:8]}
            ) from exc
    reporter.result(url=reverse("programs:selection_run", args=[run.pk]))
