"""Services of calls: checks of money and dates, the call's structure, state transitions,
publication completeness, and the audit trail ("before" from the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.programs.enums import CallState, EligibilityKind, FieldKind, RunState
from bitgoeul.programs.models import Call, Criterion, EvaluationStage, FormField, SelectionRun
from bitgoeul.programs.services import call_forms, call_stages
from bitgoeul.programs.services import calls as services
from tests.conftest import World
from tests.programs.calls_helpers import NOW, complete_draft, seoul
from tests.programs.factories import CallFactory, CriterionFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English, as written below (one test reads them in Korean)."""
    with translation.override("en"):
        yield


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()  # type: ignore[return-value]


def _create(world: World, **kwargs: Any) -> Call:
    values: dict[str, Any] = {
        "actor": world.operator,
        "organizer": world.operator_org,
        "title": "2027 AI 실증 지원사업",
        "budget": 500_000_000,
        "max_award": 100_000_000,
        "opens_at": seoul(2027, 1, 5, 9),
        "closes_at": seoul(2027, 1, 31, 18),
        **kwargs,
    }
    return services.call_create(**values)


# --- create and update -------------------------------------------------------------------------


def test_call_create_makes_a_draft_and_audits_it(world: World) -> None:
    call = _create(world, co_organizers=[world.chapter, world.operator_org])
    assert (call.state, call.created_by, call.budget) == (
        CallState.DRAFT,
        world.operator,
        500_000_000,
    )
    # the organiser is not its own co-organiser
    assert list(call.co_organizers.values_list("pk", flat=True)) == [world.chapter.pk]
    event = _event("call.create")
    after = event.after or {}
    assert (event.object_id, after["co_organizers"], after["budget"]) == (
        str(call.pk),
        [world.chapter.pk],
        500_000_000,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget", 500_000_000.0, "Enter a whole number of won, without decimals."),
        ("budget", 1.5e8, "Enter a whole number of won, without decimals."),
        ("budget", True, "Enter a whole number of won, without decimals."),
        ("budget", "500000000", "Enter a whole number of won, without decimals."),
        ("budget", -1, "An amount cannot be negative."),
        ("max_award", -100, "An amount cannot be negative."),
    ],
)
def test_call_create_refuses_money_that_is_not_whole_won(
    world: World, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, **{field: value})
    assert caught.value.message_dict == {field: [message]}
    assert Call.objects.count() == 0


def test_call_create_refuses_naive_times(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, opens_at=dt.datetime(2027, 1, 5, 9))  # what is refused
    assert caught.value.message_dict == {"opens_at": ["Enter a date and time."]}


