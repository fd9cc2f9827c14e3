"""Pages of the review area for staff: assignment runs of a stage and the assignment board."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.programs import access
from bitgoeul.programs.enums import RunState
from bitgoeul.programs.models import Application, Assignment, AssignmentRun, Reviewer
from bitgoeul.programs.selectors import run_assignments, stage_applications, stage_runs
from bitgoeul.programs.services.assignment import (
    RunError,
    assignment_add,
    assignment_move,
    assignment_remove,
    assignment_run_deploy,
    assignment_run_start,
    run_message,
    run_warnings,
)
from bitgoeul.programs.views.review_forms import BoardEditForm, RunForm

APPLICATIONS_PER_PAGE = 50
WARNINGS_SHOWN = 100


@login_required
def stage_assignment(request: HttpRequest, stage_id: int) -> HttpResponse:
    """A stage's runs, and the form that starts a new one."""
    stage = access.stage_for_staff(request.user, stage_id)
    form = RunForm(initial={"max_load": 10})
    if request.method == "POST":
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run = assignment_run_start(stage=stage, actor=request.user, **form.cleaned_data)
            except RunError as exc:
                form.add_error(None, str(exc))
            else:
                assert run.job is not None
                return redirect("jobs:detail", job_id=run.job.pk)
    context = {
        "stage": stage,
        "form": form,
        "runs": list(stage_runs(stage)[:50]),
        "applications": stage_applications(stage).count(),
    }
    return render(request, "programs/review/stage_assignment.html", context)


@login_required
def board(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.assignment_run_for_staff(request.user, run_id)
    inputs = run.inputs or {}
    pairs = list(Assignment.objects.filter(run=run).values_list("application_id", "reviewer_id"))
    app_ids: list[int] = list(inputs.get("applications", [])) or sorted({a for a, _ in pairs})
    page = Paginator(app_ids, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    applications = Application.objects.select_related("company__organization").in_bulk(shown)
    # only the rows of the applications on this page are read whole
    rows = list(run_assignments(run).filter(application_id__in=shown))
    by_application: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        by_application[row.application_id].append(row)
    loads = Counter(reviewer_id for _, reviewer_id in pairs)
    reviewer_ids = list(inputs.get("reviewers", []))
    caps = dict(zip(reviewer_ids, inputs.get("max_loads", []), strict=False))
    reviewers = Reviewer.objects.select_related("user").in_bulk(reviewer_ids or list(loads))
    warnings = run_warnings(run) if run.state == RunState.PROPOSED else []
    flagged = {(w.application_id, w.reviewer_id) for w in warnings if w.code == "conflict"}
    context = {
        "run": run,
        "stage": run.stage,
        "page": page,
        "applications": [
            {
                "application": applications[app_id],
                "rows": [
                    (row, (app_id, row.reviewer_id) in flagged) for row in by_application[app_id]
                ],
            }
            for app_id in page.object_list
            if app_id in applications
        ],
        "loads": [
            {
                "reviewer": reviewer,
                "load": loads.get(pk, 0),
                "cap": caps.get(pk, run.max_load),
            }
            for pk, reviewer in sorted(reviewers.items(), key=lambda kv: str(kv[1].user))
        ],
        "warnings": warnings[:WARNINGS_SHOWN],
        "warning_count": len(warnings),
        "blocked": any(w.blocks_deploy for w in warnings),
        "editable": run.state == RunState.PROPOSED,
        "message": run_message(run) if run.state == RunState.FAILED else "",
        "reviewer_choices": sorted(reviewers.values(), key=lambda r: str(r.user)),
        "moving": _moving(run, request.GET.get("move", "")),
    }
    return render(request, "programs/review/board.html", context)


@login_required
@require_POST
def board_edit(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.assignment_run_for_staff(request.user, run_id)
    form = BoardEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to change."))
        return redirect("programs:assignment_board", run_id=run.pk)
    data: dict[str, Any] = form.cleaned_data
    try:
        if data["action"] == "add":
            application = get_object_or_404(
                Application, pk=data["application"], call=run.stage.call
            )
            reviewer = get_object_or_404(Reviewer, pk=data["reviewer"])
            assignment_add(run=run, application=application, reviewer=reviewer, actor=request.user)
        else:
            row = get_object_or_404(Assignment, pk=data["assignment"], run=run)
            if data["action"] == "remove":
                assignment_remove(assignment=row, actor=request.user)
            else:
                reviewer = get_object_or_404(Reviewer, pk=data["reviewer"])
                assignment_move(assignment=row, reviewer=reviewer, actor=request.user)
    except RunError as exc:
        messages.error(request, str(exc))
    else:
        warnings = run_warnings(run)
        if warnings:
            messages.warning(
                request,
                _("Saved. The proposal now breaks %(count)s rules; see the warnings.")
                % {"count": len(warnings)},
            )
        else:
            messages.success(request, _("Saved. The proposal keeps every rule."))
    return redirect("programs:assignment_board", run_id=run.pk)


@login_required
@require_POST
def deploy(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.assignment_run_for_staff(request.user, run_id)
    try:
        assignment_run_deploy(run=run, actor=request.user)
    except RunError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assignment was deployed and each reviewer was notified."))
    return redirect("programs:assignment_board", run_id=run.pk)


def _moving(run: AssignmentRun, value: str) -> Assignment | None:
    """The row chosen with "Move" (`?move=<id>`), if it is one of this run's."""
    if not value.isdigit():
        return None
    return (
        Assignment.objects.select_related("reviewer__user").filter(run=run, pk=int(value)).first()
    )
