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


logger = logging.getLogger(__name__)

# --- review: assignment runs ---------------------------------------------------------------------

PHASE = "phase "  # log lines that name the phase the run is in (read by `present_assignment`)


def _phase_text(phase: str, done: int, total: int) -> str:
    values = {"done": f"{done:,}", "total": f"{total:,}"}
    if phase == "affinity":
        return _("Computing affinity %(done)s/%(total)s") % values
    if phase == "solving":
        return _("Solving the assignment")
    if phase == "writing":
        return _("Writing the proposal %(done)s/%(total)s") % values
    return _("Finding conflicts of interest")


def present_assignment(job: Job) -> JobView:
    from bitgoeul.programs.models import AssignmentRun
    from bitgoeul.programs.services.assignment import run_message

    phases = [line[len(PHASE) :] for line in job.log if line.startswith(PHASE)]
    progress = _phase_text(phases[-1] if phases else "", job.done, job.total)
    run = AssignmentRun.objects.select_related("stage").filter(pk=job.params.get("run")).first()
    if run is None:
        return JobView(progress=progress)
    title = _("Reviewer assignment: %(stage)s") % {"stage": run.stage.name}
    board = reverse("programs:assignment_board", args=[run.pk])
    summary = ""
    if job.status == JobStatus.SUCCEEDED:
        count = int(run.result.get("assignments", 0))
        summary = _(
            "A proposal of %(count)s assignments is ready. Check it on the board, adjust it "
            "if needed, and deploy it."
        ) % {"count": f"{count:,}"}
    elif job.status == JobStatus.FAILED and run.result.get("reason"):
        summary = run_message(run)
    actions = (JobAction(_("Open the assignment board"), board, primary=True),)
    return JobView(title=title, summary=summary, progress=progress, actions=actions)


class AssignmentFailed(JobFailure):
    """No proposal: the message says why (too few reviewers for the loads, conflicts)."""


@job_kind("programs.assignment", present=present_assignment)
def assignment_job(job: Job, reporter: JobReporter) -> None:
    """Compute an assignment run (params: run)."""
    from bitgoeul.programs.enums import RunState
    from bitgoeul.programs.models import AssignmentRun
    from bitgoeul.programs.services.assignment import (
        assignment_run_execute,
        assignment_run_fail,
        run_message,
    )

    run = AssignmentRun.objects.select_related("stage__call").get(pk=job.params["run"])
    last = [""]

    def progress(phase: str, done: int, total: int) -> None:
        if phase != last[0]:
            last[0] = phase
            reporter.log(PHASE + phase)
        reporter.progress(done, total)

    with translation.override(job.owner.language):
        try:
            assignment_run_execute(run=run, actor=job.owner, progress=progress)
        except Exception as exc:
            logger.exception("assignment run %s (job %s) failed", run.pk, job.pk)
            assignment_run_fail(run=run, actor=job.owner)
            raise AssignmentFailed(
                _("The run stopped because of an error on the server. Start it again.")
            ) from exc
        reporter.result(url=reverse("programs:assignment_board", args=[run.pk]))
        if run.state == RunState.FAILED:
            raise AssignmentFailed(run_message(run))
