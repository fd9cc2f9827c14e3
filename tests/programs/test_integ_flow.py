"""The seams between the programs areas: a call walked from PUBLISHED to DELIVERY through each
area's own services (calls → applications → review → scoring → awards), the call's state
refusing what it does not allow, the links each role follows from step to step, and the
conflict staff record by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.programs.enums import (
    ApplicationState,
    AwardState,
    CallState,
    ConflictSource,
    RunState,
)
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Award,
    Call,
    Conflict,
    EvaluationStage,
    SelectionRun,
)
from bitgoeul.programs.services.assignment import (
    RunError,
    assignment_run_deploy,
    assignment_run_start,
)
from bitgoeul.programs.services.calls import call_set_state
from bitgoeul.programs.services.selection import (
    SelectionSettings,
    selection_approve,
    selection_start,
)
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
from tests.programs.scoring_setup import scored

pytestmark = pytest.mark.django_db
MILLION = 1_000_000


def closed_call(world: World) -> tuple[Call, EvaluationStage, dict[str, Application]]:
    """A published call of the operator whose applications closed yesterday: one stage (one
    reviewer per application), two applications — the world's company (60M) and another
    (30M) — and two reviewers in the pool."""
    now = timezone.now()
    call = CallFactory.create(
        organizer=world.operator_org,
        state=CallState.PUBLISHED,
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=1),
        budget=70 * MILLION,
        max_award=60 * MILLION,
    )
    standard_form(call)
    stage = StageFactory.create(call=call, reviewers_per_application=1)
    CriterionFactory.create(stage=stage, order=1, name="기술성", weight=60, max_score=10)
    CriterionFactory.create(stage=stage, order=2, name="사업성", weight=40, max_score=5)
    applications = {
        "ours": ApplicationFactory.create(
            call=call, company=company_record(world.company), requested_amount=60 * MILLION
        ),
        "theirs": ApplicationFactory.create(call=call, requested_amount=30 * MILLION),
    }
    for _ in range(2):
        ReviewerFactory.create(max_load=5)
    return call, stage, applications


def assign_and_score(
    world: World, stage: EvaluationStage, capture: Any, marks: dict[int, int]
) -> AssignmentRun:
    """An assignment run through the review area's services (start → job → deploy), then one
    submitted review per application with 기술성 = marks[application id]."""
    with capture(execute=True):
        run = assignment_run_start(
            stage=stage, actor=world.operator, policy="total", min_load=0, max_load=2
        )
    run = AssignmentRun.objects.get(pk=run.pk)
    assert run.state == RunState.PROPOSED
    with capture(execute=True), transaction.atomic():
        assignment_run_deploy(run=run, actor=world.operator)
    for assignment in Assignment.objects.filter(stage=stage, active=True):
        mark = marks[assignment.application_id]
        scored(assignment, [Decimal(mark), Decimal(mark) / 2])
    return run


def test_a_call_walks_from_published_to_delivery_through_each_areas_services(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    call, stage, apps = closed_call(world)
    # published: reviewers are not assigned yet (applications may still be coming in)
    with pytest.raises(RunError):
        assignment_run_start(
            stage=stage, actor=world.operator, policy="total", min_load=0, max_load=2
        )
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    assign_and_score(world, stage, capture, {apps["ours"].pk: 9, apps["theirs"].pk: 5})
    # staff end the reviewing on the call's page; assignment is then refused
    call_set_state(call=call, state=CallState.SELECTION, actor=world.operator)
    with pytest.raises(RunError):
        assignment_run_start(
            stage=stage, actor=world.operator, policy="total", min_load=0, max_load=2
        )
    # delivery comes only with an approved selection
    with pytest.raises(ValidationError):
        call_set_state(call=call, state=CallState.DELIVERY, actor=world.operator)
    with capture(execute=True):
        run = selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(score_basis="mean")
        )
    run = SelectionRun.objects.get(pk=run.pk)
    assert run.state == RunState.PROPOSED
    with capture(execute=True), transaction.atomic():
        selection_approve(run=run, actor=world.operator)

    call.refresh_from_db()
    assert call.state == CallState.DELIVERY
    # budget 70M: ours (90 points, 60M) is selected, theirs (30M) no longer fits
    assert {name: Application.objects.get(pk=a.pk).state for name, a in apps.items()} == {
        "ours": ApplicationState.SELECTED,
        "theirs": ApplicationState.NOT_SELECTED,
    }
    # the awards area's assumption: one award per selected application, waiting for agreement
    assert list(Award.objects.values_list("application_id", "amount", "state")) == [
        (apps["ours"].pk, 60 * MILLION, AwardState.AGREEMENT)
    ]
    # each state change audited once, by the service of the area that owns the row
    assert [
        (e.after or {})["state"]
        for e in AuditEvent.objects.filter(action="call.set_state").order_by("pk")
    ] == [CallState.REVIEW, CallState.SELECTION, CallState.DELIVERY]
    assert sorted(
        (e.object_id, (e.after or {})["state"])
        for e in AuditEvent.objects.filter(action="application.set_state")
    ) == sorted(
        [
            (str(apps["ours"].pk), ApplicationState.SELECTED),
            (str(apps["theirs"].pk), ApplicationState.NOT_SELECTED),
        ]
    )
    assert AuditEvent.objects.filter(action="selection_run.approve").count() == 1


def test_approving_a_run_of_a_call_still_in_review_passes_through_selection(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    call, stage, apps = closed_call(world)
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    assign_and_score(world, stage, capture, {apps["ours"].pk: 9, apps["theirs"].pk: 5})
    with capture(execute=True):
        run = selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(score_basis="mean")
        )
    with capture(execute=True), transaction.atomic():
        selection_approve(run=SelectionRun.objects.get(pk=run.pk), actor=world.operator)
    assert [
        ((e.before or {})["state"], (e.after or {})["state"])
        for e in AuditEvent.objects.filter(action="call.set_state").order_by("pk")
    ] == [
        (CallState.PUBLISHED, CallState.REVIEW),
        (CallState.REVIEW, CallState.SELECTION),
        (CallState.SELECTION, CallState.DELIVERY),
    ]


def _links(page: str) -> set[str]:
    return {part.split('"', 1)[0] for part in page.split('href="')[1:]}


def test_the_call_page_leads_staff_to_every_step_in_order(world: World, client: Client) -> None:
    call, stage, apps = closed_call(world)
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    call_set_state(call=call, state=CallState.SELECTION, actor=world.operator)
    client.force_login(world.operator)
    page = client.get(reverse("programs:call_manage", args=[call.pk])).content.decode()
    steps = [
        reverse("programs:call_applications", args=[call.pk]),
        reverse("programs:call_conflicts", args=[call.pk]),
        reverse("programs:stage_assignment", args=[stage.pk]),
        reverse("programs:score_table", args=[call.pk]),
        reverse("programs:selection", args=[call.pk]),
        reverse("programs:call_awards", args=[call.pk]),
    ]
    positions = [page.find(f'href="{url}"') for url in steps]
    assert -1 not in positions and positions == sorted(positions)
    # the step the call is at, and no "move to delivery" button: approval does that
    assert f'<li aria-current="step"><a href="{steps[4]}"' in page
    assert 'value="delivery"' not in page
    # with its count: both applications were submitted
    applications_item = page[page.find(f'href="{steps[0]}"') :].split("</li>", 1)[0]
    assert applications_item.endswith(f"</a> ({len(apps)})")


def test_each_staff_step_leads_back_to_the_call_page(world: World, client: Client) -> None:
    call, stage, _apps = closed_call(world)
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    client.force_login(world.operator)
    back = reverse("programs:call_manage", args=[call.pk])
    pages = [
        reverse("programs:call_applications", args=[call.pk]),
        reverse("programs:call_conflicts", args=[call.pk]),
        reverse("programs:stage_assignment", args=[stage.pk]),
        reverse("programs:score_table", args=[call.pk]),
        reverse("programs:selection", args=[call.pk]),
        reverse("programs:call_awards", args=[call.pk]),
    ]
    missing = [url for url in pages if back not in _links(client.get(url).content.decode())]
    assert missing == []


def test_my_applications_link_to_the_result_and_the_award(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    call, stage, apps = closed_call(world)
    ours = apps["ours"]
    client.force_login(world.owner)
    mine = reverse("programs:my_applications")
    result = reverse("programs:application_result", args=[ours.pk])
    assert result not in _links(client.get(mine).content.decode())
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    assign_and_score(world, stage, capture, {ours.pk: 9, apps["theirs"].pk: 5})
    with capture(execute=True):
        run = selection_start(
            call=call, actor=world.operator, settings=SelectionSettings(score_basis="mean")
        )
    with capture(execute=True), transaction.atomic():
        selection_approve(run=SelectionRun.objects.get(pk=run.pk), actor=world.operator)
    award = Award.objects.get(application=ours)
    links = _links(client.get(mine).content.decode())
    assert {result, reverse("programs:award_detail", args=[award.pk])} <= links
    assert client.get(result).status_code == 200


def test_the_reviewers_home_leads_to_declarations_and_scoring(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from bitgoeul.programs.models import Reviewer

    call, stage, apps = closed_call(world)
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    reviewer = Reviewer.objects.create(user=world.reviewer)
    Assignment.objects.create(stage=stage, application=apps["ours"], reviewer=reviewer, active=True)
    client.force_login(world.reviewer)
    links = _links(client.get("/").content.decode())
    assert {reverse("programs:review_declarations"), reverse("programs:my_reviews")} <= links


def test_staff_record_a_conflict_by_hand(world: World, client: Client) -> None:
    call, stage, apps = closed_call(world)
    call_set_state(call=call, state=CallState.REVIEW, actor=world.operator)
    reviewer = ReviewerFactory.create()
    assignment = Assignment.objects.create(
        stage=stage, application=apps["ours"], reviewer=reviewer, active=True
    )
    client.force_login(world.operator)
    url = reverse("programs:call_conflicts", args=[call.pk])
    form = {
        "action": "record",
        "record-application": apps["ours"].pk,
        "record-reviewer": reviewer.pk,
        "record-note": "전화로 알려 온 자문 관계",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    conflict = Conflict.objects.get(application=apps["ours"], reviewer=reviewer)
    assert (conflict.source, conflict.detail, conflict.created_by) == (
        ConflictSource.STAFF,
        "전화로 알려 온 자문 관계",
        world.operator,
    )
    assignment.refresh_from_db()
    assert assignment.active is False
    event = AuditEvent.objects.get(action="conflict.record")
    assert (event.object_id, (event.after or {})["assignments_deactivated"]) == (
        str(apps["ours"].pk),
        [assignment.pk],
    )
    # the same pair again: refused on the form, nothing more written
    again = client.post(url, form)
    assert again.status_code == 200
    assert Conflict.objects.filter(source=ConflictSource.STAFF).count() == 1
    # only call staff reach the form
    client.force_login(world.reviewer)
    assert client.post(url, form).status_code in (403, 404)
