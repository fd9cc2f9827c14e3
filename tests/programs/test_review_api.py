"""The review area's API: reviewers' declarations (blind-safe) and staff's assignment runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from bitgoeul.accounts.services import api_token_create
from bitgoeul.programs.enums import CallState, ConflictSource, RunState
from bitgoeul.programs.models import Assignment, AssignmentRun, Conflict
from tests.conftest import World
from tests.programs.factories import ApplicationFactory, ReviewerFactory, StageFactory

pytestmark = pytest.mark.django_db


def _assignment(world: World, *, blind: bool) -> Assignment:
    stage = StageFactory.create(call__blind=blind)
    run = AssignmentRun.objects.create(stage=stage, policy="total", state=RunState.DEPLOYED)
    return Assignment.objects.create(
        run=run,
        stage=stage,
        application=ApplicationFactory.create(call=stage.call),
        reviewer=ReviewerFactory.create(user=world.reviewer),
        active=True,
    )


@pytest.mark.parametrize("blind", [True, False])
def test_my_assignments_name_the_applicant_only_in_an_open_call(
    world: World, client: Client, blind: bool
) -> None:
    assignment = _assignment(world, blind=blind)
    client.force_login(world.reviewer)
    body = client.get("/api/v1/review/assignments").json()
    name = assignment.application.company.organization.name
    assert [(row["id"], row["applicant"]) for row in body] == [
        (assignment.pk, None if blind else name)
    ]
    assert (name in json.dumps(body, ensure_ascii=False)) is not blind


def test_a_declared_conflict_through_the_api(world: World, client: Client) -> None:
    assignment = _assignment(world, blind=True)
    client.force_login(world.reviewer)
    url = f"/api/v1/review/assignments/{assignment.pk}/declaration"
    refused = client.post(url, {"conflict": True}, content_type="application/json")
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "note")
    done = client.post(url, {"conflict": True, "note": "주주"}, content_type="application/json")
    assert done.json() == {"assignment": assignment.pk, "conflict": True, "active": False}
    assert Conflict.objects.get().source == ConflictSource.DECLARED
    # the reviewer no longer sees the application at all
    again = client.post(url, {"conflict": False}, content_type="application/json")
    assert again.status_code == 404
    assert client.get("/api/v1/review/assignments").json() == []


def test_a_second_declaration_is_a_conflict(world: World, client: Client) -> None:
    assignment = _assignment(world, blind=False)
    client.force_login(world.reviewer)
    url = f"/api/v1/review/assignments/{assignment.pk}/declaration"
    assert client.post(url, {"conflict": False}, content_type="application/json").json()["active"]
    second = client.post(url, {"conflict": False}, content_type="application/json")
    assert second.status_code == 409


def test_staff_run_and_deploy_through_the_api(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    stage = StageFactory.create(reviewers_per_application=1, call__state=CallState.REVIEW)
    ApplicationFactory.create(call=stage.call)
    ReviewerFactory.create()
    with transaction.atomic():
        _, secret = api_token_create(user=world.operator, name="script", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            f"/api/v1/stages/{stage.pk}/assignment-runs",
            {"policy": "total", "max_load": 2},
            content_type="application/json",
            headers=headers,
        )
    assert started.status_code == 202
    run_id = started.json()["id"]
    detail = client.get(f"/api/v1/assignment-runs/{run_id}", headers=headers).json()
    assert (detail["state"], detail["assignments"], detail["warnings"]) == ("proposed", 1, 0)
    deployed = client.post(f"/api/v1/assignment-runs/{run_id}/deploy", headers=headers)
    assert deployed.json()["state"] == "deployed"
    assert (
        client.post(f"/api/v1/assignment-runs/{run_id}/deploy", headers=headers).status_code == 409
    )


def test_a_read_only_token_cannot_start_a_run(world: World, client: Client) -> None:
    stage = StageFactory.create()
    with transaction.atomic():
        _, secret = api_token_create(user=world.operator, name="read", scope="read")
    response = client.post(
        f"/api/v1/stages/{stage.pk}/assignment-runs",
        {"policy": "total"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert AssignmentRun.objects.count() == 0


def test_wrong_loads_are_refused_with_a_message(world: World, client: Client) -> None:
    stage = StageFactory.create()
    client.force_login(world.operator)
    response = client.post(
        f"/api/v1/stages/{stage.pk}/assignment-runs",
        {"policy": "total", "min_load": 5, "max_load": 2},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert AssignmentRun.objects.count() == 0
