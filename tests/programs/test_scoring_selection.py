"""Selection runs: inputs from the scores, reasons, what-ifs, reproducibility and approval."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.audit.models import AuditEvent
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import ApplicationState, CallState, RunState
from bitgoeul.programs.models import Award, Call, SelectionDecision, SelectionRun
from bitgoeul.programs.services.selection import (
    SelectionError,
    SelectionSettings,
    inputs_hash,
    selection_approve,
    selection_inputs,
    selection_rerun,
    selection_solve,
    selection_start,
    selection_what_if,
)
from tests.conftest import World
from tests.factories import MembershipFactory
from tests.programs.factories import ApplicationFactory
from tests.programs.scoring_setup import call_in_review, panel

pytestmark = pytest.mark.django_db

MILLION = 1_000_000
MEAN = SelectionSettings(score_basis="mean")


def four_applications() -> tuple[Call, dict[str, Any]]:
    """Totals (one reviewer each, score × 10): A 90, B 80, C 70, D 60; amounts A 60M, B 60M,
    C 30M, D 30M; budget 100M, at most 60M per award."""
    call, stage, _ = call_in_review(budget=100 * MILLION, max_award=60 * MILLION)
    made = panel(
        call, stage, {"A": [("r1", 9)], "B": [("r1", 8)], "C": [("r2", 7)], "D": [("r2", 6)]}
    )
    for name, amount in {"A": 60, "B": 60, "C": 30, "D": 30}.items():
        application = made["applications"][name]
        application.requested_amount = amount * MILLION
        application.save()
    return call, made


def run_now(call: Call, actor: Any, settings: SelectionSettings, capture: Any) -> SelectionRun:
    with capture(execute=True):
        run = selection_start(call=call, actor=actor, settings=settings)
    return SelectionRun.objects.get(pk=run.pk)


def decisions(run: SelectionRun) -> dict[int, tuple[bool, str, int, int]]:
    return {
        d.application_id: (d.selected, d.reason, d.amount, d.rank)
        for d in SelectionDecision.objects.filter(run=run)
    }


def test_inputs_cap_the_amount_and_leave_out_the_unscored(world: World) -> None:
    call, made = four_applications()
    big = made["applications"]["A"]
    big.requested_amount = 90 * MILLION
    big.save()
    unscored = ApplicationFactory.create(call=call)
    inputs = selection_inputs(call=call, settings=SelectionSettings(score_basis="mean"))
    amounts = {c["id"]: c["amount"] for c in inputs["candidates"]}
    assert amounts[str(big.pk)] == 60 * MILLION  # capped at max_award
    assert inputs["unscored"] == [unscored.pk]
    assert sorted(c["score"] for c in inputs["candidates"]) == [60.0, 70.0, 80.0, 90.0]


def test_rank_run_reasons(world: World, django_capture_on_commit_callbacks: Any) -> None:
    call, made = four_applications()
    run = run_now(
        call,
        world.operator,
        SelectionSettings(score_basis="mean"),
        django_capture_on_commit_callbacks,
    )
    apps = made["applications"]
    assert run.state == RunState.PROPOSED
    # A fits (40M left), B (60M) does not though C below it is selected → budget;
    # C fits (10M left); D is below every selected one → below_line
    assert decisions(run) == {
        apps["A"].pk: (True, "selected", 60 * MILLION, 1),
        apps["B"].pk: (False, "budget", 60 * MILLION, 2),
        apps["C"].pk: (True, "selected", 30 * MILLION, 3),
        apps["D"].pk: (False, "below_line", 30 * MILLION, 4),
    }
    assert run.result["spent"] == 90 * MILLION
    assert run.result["inputs_sha256"] == inputs_hash(run.inputs)
    assert Job.objects.get(pk=str(run.job_id)).status == JobStatus.SUCCEEDED


def test_region_floor_gives_floor_reasons(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    call, made = four_applications()
    apps = made["applications"]
    for name in "ABC":
        apps[name].company.province = "seoul"
        apps[name].company.save()
    apps["D"].company.province = "gwangju"
    apps["D"].company.save()
    settings = SelectionSettings(score_basis="mean", floor_kind="region", floors={"gwangju": 0.3})
    run = run_now(call, world.operator, settings, django_capture_on_commit_callbacks)
    got = decisions(run)
    # Gwangju must reach 30M: D (30M) is taken first for the floor; then A (60M) fits, 10M left
    assert got[apps["D"].pk][:2] == (True, "floor")
    assert got[apps["A"].pk][:2] == (True, "selected")
    # C would have been selected without the floor
    assert got[apps["C"].pk][:2] == (False, "floor")


def test_rerun_from_saved_inputs_gives_the_identical_result(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    call, made = four_applications()
    settings = SelectionSettings(score_basis="mean", lottery_band=15.0, seed=7)
    run = run_now(call, world.operator, settings, django_capture_on_commit_callbacks)
    # the scores move afterwards: a rerun still reads the saved inputs
    apps = made["applications"]
    apps["D"].requested_amount = 1
    apps["D"].save()
    with django_capture_on_commit_callbacks(execute=True):
        again = selection_rerun(run=run, actor=world.operator)
    again = SelectionRun.objects.get(pk=again.pk)
    assert again.state == RunState.PROPOSED
    assert decisions(again) == decisions(run)
    assert again.result["inputs_sha256"] == run.result["inputs_sha256"]
    assert again.result["notes"] == run.result["notes"]


def test_same_inputs_and_seed_same_lottery_draw() -> None:
    inputs = {
        "policy": "rank",
        "budget": 100,
        "candidates": [
            {"id": str(i), "score": 70.0 + (i % 3) * 0.5, "amount": 20, "groups": []}
            for i in range(1, 13)
        ],
        "group_floors": {},
        "lottery": {"band": 2.0, "seed": 11},
    }
    first = selection_solve(inputs)
    second = selection_solve(inputs)
    chosen = sorted(d.application for d in first.decisions if d.selected)
    assert chosen == sorted(d.application for d in second.decisions if d.selected)
    assert [d.reason for d in first.decisions] == [d.reason for d in second.decisions]
    assert {str(d.reason) for d in first.decisions} == {"lottery"}


def test_what_if_budget_and_policy(world: World) -> None:
    call, made = four_applications()
    inputs = selection_inputs(call=call, settings=SelectionSettings(score_basis="mean"))
    apps = {k: str(v.pk) for k, v in made["applications"].items()}
    minus, plus, other = selection_what_if(inputs)
    assert (minus.budget, plus.budget, other.policy) == (90 * MILLION, 110 * MILLION, "optimal")
    # 90M: A (60M, 30M left), B (60M) no, C (30M, 0 left), D no → A, C.
    # 110M: A (50M left), B no, C (20M left), D (30M) no → A, C.
    # optimal at 100M, sums of scores that fit: A+C 160, A+D 150, B+C 150, B+D 140, C+D 130
    # → A, C.
    assert minus.selected == frozenset({apps["A"], apps["C"]})
    assert plus.selected == frozenset({apps["A"], apps["C"]})
    assert other.selected == frozenset({apps["A"], apps["C"]})
    assert SelectionRun.objects.count() == 0  # nothing stored


def test_approve_effects(world: World, django_capture_on_commit_callbacks: Any) -> None:
    call, made = four_applications()
    apps = made["applications"]
    members = {
        name: MembershipFactory.create(
            organization=apps[name].company.organization, role=MembershipRole.ADMIN
        ).user
        for name in "AB"
    }
    review = apps["A"].assignments.get().review
    review.comment_to_applicant = "실증 계획이 구체적입니다."
    review.save()
    run = run_now(
        call,
        world.operator,
        SelectionSettings(score_basis="mean"),
        django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        selection_approve(run=run, actor=world.operator)
    for application in apps.values():
        application.refresh_from_db()
    assert {n: a.state for n, a in apps.items()} == {
        "A": ApplicationState.SELECTED,
        "B": ApplicationState.NOT_SELECTED,
        "C": ApplicationState.SELECTED,
        "D": ApplicationState.NOT_SELECTED,
    }
    assert sorted(Award.objects.values_list("application_id", "amount")) == sorted(
        [(apps["A"].pk, 60 * MILLION), (apps["C"].pk, 30 * MILLION)]
    )
    call.refresh_from_db()
    run.refresh_from_db()
    assert (call.state, run.state) == (CallState.DELIVERY, RunState.APPROVED)
    event = AuditEvent.objects.get(action="selection_run.approve")
    assert event.after is not None
    assert (event.after["inputs_sha256"], event.after["seed"]) == (inputs_hash(run.inputs), 0)
    # the states move through the areas' own services, each audited once per change
    assert sorted(
        (e.object_id, e.after["state"])
        for e in AuditEvent.objects.filter(action="application.set_state")
        if e.after is not None
    ) == sorted(
        (str(a.pk), ApplicationState.SELECTED if n in "AC" else ApplicationState.NOT_SELECTED)
        for n, a in apps.items()
    )
    assert [
        e.after["state"]
        for e in AuditEvent.objects.filter(action="call.set_state").order_by("pk")
        if e.after is not None
    ] == [CallState.SELECTION, CallState.DELIVERY]
    notice = Notification.objects.get(recipient=members["A"], kind="programs.selection_result")
    assert notice.params["selected"] is True
    assert notice.params["comments"] == ["실증 계획이 구체적입니다."]
    assert notice.params["band"] == "top25"  # rank 1 of 4
    reviewer_names = {r.user.name for r in made["reviewers"].values()}
    bodies = " ".join(str(m.body) for m in mail.outbox)
    assert len(mail.outbox) == 2
    body_a = next(str(m.body) for m in mail.outbox if m.to == [members["A"].email])
    assert "실증 계획이 구체적입니다." in body_a
    assert "상위 25%" in body_a
    assert all(name not in bodies for name in reviewer_names)
    assert Notification.objects.get(recipient=members["B"]).params["selected"] is False


def test_approve_twice_is_refused(world: World, django_capture_on_commit_callbacks: Any) -> None:
    call, _ = four_applications()
    run = run_now(
        call,
        world.operator,
        SelectionSettings(score_basis="mean"),
        django_capture_on_commit_callbacks,
    )
    with transaction.atomic():
        selection_approve(run=run, actor=world.operator)
    with pytest.raises(SelectionError):
        selection_approve(run=run, actor=world.operator)
    assert Award.objects.count() == 2


def test_start_refuses_bad_settings(world: World) -> None:
    call, _ = four_applications()
    with pytest.raises(SelectionError):
        selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(policy="greedy")
        )
    with pytest.raises(SelectionError):
        selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(floors={"x": 1.5})
        )
    assert SelectionRun.objects.count() == 0


def test_chapter_floors_group_by_the_company_chapter(world: World) -> None:
    call, made = four_applications()
    company = made["applications"]["D"].company
    company.organization.parent = world.chapter
    company.organization.save()
    settings = SelectionSettings(
        score_basis="mean", floor_kind="chapter", floors={str(world.chapter.pk): 0.25}
    )
    inputs = selection_inputs(call=call, settings=settings)
    groups = {c["id"]: c["groups"] for c in inputs["candidates"]}
    assert groups[str(made["applications"]["D"].pk)] == [f"chapter:{world.chapter.pk}"]
    assert groups[str(made["applications"]["A"].pk)] == []
    assert inputs["group_floors"] == {f"chapter:{world.chapter.pk}": 0.25}


def test_a_review_by_a_reviewer_later_found_in_conflict_does_not_count(world: World) -> None:
    from bitgoeul.programs.enums import ConflictSource
    from bitgoeul.programs.models import Conflict
    from bitgoeul.programs.selectors import stage_aggregates

    call, stage, _ = call_in_review()
    made = panel(call, stage, {"A": [("r1", 9), ("r2", 5)]})
    application = made["applications"]["A"]
    assert stage_aggregates(stage)[application.pk].mean == pytest.approx(70.0)
    Conflict.objects.create(
        application=application, reviewer=made["reviewers"]["r2"], source=ConflictSource.STAFF
    )
    assert stage_aggregates(stage)[application.pk].mean == pytest.approx(90.0)


def test_floors_that_cannot_hold_fail_the_run(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    call, made = four_applications()
    apps = made["applications"]
    for name in "AB":  # two 60M applications in Gwangju; a 100% floor needs 100M of them
        apps[name].company.province = "gwangju"
        apps[name].company.save()
    settings = SelectionSettings(score_basis="mean", floor_kind="region", floors={"gwangju": 1.0})
    run = run_now(call, world.operator, settings, django_capture_on_commit_callbacks)
    assert run.state == RunState.FAILED
    assert "gwangju" in run.result["reason"]
    assert SelectionDecision.objects.filter(run=run).count() == 0
    # worded for people on the run page: the province's name and the amounts
    from bitgoeul.programs.scoring_present import failure_words

    assert failure_words(run.result) == (
        "최소 배정을 예산 안에서 채울 수 없습니다: 광주광역시 60,000,000원 / 목표 100,000,000원."
    )


def test_a_run_that_decided_nothing_cannot_be_approved(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    call, _, _ = call_in_review()
    ApplicationFactory.create(call=call)  # no review
    run = run_now(call, world.operator, MEAN, django_capture_on_commit_callbacks)
    assert (run.state, run.inputs["candidates"]) == (RunState.PROPOSED, [])
    with pytest.raises(SelectionError):
        selection_approve(run=run, actor=world.operator)
    call.refresh_from_db()
    assert call.state == CallState.REVIEW