def test_call_create_refuses_a_company_as_organiser_or_co_organiser(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(world, organizer=world.company)
    assert caught.value.message_dict == {"organizer": ["A company cannot organise a call."]}
    with pytest.raises(ValidationError) as caught:
        _create(world, co_organizers=[world.company])
    assert list(caught.value.message_dict) == ["co_organizers"]


def test_call_update_audits_only_what_changed_with_before_from_the_database(world: World) -> None:
    call = _create(world)
    stale = Call.objects.get(pk=call.pk)
    stale.budget = 1  # an instance changed in memory (as a ModelForm would) must not be "before"
    services.call_update(call=stale, actor=world.operator, budget=600_000_000, title=call.title)
    event = _event("call.update")
    assert (event.before, event.after) == ({"budget": 500_000_000}, {"budget": 600_000_000})
    assert Call.objects.get(pk=call.pk).budget == 600_000_000


def test_call_update_with_nothing_changed_writes_nothing(world: World) -> None:
    call = _create(world)
    services.call_update(call=call, actor=world.operator, title=call.title)
    assert AuditEvent.objects.filter(action="call.update").count() == 0


def test_call_update_of_co_organisers_is_audited_as_ids(world: World) -> None:
    call = _create(world)
    services.call_update(call=call, actor=world.operator, co_organizers=[world.chapter])
    event = _event("call.update")
    assert (event.before, event.after) == (
        {"co_organizers": []},
        {"co_organizers": [world.chapter.pk]},
    )


def test_call_update_of_a_published_call_keeps_it_valid(world: World) -> None:
    call = complete_draft(world.operator_org)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.call_update(call=call, actor=world.operator, max_award=call.budget + 1)
    assert caught.value.message_dict == {
        "max_award": ["The maximum per award is larger than the budget."]
    }
    with pytest.raises(ValidationError) as caught:
        services.call_update(call=call, actor=world.operator, closes_at=call.opens_at)
    assert caught.value.message_dict == {
        "closes_at": ["The closing time must be after the opening time."]
    }


def test_call_update_of_a_draft_may_be_incomplete(world: World) -> None:
    call = _create(world)
    services.call_update(call=call, actor=world.operator, max_award=call.budget + 1)
    assert Call.objects.get(pk=call.pk).max_award == call.budget + 1


def test_call_update_is_refused_once_review_started(world: World) -> None:
    call = CallFactory.create(state=CallState.REVIEW)
    with pytest.raises(ValidationError) as caught:
        services.call_update(call=call, actor=world.operator, title="새 제목")
    assert caught.value.messages == [
        "This call is In review: this part of it can no longer change."
    ]


# --- transitions and publication ---------------------------------------------------------------


def test_publishing_a_complete_call_records_the_time_and_audits(world: World) -> None:
    call = complete_draft(world.operator_org)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    assert (call.state, call.published_at) == (CallState.PUBLISHED, NOW)
    event = _event("call.set_state")
    assert (event.before, event.after) == ({"state": "draft"}, {"state": "published"})


def test_call_publish_problems_lists_everything_missing(world: World) -> None:
    call = CallFactory.create(
        organizer=world.operator_org,
        state=CallState.DRAFT,
        budget=100,
        max_award=200,
        opens_at=NOW,
        closes_at=NOW - dt.timedelta(seconds=1),
    )
    assert services.call_publish_problems(call, now=NOW) == [
        "The maximum per award is larger than the budget.",
        "The closing time must be after the opening time.",
        "Add at least one evaluation stage.",
        "Add at least one field to the application form.",
    ]


def test_call_publish_problems_names_each_stage_whose_weights_are_not_100(world: World) -> None:
    call = complete_draft(world.operator_org)
    second = StageFactory.create(call=call, order=2, name="발표평가")
    CriterionFactory.create(stage=second, weight=30)
    CriterionFactory.create(stage=second, weight=30)
    StageFactory.create(call=call, order=3, name="현장평가")
    assert services.call_publish_problems(call, now=NOW) == [
        "The weights of the stage “발표평가” add up to 60%; they must add up to 100%.",
        "Add at least one criterion to the stage “현장평가”.",
    ]


def test_publishing_an_incomplete_call_is_refused_with_what_is_missing(world: World) -> None:
    call = complete_draft(world.operator_org, closes_at=NOW)  # closes at the very second
    with pytest.raises(services.CallIncomplete) as caught:
        services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    assert caught.value.messages == ["The closing time has already passed."]
    assert Call.objects.get(pk=call.pk).state == CallState.DRAFT
    assert AuditEvent.objects.filter(action="call.set_state").count() == 0


def test_publish_problems_are_translated(world: World) -> None:
    call = CallFactory.create(organizer=world.operator_org, state=CallState.DRAFT)
    with translation.override("ko"):
        problems = services.call_publish_problems(call, now=NOW)
    assert problems == [
        "평가 단계를 하나 이상 추가해 주세요.",
        "신청서 양식에 항목을 하나 이상 추가해 주세요.",
    ]


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (CallState.DRAFT, CallState.REVIEW),
        (CallState.PUBLISHED, CallState.DRAFT),
        (CallState.PUBLISHED, CallState.SELECTION),
        (CallState.REVIEW, CallState.PUBLISHED),
        (CallState.CLOSED, CallState.DELIVERY),
        (CallState.DELIVERY, CallState.DELIVERY),
    ],
)
def test_call_set_state_refuses_moves_not_in_the_table(
    world: World, current: str, wanted: str
) -> None:
    call = CallFactory.create(state=current, closes_at=NOW - dt.timedelta(days=1))
    with pytest.raises(services.IllegalTransition):
        services.call_set_state(call=call, state=wanted, actor=world.operator, now=NOW)
    assert Call.objects.get(pk=call.pk).state == current


