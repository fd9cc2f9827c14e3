"""Reads of the programs app, one section per area."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from bitgoeul.programs import access
from bitgoeul.programs.enums import ApplicationState, ReviewState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    Call,
    Conflict,
    EvaluationStage,
    Review,
)
from bitgoeul.programs.scoring import Aggregate, Rated, aggregate

# --- scoring -----------------------------------------------------------------------------------


def reviewer_assignment_list(user: Any) -> QuerySet[Assignment]:
    """The reviewer's active assignments across calls (conflicts left out), soonest due first,
    with the review's state and the call read in the same query."""
    return (
        Assignment.objects.filter(access.reviewer_assignments(user))
        .select_related("stage", "application__call", "review")
        .order_by("stage__review_due_at", "application__call_id", "application_id")
    )


def scoring_stage(call: Call) -> EvaluationStage | None:
    """The stage whose scores decide the selection: the last stage with active assignments,
    else the call's last stage."""
    stages = list(call.stages.order_by("-order"))
    with_assignments = set(
        Assignment.objects.filter(stage__call=call, active=True).values_list("stage_id", flat=True)
    )
    for stage in stages:
        if stage.pk in with_assignments:
            return stage
    return stages[0] if stages else None


def _stage_reviews(stage: EvaluationStage) -> QuerySet[Review]:
    """Reviews of the stage's active assignments, without those whose reviewer has since been
    found in conflict with the application."""
    conflicted = Conflict.objects.filter(
        application_id__in=Assignment.objects.filter(stage=stage).values("application_id")
    ).values_list("application_id", "reviewer_id")
    pairs = set(conflicted)
    rows = Review.objects.filter(
        assignment__stage=stage,
        assignment__active=True,
        assignment__application__state__in=[
            ApplicationState.SUBMITTED,
            ApplicationState.SELECTED,
            ApplicationState.NOT_SELECTED,
        ],
    )
    if pairs:
        rows = rows.exclude(
            pk__in=[
                r.pk
                for r in rows.select_related("assignment").only(
                    "pk", "assignment__application_id", "assignment__reviewer_id"
                )
                if (r.assignment.application_id, r.assignment.reviewer_id) in pairs
            ]
        )
    return rows


def stage_rated(stage: EvaluationStage) -> list[Rated]:
    """The submitted reviews' totals of the stage (all-n/a reviews have none: left out)."""
    rows = (
        _stage_reviews(stage)
        .filter(state=ReviewState.SUBMITTED, total__isnull=False)
        .values_list("assignment__application_id", "assignment__reviewer_id", "total")
        .order_by("assignment__application_id", "assignment__reviewer_id")
    )
    return [
        Rated(app, reviewer, float(total)) for app, reviewer, total in rows if total is not None
    ]


def stage_aggregates(stage: EvaluationStage) -> dict[Hashable, Aggregate]:
    return aggregate(stage_rated(stage))


@dataclass
class ScoreCell:
    reviewer: str
    reviewer_id: int
    review_id: int | None
    state: str  # "" when the reviewer has not started
    total: float | None
    not_applicable: int


@dataclass
class ScoreRow:
    application: Application
    cells: list[ScoreCell] = field(default_factory=list)
    aggregate: Aggregate | None = None
    not_applicable: int = 0


def score_table(stage: EvaluationStage) -> list[ScoreRow]:
    """Per application of the stage: each reviewer's total (names: staff only), the aggregates
    side by side and the n/a counts; best calibrated score first, unscored last."""
    aggregates = stage_aggregates(stage)
    assignments = (
        Assignment.objects.filter(stage=stage, active=True)
        .exclude(application__state=ApplicationState.DRAFT)
        .select_related("application__company__organization", "reviewer__user")
        .order_by("application_id", "reviewer__user__name", "pk")
    )
    reviews = {
        r.assignment_id: r
        for r in _stage_reviews(stage).annotate(
            na=Count("scores", filter=Q(scores__value__isnull=True))
        )
    }
    conflicts = set(
        Conflict.objects.filter(application__assignments__stage=stage).values_list(
            "application_id", "reviewer_id"
        )
    )
    rows: dict[int, ScoreRow] = {}
    for assignment in assignments:
        row = rows.setdefault(
            assignment.application_id,
            ScoreRow(assignment.application, aggregate=aggregates.get(assignment.application_id)),
        )
        if (assignment.application_id, assignment.reviewer_id) in conflicts:
            continue
        review = reviews.get(assignment.pk)
        na = int(getattr(review, "na", 0) or 0)
        row.cells.append(
            ScoreCell(
                reviewer=assignment.reviewer.user.name or assignment.reviewer.user.email,
                reviewer_id=assignment.reviewer_id,
                review_id=review.pk if review else None,
                state=review.state if review else "",
                total=review.total if review and review.state == ReviewState.SUBMITTED else None,
                not_applicable=na,
            )
        )
        row.not_applicable += na

    def order(row: ScoreRow) -> tuple[int, float, int]:
        value = row.aggregate.calibrated if row.aggregate else None
        return (value is None, -(value or 0.0), row.application.pk)

    return sorted(rows.values(), key=order)
