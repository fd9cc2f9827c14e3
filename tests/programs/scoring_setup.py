"""Rows the scoring tests start from: a call in review with a stage and criteria, applications,
reviewers with active (deployed) assignments, and reviews written through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from bitgoeul.programs.enums import CallState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    Call,
    Criterion,
    EvaluationStage,
    Review,
    Reviewer,
)
from bitgoeul.programs.services.reviews import review_save, review_submit
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ReviewerFactory,
    StageFactory,
    standard_form,
)


def call_in_review(**kwargs: Any) -> tuple[Call, EvaluationStage, list[Criterion]]:
    """A call in review; its stage has two criteria: 기술성 (60%, /10), 사업성 (40%, /5)."""
    call = CallFactory.create(state=CallState.REVIEW, **kwargs)
    standard_form(call)
    stage = StageFactory.create(call=call)
    criteria = [
        CriterionFactory.create(stage=stage, order=1, name="기술성", weight=60, max_score=10),
        CriterionFactory.create(
            stage=stage, order=2, name="사업성", name_en="Business", weight=40, max_score=5
        ),
    ]
    return call, stage, criteria


def assign(application: Application, reviewer: Reviewer, stage: EvaluationStage) -> Assignment:
    return Assignment.objects.create(
        stage=stage, application=application, reviewer=reviewer, active=True
    )


def scored(assignment: Assignment, values: list[Decimal | int | None], comment: str = "") -> Review:
    """A submitted review with `values` in criterion order (None: n/a)."""
    criteria = list(Criterion.objects.filter(stage=assignment.stage).order_by("order"))
    pairs = zip(criteria, values, strict=True)
    scores = {c.pk: (None if v is None else Decimal(v)) for c, v in pairs}
    user = assignment.reviewer.user
    with transaction.atomic():
        review = review_save(
            assignment=assignment, actor=user, scores=scores, comment_to_applicant=comment
        )
        return review_submit(review=review, actor=user)


def panel(
    call: Call, stage: EvaluationStage, totals: dict[str, list[tuple[str, int]]]
) -> dict[str, Any]:
    """Applications and reviewers from {application name: [(reviewer name, 기술성 score)]};
    사업성 gets the same share, so each review's total is score × 10."""
    reviewers: dict[str, Reviewer] = {}
    applications: dict[str, Application] = {}
    for name, marks in totals.items():
        application = ApplicationFactory.create(call=call, title=name)
        applications[name] = application
        for who, mark in marks:
            reviewer = reviewers.setdefault(who, ReviewerFactory.create())
            assignment = assign(application, reviewer, stage)
            scored(assignment, [Decimal(mark), Decimal(mark) / 2])
    return {"applications": applications, "reviewers": reviewers}