def test_delivery_waits_for_an_approved_selection_run(world: World) -> None:
    call = complete_draft(world.operator_org)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    for state in (CallState.REVIEW, CallState.SELECTION):
        services.call_set_state(call=call, state=state, actor=world.operator, now=call.closes_at)
    SelectionRun.objects.create(
        call=call, policy="rank", budget=call.budget, state=RunState.PROPOSED
    )
    with pytest.raises(ValidationError) as caught:
        services.call_set_state(
            call=call, state=CallState.DELIVERY, actor=world.operator, now=call.closes_at
        )
    assert [e.code for e in caught.value.error_list] == ["no_selection"]
    assert Call.objects.get(pk=call.pk).state == CallState.SELECTION


def test_call_walks_every_state_in_order(world: World) -> None:
    call = complete_draft(world.operator_org)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    after_close = call.closes_at
    for state in (CallState.REVIEW, CallState.SELECTION):
        services.call_set_state(call=call, state=state, actor=world.operator, now=after_close)
    # delivery needs an approved selection run (what `selection_approve` leaves before it
    # moves the call)
    SelectionRun.objects.create(
        call=call, policy="rank", budget=call.budget, state=RunState.APPROVED
    )
    for state in (CallState.DELIVERY, CallState.CLOSED):
        services.call_set_state(call=call, state=state, actor=world.operator, now=after_close)
    assert Call.objects.get(pk=call.pk).state == CallState.CLOSED
    assert [
        (e.after or {})["state"]
        for e in AuditEvent.objects.filter(action="call.set_state").order_by("id")
    ] == [
        "published",
        "review",
        "selection",
        "delivery",
        "closed",
    ]


def test_review_starts_only_after_the_closing_second(world: World) -> None:
    call = CallFactory.create(state=CallState.PUBLISHED, closes_at=NOW)
    with pytest.raises(ValidationError) as caught:
        services.call_set_state(
            call=call,
            state=CallState.REVIEW,
            actor=world.operator,
            now=NOW - dt.timedelta(seconds=1),
        )
    assert caught.value.messages == [
        "Applications are still open: review starts after the closing time."
    ]
    services.call_set_state(call=call, state=CallState.REVIEW, actor=world.operator, now=NOW)
    assert call.state == CallState.REVIEW


def test_a_stale_instance_cannot_publish_twice(world: World) -> None:
    call = complete_draft(world.operator_org)
    stale = Call.objects.get(pk=call.pk)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    with pytest.raises(services.IllegalTransition):
        services.call_set_state(
            call=stale, state=CallState.PUBLISHED, actor=world.operator, now=NOW
        )


# --- stages and criteria -----------------------------------------------------------------------


