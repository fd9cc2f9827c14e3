"""Rows the scoring tests start from: a call in review with a stage and criteria, applications,
reviewers with active (deployed) assignments, and reviews written through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from bitgoeul.programs.enums import ApplicationState, CallState, FieldKind
from bitgoeul.programs.models import (
    Application,
    ApplicationFile,
    Assignment,
    Call,
    Criterion,
    EvaluationStage,
    FormField,
    Review,
    Reviewer,
    Score,
)
from bitgoeul.programs.services.reviews import review_save, review_submit
from tests.companies.helpers import company_record
from tests.conftest import World
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


def scene(w: World, *, state: str = ApplicationState.SUBMITTED) -> dict[str, Any]:
    """A call of the operator in review; the world's company applied; the world's reviewer has
    an active assignment on it with a submitted review; one uploaded file."""
    call = Call.objects.create(
        title="AI 실증 지원사업",
        organizer=w.operator_org,
        budget=100_000_000,
        max_award=50_000_000,
        opens_at="2026-01-01T00:00:00Z",
        closes_at="2026-02-01T00:00:00Z",
        state=CallState.REVIEW,
    )
    stage = EvaluationStage.objects.create(call=call, name="서면평가")
    criterion = Criterion.objects.create(stage=stage, name="기술성", weight=100, max_score=10)
    FormField.objects.create(call=call, key="title", kind=FieldKind.SHORT_TEXT, label="과제명")
    FormField.objects.create(call=call, key="plan", kind=FieldKind.FILE, label="계획서 파일")
    application = Application.objects.create(
        call=call, company=company_record(w.company), state=state, title="과제"
    )
    revision = application.revisions.create(number=1, data={"title": "과제"})
    upload = ApplicationFile(
        application=application,
        revision=revision,
        field_key="plan",
        name="(주)빛고을에이아이 사업계획서.pdf",
        kind="pdf",
        size=4,
    )
    upload.file.save("plan", ContentFile(b"%PDF"), save=False)
    upload.save()
    reviewer = Reviewer.objects.create(user=w.reviewer)
    assignment = Assignment.objects.create(
        stage=stage, application=application, reviewer=reviewer, active=True
    )
    review = Review.objects.create(
        assignment=assignment, revision=revision, state="submitted", total=70.0
    )
    Score.objects.create(review=review, criterion=criterion, value=Decimal(7))
    return {
        "call": call,
        "application": application,
        "assignment": assignment,
        "review": review,
        "file": upload,
    }
