"""Assignment runs: start → background job → proposal → manual edits with warnings → deploy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.presenting import job_present
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import CallState, ConflictSource, RunState, TieKind
from bitgoeul.programs.jobs import _phase_text
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Conflict,
    EvaluationStage,
    Reviewer,
)
from bitgoeul.programs.services.assignment import (
    RunError,
    assignment_add,
    assignment_move,
    assignment_remove,
    assignment_run_deploy,
    run_warnings,
)
from bitgoeul.programs.services.reviewers import reviewer_tie_add
from tests.conftest import World
from tests.programs.factories import ApplicationFactory, ReviewerFactory, StageFactory

pytestmark = pytest.mark.django_db


def _stage(*, applications: int, reviewers: int, blind: bool = False) -> EvaluationStage:
    stage = StageFactory.create(
        reviewers_per_application=2,
        call__blind=blind,
        call__state=CallState.REVIEW,
        review_due_at=timezone.make_aware(dt.datetime(2026, 12, 24, 18, 0)),
    )
    for i in range(applications):
        ApplicationFactory.create(call=stage.call, title=f"비전 검사 과제 {i}")
    for _ in range(reviewers):
        ReviewerFactory.create(max_load=5)
    return stage


def _run(client: Client, stage: EvaluationStage, capture: Any, **form: Any) -> AssignmentRun:
    data = {"policy": "total", "min_load": 0, "max_load": 3} | form
    with capture(execute=True):
        response = client.post(reverse("programs:stage_assignment", args=[stage.pk]), data)
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    return AssignmentRun.objects.get(stage=stage)


def test_a_run_proposes_inactive_rows_that_avoid_conflicts(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    stage = _stage(applications=4, reviewers=4)
    first = Application.objects.filter(call=stage.call).order_by("pk").first()
    assert first is not None
    reviewer = Reviewer.objects.order_by("pk").first()
    assert reviewer is not None
    with transaction.atomic():
        reviewer_tie_add(
            reviewer=reviewer,
            actor=None,
            kind=TieKind.EMPLOYEE,
            organization=first.company.organization,
        )
    client.force_login(world.operator)
    run = _run(client, stage, django_capture_on_commit_callbacks)
    assert run.state == RunState.PROPOSED
    rows = list(Assignment.objects.filter(run=run).values_list("application_id", "reviewer_id"))
    assert len(rows) == 8
    assert (first.pk, reviewer.pk) not in rows
    assert Assignment.objects.filter(run=run, active=True).count() == 0
    assert Conflict.objects.get().source == ConflictSource.EMPLOYMENT
    assert run.result["assignments"] == 8
    assert sorted(run.result["seconds"]) == [
        "affinity",
        "conflicts",
        "encode",
        "read",
        "solve",
        "write",
    ]
    assert run_warnings(run) == []
    job = Job.objects.get(kind="programs.assignment")
    assert job.status == JobStatus.SUCCEEDED
    with translation.override("en"):
        assert job_present(job).progress == "Writing the proposal 8/8"
    board = client.get(reverse("programs:assignment_board", args=[run.pk]))
    assert board.status_code == 200
    assert first.company.organization.name in board.content.decode()


def test_progress_is_worded_in_the_tasks_own_words() -> None:
    with translation.override("ko"):
        assert _phase_text("affinity", 1200, 3000) == "적합도 계산 중 1,200/3,000"
    with translation.override("en"):
        assert _phase_text("affinity", 1200, 3000) == "Computing affinity 1,200/3,000"


def test_too_few_reviewers_for_the_loads_fails_with_a_clear_message(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    stage = _stage(applications=3, reviewers=2)
    world.operator.language = "en"  # the job speaks the language of whoever started it
    world.operator.save(update_fields=["language"])
    client.force_login(world.operator)
    run = _run(client, stage, django_capture_on_commit_callbacks, max_load=2)
    assert run.state == RunState.FAILED
    assert Assignment.objects.filter(run=run).count() == 0
    job = Job.objects.get(kind="programs.assignment")
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "Too few reviewers for these loads: 3 applications need 2 reviewers each (6 reviews), "
        "but the 2 reviewers can take at most 4. Raise the maximum load or add reviewers to "
        "the pool."
    )


def test_a_run_refuses_loads_in_the_wrong_order(world: World, client: Client) -> None:
    stage = _stage(applications=1, reviewers=2)
    client.force_login(world.operator)
    url = reverse("programs:stage_assignment", args=[stage.pk])
    response = client.post(url, {"policy": "total", "min_load": 4, "max_load": 3})
    assert response.status_code == 200
    assert AssignmentRun.objects.count() == 0


def _proposal(world: World, capture: Any, client: Client, blind: bool = False) -> AssignmentRun:
    stage = _stage(applications=3, reviewers=3, blind=blind)
    client.force_login(world.operator)
    return _run(client, stage, capture, min_load=1, max_load=2)


def test_manual_edits_warn_and_a_conflict_is_never_deployed(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    run = _proposal(world, django_capture_on_commit_callbacks, client)
    assert run_warnings(run) == []
    row = Assignment.objects.filter(run=run).order_by("pk").first()
    assert row is not None
    application = row.application
    spare = Reviewer.objects.exclude(
        pk__in=Assignment.objects.filter(run=run, application=application).values("reviewer")
    ).get()
    Conflict.objects.create(
        application=application, reviewer=spare, source=ConflictSource.STAFF, detail="x"
    )
    response = client.post(
        reverse("programs:assignment_edit", args=[run.pk]),
        {"action": "add", "application": application.pk, "reviewer": spare.pk},
    )
    assert response.status_code == 302
    codes = sorted(w.code for w in run_warnings(run))
    assert codes == ["conflict", "count", "load"]  # 3 reviewers on it, spare now has 3
    with pytest.raises(RunError):
        assignment_run_deploy(run=run, actor=world.operator)
    deployed = client.post(reverse("programs:assignment_deploy", args=[run.pk]))
    assert deployed.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.PROPOSED
    assert Assignment.objects.filter(active=True).count() == 0
    added = Assignment.objects.get(run=run, application=application, reviewer=spare)
    assert added.manual is True
    with transaction.atomic():
        assignment_remove(assignment=added, actor=world.operator)
    assert run_warnings(run) == []
    with transaction.atomic():
        moved = assignment_move(assignment=row, reviewer=spare, actor=world.operator)
    assert sorted(w.code for w in run_warnings(run)) == ["conflict", "load"]  # spare has 3
    with pytest.raises(RunError):
        assignment_add(run=run, application=application, reviewer=spare, actor=world.operator)
    assert moved.manual is True
    actions = sorted(
        AuditEvent.objects.filter(action__startswith="assignment.").values_list("action", flat=True)
    )
    assert actions == ["assignment.add", "assignment.move", "assignment.remove"]


def test_deploy_activates_notifies_and_replaces_the_previous_run(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    run = _proposal(world, django_capture_on_commit_callbacks, client, blind=True)
    old = AssignmentRun.objects.create(
        stage=run.stage, policy="total", state=RunState.DEPLOYED, created_by=world.operator
    )
    app = Application.objects.filter(call=run.stage.call).first()
    reviewer = Reviewer.objects.first()
    assert app is not None and reviewer is not None
    stale = Assignment.objects.create(
        run=old, stage=run.stage, application=app, reviewer=reviewer, active=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:assignment_deploy", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    old.refresh_from_db()
    stale.refresh_from_db()
    assert (run.state, old.state, stale.active) == (
        RunState.DEPLOYED,
        RunState.DISCARDED,
        False,
    )
    assert Assignment.objects.filter(run=run, active=True).count() == 6
    notices = Notification.objects.filter(kind="programs.assignments_deployed")
    assert sorted(n.params["count"] for n in notices) == [2, 2, 2]
    assert {n.params["due"] for n in notices} == {"2026-12-24"}
    assert len(mail.outbox) == 3
    names = [a.company.organization.name for a in Application.objects.filter(call=run.stage.call)]
    for message in mail.outbox:
        assert "2026-12-24" in message.body
        assert not [n for n in names if n in message.body or n in message.subject]
    with pytest.raises(RunError):
        assignment_run_deploy(run=run, actor=world.operator)
    assert AuditEvent.objects.filter(action="assignment_run.deploy").count() == 1


def test_the_engine_gets_each_applications_best_candidates_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one candidate per application the engine still fills every application (others
    stay allowed at 0), and the rows keep their true affinity."""
    from bitgoeul.programs.services import assignment

    monkeypatch.setattr(assignment, "CANDIDATES", 1)
    stage = _stage(applications=3, reviewers=3)
    for reviewer in Reviewer.objects.select_related("user__reviewer_profile"):
        profile = reviewer.user.reviewer_profile
        profile.expertise = "비전 검사"
        profile.save(update_fields=["expertise"])
    run = AssignmentRun.objects.create(stage=stage, policy="total", max_load=3)
    encoded = assignment.assignment_encode(run=run, actor=world.operator)
    assert sorted(a.application for a in encoded.problem.affinity) == sorted(
        str(a.pk) for a in encoded.applications
    )
    assignment.assignment_run_execute(run=run, actor=world.operator)
    rows = list(Assignment.objects.filter(run=run))
    assert len(rows) == 6
    assert sorted({row.affinity for row in rows}) == [500.0]