def test_stages_are_added_last_updated_reordered_and_deleted(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    first = call_stages.stage_create(call=call, actor=world.operator, name="서면평가")
    second = call_stages.stage_create(
        call=call, actor=world.operator, name="발표평가", reviewers_per_application=5
    )
    assert [(s.name, s.order) for s in call.stages.all()] == [("서면평가", 1), ("발표평가", 2)]
    call_stages.stage_reorder(call=call, actor=world.operator, stage_ids=[second.pk, first.pk])
    assert [(s.name, s.order) for s in call.stages.all()] == [("발표평가", 1), ("서면평가", 2)]
    assert (_event("call.stage_reorder").before, _event("call.stage_reorder").after) == (
        {"order": [first.pk, second.pk]},
        {"order": [second.pk, first.pk]},
    )
    call_stages.stage_update(stage=first, actor=world.operator, reviewers_per_application=4)
    event = _event("call.stage_update")
    assert (event.before, event.after) == (
        {"stage": first.pk, "reviewers_per_application": 3},
        {"stage": first.pk, "reviewers_per_application": 4},
    )
    call_stages.stage_delete(stage=second, actor=world.operator)
    assert list(call.stages.values_list("name", flat=True)) == ["서면평가"]
    assert _event("call.stage_delete").before == {
        "stage": second.pk,
        "name": "발표평가",
        "order": 1,
    }


def test_stage_reorder_must_list_each_stage_once(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    stage = call_stages.stage_create(call=call, actor=world.operator, name="서면평가")
    call_stages.stage_create(call=call, actor=world.operator, name="발표평가")
    with pytest.raises(ValidationError):
        call_stages.stage_reorder(call=call, actor=world.operator, stage_ids=[stage.pk, stage.pk])


def test_stage_checks_reviewers_per_application(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    with pytest.raises(ValidationError) as caught:
        call_stages.stage_create(
            call=call, actor=world.operator, name="서면평가", reviewers_per_application=0
        )
    assert caught.value.message_dict == {
        "reviewers_per_application": ["Enter a whole number from 1 to 50."]
    }


def test_a_stage_of_a_call_in_review_may_change_its_due_date_but_not_go(world: World) -> None:
    call = CallFactory.create(state=CallState.REVIEW)
    stage = StageFactory.create(call=call)
    call_stages.stage_update(stage=stage, actor=world.operator, review_due_at=NOW)
    assert EvaluationStage.objects.get(pk=stage.pk).review_due_at == NOW
    with pytest.raises(ValidationError):
        call_stages.stage_delete(stage=stage, actor=world.operator)


def test_criteria_are_checked_reordered_and_frozen_in_review(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    stage = StageFactory.create(call=call)
    a = call_stages.criterion_create(stage=stage, actor=world.operator, name="기술성", weight=70)
    b = call_stages.criterion_create(
        stage=stage, actor=world.operator, name="사업성", weight=30, max_score=5
    )
    assert [(c.name, c.order) for c in stage.criteria.all()] == [("기술성", 1), ("사업성", 2)]
    with pytest.raises(ValidationError) as caught:
        call_stages.criterion_create(stage=stage, actor=world.operator, name="x", weight=0)
    assert caught.value.message_dict == {"weight": ["Enter a whole number from 1 to 100."]}
    call_stages.criterion_reorder(stage=stage, actor=world.operator, criterion_ids=[b.pk, a.pk])
    assert list(stage.criteria.values_list("name", flat=True)) == ["사업성", "기술성"]
    call_stages.criterion_update(criterion=a, actor=world.operator, weight=60)
    event = _event("call.criterion_update")
    assert (event.before, event.after) == (
        {"criterion": a.pk, "weight": 70},
        {"criterion": a.pk, "weight": 60},
    )
    Call.objects.filter(pk=call.pk).update(state=CallState.REVIEW)
    with pytest.raises(ValidationError):
        call_stages.criterion_update(criterion=a, actor=world.operator, weight=70)
    services_delete = pytest.raises(ValidationError)
    with services_delete:
        call_stages.criterion_delete(criterion=b, actor=world.operator)
    assert Criterion.objects.filter(stage=stage).count() == 2


# --- eligibility rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "stored"),
    [
        (
            EligibilityKind.REGION,
            {"provinces": ["광주", "jeonnam"]},
            {"provinces": ["gwangju", "jeonnam"]},
        ),
        (EligibilityKind.MAX_AGE_YEARS, {"years": 7}, {"years": 7}),
        (EligibilityKind.MIN_EMPLOYEES, {"count": "5"}, {"count": 5}),
        (EligibilityKind.MAX_EMPLOYEES, {"count": 300}, {"count": 300}),
        (
            EligibilityKind.CERTIFICATION,
            {"kinds": ["venture", "tips"]},
            {"kinds": ["tips", "venture"]},
        ),
        (EligibilityKind.NO_AWARD_SINCE, {"years": 3}, {"years": 3}),
    ],
)
def test_each_kind_of_rule_is_stored_in_its_shape(
    world: World, kind: str, params: dict[str, Any], stored: dict[str, Any]
) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    rule = call_forms.eligibility_rule_create(
        call=call, actor=world.operator, kind=kind, params=params
    )
    assert rule.params == stored
    assert _event("call.rule_create").after == {"rule": rule.pk, "kind": kind, "params": stored}


def test_chapter_rule_takes_chapters_only(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    rule = call_forms.eligibility_rule_create(
        call=call,
        actor=world.operator,
        kind=EligibilityKind.CHAPTER,
        params={"chapters": [world.chapter.pk]},
    )
    assert rule.params == {"chapters": [world.chapter.pk]}
    with pytest.raises(ValidationError) as caught:
        call_forms.eligibility_rule_create(
            call=call,
            actor=world.operator,
            kind=EligibilityKind.CHAPTER,
            params={"chapters": [world.company.pk]},
        )
    assert caught.value.message_dict == {"params": ["Choose chapters from the list."]}


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        (EligibilityKind.REGION, {"provinces": ["화성"]}, "“화성” is not a province."),
        (EligibilityKind.REGION, {"provinces": []}, "Choose at least one."),
        (EligibilityKind.MAX_AGE_YEARS, {"years": 0}, "Enter a whole number of at least 1."),
        (EligibilityKind.MIN_EMPLOYEES, {"count": -1}, "Enter a whole number of at least 0."),
        (EligibilityKind.MIN_EMPLOYEES, {"count": 2.5}, "Enter a whole number of at least 0."),
        (
            EligibilityKind.CERTIFICATION,
            {"kinds": ["iso9001"]},
            "Choose certifications from the list.",
        ),
        (EligibilityKind.NO_AWARD_SINCE, {}, "Enter a whole number of at least 1."),
    ],
)
def test_rule_params_are_checked(
    world: World, kind: str, params: dict[str, Any], message: str
) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    with pytest.raises(ValidationError) as caught:
        call_forms.eligibility_rule_create(
            call=call, actor=world.operator, kind=kind, params=params
        )
    assert caught.value.message_dict == {"params": [message]}


def test_rules_update_delete_and_freeze_once_published(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    rule = call_forms.eligibility_rule_create(
        call=call, actor=world.operator, kind=EligibilityKind.MAX_AGE_YEARS, params={"years": 7}
    )
    call_forms.eligibility_rule_update(rule=rule, actor=world.operator, params={"years": 5})
    event = _event("call.rule_update")
    assert (event.before, event.after) == (
        {"rule": rule.pk, "params": {"years": 7}},
        {"rule": rule.pk, "params": {"years": 5}},
    )
    Call.objects.filter(pk=call.pk).update(state=CallState.PUBLISHED)
    with pytest.raises(ValidationError):
        call_forms.eligibility_rule_delete(rule=rule, actor=world.operator)
    Call.objects.filter(pk=call.pk).update(state=CallState.DRAFT)
    call_forms.eligibility_rule_delete(rule=rule, actor=world.operator)
    assert call.eligibility_rules.count() == 0


# --- form fields -------------------------------------------------------------------------------


def test_form_fields_of_each_kind(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    for kind in FieldKind.values:
        extra: dict[str, Any] = {}
        if kind == FieldKind.CHOICE:
            extra["options"] = [{"value": "a", "label": "가", "label_en": "A"}]
        if kind == FieldKind.ROWS:
            extra["columns"] = [
                {"key": "item", "label": "항목", "label_en": "Item", "kind": "money"}
            ]
        call_forms.form_field_create(
            call=call, actor=world.operator, key=kind, kind=kind, label=kind, **extra
        )
    assert list(call.form_fields.values_list("kind", flat=True)) == FieldKind.values
    assert call.form_fields.get(kind=FieldKind.SHORT_TEXT).options == []


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"kind": FieldKind.CHOICE},
            {"options": ["A choice needs options, each with a value and a label."]},
        ),
        (
            {
                "kind": FieldKind.CHOICE,
                "options": [{"value": "a", "label": "가"}, {"value": "a", "label": "나"}],
            },
            {"options": ["Two options have the same value."]},
        ),
        (
            {"kind": FieldKind.ROWS, "columns": [{"key": "x", "label": "X", "kind": "file"}]},
            {
                "columns": [
                    "A table needs columns, each with a key, a label and a kind "
                    "(short text, number, amount or date)."
                ]
            },
        ),
        (
            {"kind": FieldKind.NUMBER, "meaning": "requested_amount"},
            {"meaning": ["A field with this meaning must be of one of these kinds: Amount (KRW)."]},
        ),
        (
            {"kind": FieldKind.SHORT_TEXT, "key": "!!"},
            {"key": ["Give the field a short key in Latin letters, e.g. team_size."]},
        ),
    ],
)
def test_form_field_checks(
    world: World, values: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    with pytest.raises(ValidationError) as caught:
        call_forms.form_field_create(
            call=call, actor=world.operator, **{"key": "q1", "label": "질문", **values}
        )
    assert caught.value.message_dict == errors


def test_form_field_key_and_meaning_are_unique_per_call(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    call_forms.form_field_create(
        call=call,
        actor=world.operator,
        key="title",
        kind="short_text",
        label="과제명",
        meaning="title",
    )
    with pytest.raises(ValidationError) as caught:
        call_forms.form_field_create(
            call=call, actor=world.operator, key="title", kind="short_text", label="x"
        )
    assert caught.value.message_dict == {"key": ["Another field of this form has this key."]}
    with pytest.raises(ValidationError) as caught:
        call_forms.form_field_create(
            call=call,
            actor=world.operator,
            key="name",
            kind="short_text",
            label="x",
            meaning="title",
        )
    assert caught.value.message_dict == {
        "meaning": ["Another field of this form has this meaning."]
    }


def test_form_field_update_reorder_delete(world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT)
    a = call_forms.form_field_create(
        call=call, actor=world.operator, key="a", kind="short_text", label="가"
    )
    b = call_forms.form_field_create(
        call=call, actor=world.operator, key="b", kind="number", label="나"
    )
    call_forms.form_field_update(field=a, actor=world.operator, required=True, label="가나")
    event = _event("call.field_update")
    assert (event.before, event.after) == (
        {"field": a.pk, "label": "가", "required": False},
        {"field": a.pk, "label": "가나", "required": True},
    )
    call_forms.form_field_reorder(call=call, actor=world.operator, field_ids=[b.pk, a.pk])
    assert list(call.form_fields.values_list("key", flat=True)) == ["b", "a"]
    call_forms.form_field_delete(field=b, actor=world.operator)
    assert list(FormField.objects.filter(call=call).values_list("key", flat=True)) == ["a"]
    Call.objects.filter(pk=call.pk).update(state=CallState.PUBLISHED)
    with pytest.raises(ValidationError):
        call_forms.form_field_update(field=a, actor=world.operator, label="바뀐 질문")


def test_published_weights_cannot_stop_adding_up_to_100(world: World) -> None:
    """Publishing checked the weights; a criterion changed afterwards could break that."""
    call = complete_draft(world.operator_org)
    services.call_set_state(call=call, state=CallState.PUBLISHED, actor=world.operator, now=NOW)
    criterion = Criterion.objects.filter(stage__call=call).first()
    assert criterion is not None
    with pytest.raises(ValidationError):
        call_stages.criterion_update(criterion=criterion, actor=world.operator, weight=10)
    with pytest.raises(ValidationError):
        call_stages.stage_create(call=call, actor=world.operator, name="발표평가")
    assert [c.weight for c in Criterion.objects.filter(stage__call=call)] == [60, 40]


@pytest.mark.parametrize("role", ["anonymous", "owner", "teammate", "chapter_staff", "operator"])
def test_may_staff_calls_is_false_only_where_no_call_can_be_staffed(
    world: World, role: str
) -> None:
    """The homes skip the calls section on `may_staff_calls` alone: it must never hide a call
    that `calls_staffed_by` would find."""
    from bitgoeul.programs import access

    CallFactory.create(organizer=world.chapter)
    CallFactory.create(organizer=world.company)  # a company organises none in practice
    user = world.user(role)
    staffed = Call.objects.filter(access.calls_staffed_by(user)).count()
    expected = {"anonymous": 0, "owner": 0, "teammate": 0, "chapter_staff": 1, "operator": 2}
    assert (access.may_staff_calls(user), staffed) == (
        role in {"chapter_staff", "operator"},
        expected[role],
    )
