"""Factories for the programs app. They write rows directly (fixtures for tests of reads,
pages and solvers); tests of a write call the service itself."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.programs.enums import ApplicationState, CallState, FieldKind, FieldMeaning
from bitgoeul.programs.models import (
    Application,
    ApplicationRevision,
    Call,
    Criterion,
    EvaluationStage,
    FormField,
    Reviewer,
)
from tests.factories import CompanyRecordFactory, OrganizationFactory, ReviewerProfileFactory


class CallFactory(factory.django.DjangoModelFactory[Call]):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"AI 실증 지원사업 {n}차 공고")
    title_en = factory.Sequence(lambda n: f"AI demonstration support, call {n}")
    body = "광주 AI 기업의 실증을 지원합니다."
    organizer = factory.SubFactory(
        OrganizationFactory, name="광주광역시", kind=OrganizationKind.OPERATOR
    )
    budget = 500_000_000
    max_award = 100_000_000
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    state = CallState.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class StageFactory(factory.django.DjangoModelFactory[EvaluationStage]):
    class Meta:
        model = EvaluationStage

    call = factory.SubFactory(CallFactory)
    order = 1
    name = "서면평가"
    name_en = "Document review"
    reviewers_per_application = 3


class CriterionFactory(factory.django.DjangoModelFactory[Criterion]):
    class Meta:
        model = Criterion

    stage = factory.SubFactory(StageFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "기술성"
    name_en = "Technology"
    description = "기술의 독창성과 완성도"
    weight = 50
    max_score = 10


class FormFieldFactory(factory.django.DjangoModelFactory[FormField]):
    class Meta:
        model = FormField

    call = factory.SubFactory(CallFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"field{n}")
    kind = FieldKind.SHORT_TEXT
    meaning = FieldMeaning.NONE
    label = "항목"
    label_en = "Field"


def standard_form(call: Call) -> None:
    """The four fields with a meaning, as most calls have them."""
    FormFieldFactory(
        call=call,
        key="title",
        kind=FieldKind.SHORT_TEXT,
        meaning="title",
        label="과제명",
        label_en="Project title",
        required=True,
    )
    FormFieldFactory(
        call=call,
        key="summary",
        kind=FieldKind.LONG_TEXT,
        meaning="summary",
        label="요약",
        label_en="Summary",
        required=True,
    )
    FormFieldFactory(
        call=call,
        key="amount",
        kind=FieldKind.MONEY,
        meaning="requested_amount",
        label="신청 금액",
        label_en="Requested amount",
        required=True,
    )
    FormFieldFactory(
        call=call,
        key="keywords",
        kind=FieldKind.SHORT_TEXT,
        meaning="keywords",
        label="핵심어",
        label_en="Keywords",
    )


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    """A submitted application with one revision (state DRAFT: no revision)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    company = factory.LazyFunction(lambda: CompanyRecordFactory())
    state = ApplicationState.SUBMITTED
    title = factory.Sequence(lambda n: f"영상 인식 기반 실증 과제 {n}")
    summary = "딥러닝 영상 분석으로 도로 시설물을 점검합니다."
    requested_amount = 50_000_000
    keywords = factory.LazyFunction(lambda: ["컴퓨터 비전"])
    data = factory.LazyAttribute(
        lambda o: {
            "title": o.title,
            "summary": o.summary,
            "amount": o.requested_amount,
            "keywords": ", ".join(o.keywords),
        }
    )
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.state == ApplicationState.DRAFT else timezone.now()
    )

    @factory.post_generation
    def revision(obj: Application, create: bool, extracted: object, **kwargs: object) -> None:
        if create and obj.state != ApplicationState.DRAFT:
            ApplicationRevision.objects.create(
                application=obj,
                number=1,
                data=obj.data,
                title=obj.title,
                summary=obj.summary,
                requested_amount=obj.requested_amount,
                keywords=obj.keywords,
                submitted_at=obj.submitted_at or timezone.now(),
            )


class ReviewerFactory(factory.django.DjangoModelFactory[Reviewer]):
    """A reviewer in the pool (with the accounts role `ReviewerProfile`)."""

    class Meta:
        model = Reviewer
        skip_postgeneration_save = True

    user = factory.LazyFunction(lambda: ReviewerProfileFactory().user)
    max_load = 10