@pytest.mark.parametrize("applications", [1, 12])
def test_the_board_takes_few_queries(
    world: World,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
    applications: int,
) -> None:
    stage = _stage(applications=applications, reviewers=3)
    client.force_login(world.operator)
    run = _run(client, stage, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("programs:assignment_board", args=[run.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:call_conflicts", args=[stage.call_id]))
    assert response.status_code == 200


def test_warnings_name_the_reviewer(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    run = _proposal(world, django_capture_on_commit_callbacks, client)
    reviewer = Reviewer.objects.select_related("user").order_by("pk").first()
    assert reviewer is not None
    rows = list(Assignment.objects.filter(run=run, reviewer=reviewer).order_by("application_id"))
    assert len(rows) == 2
    for row in rows:
        with transaction.atomic():
            assignment_remove(assignment=row, actor=world.operator)
    with translation.override("en"):
        texts = [w.text for w in run_warnings(run)]
    assert texts == [
        f"Reviewer {reviewer.user.name} has 0 applications (allowed 1–2).",
        f"Application {rows[0].application_id} has 1 reviewers, not 2.",
        f"Application {rows[1].application_id} has 1 reviewers, not 2.",
    ]


def test_a_redeployed_pair_keeps_its_no_conflict_declaration(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    run = _proposal(world, django_capture_on_commit_callbacks, client)
    kept = Assignment.objects.filter(run=run).order_by("pk").first()
    assert kept is not None
    old = AssignmentRun.objects.create(
        stage=run.stage, policy="total", state=RunState.DEPLOYED, created_by=world.operator
    )
    declared_at = timezone.make_aware(dt.datetime(2026, 11, 1, 9, 0))
    Assignment.objects.create(
        run=old,
        stage=run.stage,
        application=kept.application,
        reviewer=kept.reviewer,
        active=True,
        no_conflict_declared_at=declared_at,
    )
    assignment_run_deploy(run=run, actor=world.operator)
    kept.refresh_from_db()
    assert (kept.active, kept.no_conflict_declared_at) == (True, declared_at)
    assert Assignment.objects.filter(run=run, no_conflict_declared_at__isnull=False).count() == 1


def test_a_deploy_reads_on_the_audit_page_with_the_run_named_and_linked(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from bitgoeul.audit.selectors import audit_event_sentence

    run = _proposal(world, django_capture_on_commit_callbacks, client)
    assignment_run_deploy(run=run, actor=world.operator)
    event = AuditEvent.objects.get(action="assignment_run.deploy")
    with translation.override("en"):
        sentence = audit_event_sentence(event, viewer=world.operator)
    assert sentence == (
        f'{world.operator.name} deployed the reviewer assignment <a href="/programs/'
        f'assignment-runs/{run.pk}/">{run.stage.call.title} · {run.stage.name} #{run.pk}</a>.'
    )


def test_the_fair_policy_proposes_too(world: World) -> None:
    from bitgoeul.programs.services.assignment import assignment_run_execute

    stage = _stage(applications=4, reviewers=4)
    run = AssignmentRun.objects.create(stage=stage, policy="fair", max_load=2)
    assignment_run_execute(run=run, actor=world.operator)
    assert (run.state, Assignment.objects.filter(run=run).count()) == (RunState.PROPOSED, 8)


def test_a_minimum_load_nobody_can_reach_fails_with_its_own_message(world: World) -> None:
    from bitgoeul.programs.services.assignment import assignment_run_execute, run_message

    stage = _stage(applications=1, reviewers=3)  # 2 reviews, 3 reviewers with at least 1 each
    run = AssignmentRun.objects.create(stage=stage, policy="total", min_load=1, max_load=2)
    assignment_run_execute(run=run, actor=world.operator)
    assert run.state == RunState.FAILED
    with translation.override("en"):
        assert run_message(run) == (
            "The minimum load cannot be met: lower it, or start the run with fewer reviewers."
        )
