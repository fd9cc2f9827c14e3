"""Reads of the programs app, one section per area (access decides who may call them)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bitgoeul.accounts.models import User
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.programs.access import applications_at_least
from bitgoeul.programs.enums import ApplicationState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Call,
    Conflict,
    EvaluationStage,
    Reviewer,
)

# --- review: reviewer pool, conflicts, assignment ------------------------------------------------


def stage_applications(stage: EvaluationStage) -> QuerySet[Application]:
    """The applications reviewed in a stage: submitted ones whose `stage` is this one, and, in
    the call's first stage, submitted ones not yet placed in any stage (before review starts
    nobody has set it)."""
    first = not EvaluationStage.objects.filter(
        call_id=stage.call_id, order__lt=stage.order
    ).exists()
    in_stage = Q(stage=stage)
    if first:
        in_stage |= Q(stage__isnull=True)
    return Application.objects.filter(
        in_stage, call_id=stage.call_id, state=ApplicationState.SUBMITTED
    ).order_by("pk")


def call_review_applications(call: Call) -> QuerySet[Application]:
    """Every application of a call that reached review (not drafts, not withdrawn)."""
    return Application.objects.filter(call=call).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )


def reviewer_pool() -> QuerySet[Reviewer]:
    return (
        Reviewer.objects.select_related("user__reviewer_profile")
        .prefetch_related("technologies")
        .annotate(tie_count=Count("ties", distinct=True))
        .order_by("user__name", "pk")
    )


def call_conflicts(call: Call) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(application__call=call)
        .select_related("application__company__organization", "reviewer__user")
        .order_by("application_id", "reviewer_id", "source")
    )


def stage_runs(stage: EvaluationStage) -> QuerySet[AssignmentRun]:
    return AssignmentRun.objects.filter(stage=stage).order_by("-created_at", "-pk")


def run_assignments(run: AssignmentRun) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(run=run)
        .select_related("reviewer__user", "application__company__organization")
        .order_by("application_id", "-affinity", "reviewer_id")
    )


def reviewer_open_assignments(user: User) -> QuerySet[Assignment]:
    """A reviewer's active assignments on applications they may read (`access`: submitted,
    no conflict recorded) — the conflict declaration list."""
    readable = Application.objects.filter(applications_at_least(user, ViewLevel.RECORD))
    return (
        Assignment.objects.filter(reviewer_id=user.pk, active=True, application__in=readable)
        .select_related("application__call", "application__company__organization", "stage")
        .order_by("stage__review_due_at", "application_id")
    )
