"""Background work of the rounds area: `compute.solve`, one engine run over a round, with its
progress in the run's own words (registered from `ComputeConfig.ready`)."""

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


class SolveFailed(JobFailure):
    """The words the task page shows when a run cannot be computed."""


def present_solve(job: Job) -> JobView:
    from bitgoeul.compute.models import SolveRun

    run = SolveRun.objects.select_related("round").filter(pk=job.params.get("run")).first()
    if run is None:
        return JobView()
    title = _("Allocation run %(number)s of %(round)s") % {
        "number": run.number,
        "round": run.round.name,
    }
    summary = ""
    if job.status == JobStatus.SUCCEEDED:
        summary = _("The run is computed; open it to see the grants, compare and approve it.")
    link = reverse("compute:run", args=[run.pk])
    return JobView(
        title=title, summary=summary, actions=(JobAction(_("Open the allocation run"), link, True),)
    )


@job_kind("compute.solve", present=present_solve)
def solve_job(job: Job, reporter: JobReporter) -> None:
    """Encode the round, solve, store the run (params: run, settings)."""
    from bitgoeul.compute.models import SolveRun
    from bitgoeul.compute.services.rounds import run_execute, run_fail

    run = SolveRun.objects.select_related("round").get(pk=job.params["run"])
    language = getattr(job.owner, "language", None) or translation.get_language()
    with translation.override(language):
        try:
            run = run_execute(run=run, settings=job.params.get("settings"), progress=reporter.log)
        except ProblemError as exc:
            run_fail(run=run, reason=str(exc))
            raise SolveFailed(
                _("The round could not be solved: %(reason)s") % {"reason": exc}
            ) from exc
        except Exception as exc:
            logger.exception("allocation run %s (job %s) failed", run.pk, job.pk)
            run_fail(run=run, reason="error")
            raise SolveFailed(
                _("The allocation run stopped because of an error on the server. Start it again.")
            ) from exc
        reporter.result(url=reverse("compute:run", args=[run.pk]))
        if run.result.get("status") == "infeasible":
            raise SolveFailed(
                _(
                    "The floors cannot all be met with this capacity: lower a floor or raise the "
                    "capacity, then run again."
                )
            )
