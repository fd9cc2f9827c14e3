"""The scoring area's API: staff read the score table and runs with any token; starting and
approving a run needs a write token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from bitgoeul.accounts.enums import TokenScope
from bitgoeul.accounts.services import api_token_create
from bitgoeul.programs.enums import RunState
from bitgoeul.programs.models import SelectionRun
from tests.conftest import World
from tests.programs.scoring_setup import scene

pytestmark = pytest.mark.django_db


def bearer(world: World, scope: str) -> dict[str, str]:
    _, secret = api_token_create(user=world.operator, name="script", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def test_score_table_with_a_read_token(world: World, client: Client) -> None:
    made = scene(world)
    response = client.get(f"/api/v1/calls/{made['call'].pk}/scores", headers=bearer(world, "read"))
    assert response.status_code == 200
    body = response.json()
    assert [(r["application"], r["mean"], r["not_applicable"]) for r in body["rows"]] == [
        (made["application"].pk, 70.0, 0)
    ]
    assert body["rows"][0]["reviews"][0]["reviewer"] == world.reviewer.name


def test_starting_a_run_needs_a_write_token(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    made = scene(world)
    url = f"/api/v1/calls/{made['call'].pk}/selection-runs"
    payload = json.dumps({"policy": "rank", "score_basis": "mean"})
    refused = client.post(
        url, payload, content_type="application/json", headers=bearer(world, TokenScope.READ)
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "read_only_token")
    assert SelectionRun.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            url, payload, content_type="application/json", headers=bearer(world, TokenScope.WRITE)
        )
    assert started.status_code == 202
    run = SelectionRun.objects.get(pk=started.json()["id"])
    assert run.state == RunState.PROPOSED
    detail = client.get(f"/api/v1/selection-runs/{run.pk}", headers=bearer(world, "read")).json()
    assert [(d["application"], d["selected"], d["reason"]) for d in detail["decisions"]] == [
        (made["application"].pk, True, "selected")
    ]


def test_bad_policy_is_a_stable_422(world: World, client: Client) -> None:
    made = scene(world)
    response = client.post(
        f"/api/v1/calls/{made['call'].pk}/selection-runs",
        json.dumps({"policy": "greedy"}),
        content_type="application/json",
        headers=bearer(world, TokenScope.WRITE),
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid")
