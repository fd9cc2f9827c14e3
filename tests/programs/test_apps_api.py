"""The applications API: my applications, one application, draft saves with versions, submit,
the staff list; token scopes."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from bitgoeul.accounts.models import User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.programs.enums import ApplicationState
from bitgoeul.programs.models import Application
from tests.conftest import World
from tests.programs.apps_setup import ANSWERS, open_call, started, submitted
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def token(user: User, scope: str) -> str:
    with transaction.atomic():
        _token, secret = api_token_create(user=user, name="script", scope=scope)
    return f"Bearer {secret}"


def put(client: Client, url: str, body: dict[str, object], auth: str) -> object:
    return client.put(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_my_applications_lists_only_my_companies(world: World, client: Client) -> None:
    mine = started(world)
    ApplicationFactory.create()
    response = client.get("/api/v1/applications", HTTP_AUTHORIZATION=token(world.teammate, "read"))
    body = response.json()
    assert (body["count"], [r["id"] for r in body["results"]], body["results"][0]["state"]) == (
        1,
        [mine.pk],
        "draft",
    )


def test_get_gives_the_draft_to_applicants_and_the_revision_to_staff(
    world: World, client: Client
) -> None:
    application = submitted(world)
    applicant = client.get(
        f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=token(world.owner, "read")
    ).json()
    staff = client.get(
        f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=token(world.operator, "read")
    ).json()
    assert (
        applicant["data"]["title"],
        staff["data"]["title"],
        staff["revisions"][0]["number"],
    ) == (
        ANSWERS["title"],
        ANSWERS["title"],
        1,
    )
    outsider = client.get(
        f"/api/v1/applications/{application.pk}", HTTP_AUTHORIZATION=token(world.outsider, "read")
    )
    assert outsider.status_code == 404


def test_draft_save_with_version_and_conflict(world: World, client: Client) -> None:
    application = started(world)
    url = f"/api/v1/applications/{application.pk}/draft"
    auth = token(world.owner, "write")
    saved = put(client, url, {"version": application.version, "data": {"title": "API 제목"}}, auth)
    assert (saved.status_code, saved.json()["version"], saved.json()["title"]) == (  # type: ignore[attr-defined]
        200,
        application.version + 1,
        "API 제목",
    )
    stale = put(client, url, {"version": application.version, "data": {"title": "늦은 제목"}}, auth)
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "conflict")  # type: ignore[attr-defined]


def test_draft_save_names_the_wrong_field(world: World, client: Client) -> None:
    application = started(world)
    response = put(
        client,
        f"/api/v1/applications/{application.pk}/draft",
        {"version": application.version, "data": {"amount": "많이"}},
        token(world.owner, "write"),
    )
    assert (response.status_code, response.json()["error"]["field"]) == (422, "amount")  # type: ignore[attr-defined]


def test_read_token_cannot_save_or_submit(world: World, client: Client) -> None:
    application = started(world)
    auth = token(world.owner, "read")
    response = put(
        client,
        f"/api/v1/applications/{application.pk}/draft",
        {"version": application.version, "data": {"title": "x"}},
        auth,
    )
    submit = client.post(f"/api/v1/applications/{application.pk}/submit", HTTP_AUTHORIZATION=auth)
    assert (response.status_code, submit.status_code) == (403, 403)  # type: ignore[attr-defined]
    assert Application.objects.get(pk=application.pk).state == ApplicationState.DRAFT


def test_submit_gives_the_revision(world: World, client: Client) -> None:
    application = started(world)
    response = client.post(
        f"/api/v1/applications/{application.pk}/submit",
        HTTP_AUTHORIZATION=token(world.owner, "write"),
    )
    assert (response.status_code, response.json()["revision"], response.json()["state"]) == (
        200,
        1,
        "submitted",
    )


def test_staff_list_filters_and_refuses_others(world: World, client: Client) -> None:
    call = open_call(world)
    ApplicationFactory.create(call=call, requested_amount=10)
    big = ApplicationFactory.create(call=call, requested_amount=90_000_000)
    url = f"/api/v1/calls/{call.pk}/applications?amount_min=1000"
    body = client.get(url, HTTP_AUTHORIZATION=token(world.operator, "read")).json()
    assert ([r["id"] for r in body["results"]], body["results"][0]["company_name"] is None) == (
        [big.pk],
        False,
    )
    assert client.get(url, HTTP_AUTHORIZATION=token(world.owner, "read")).status_code == 403
    bad = client.get(url + "&sort=luck", HTTP_AUTHORIZATION=token(world.operator, "read"))
    assert bad.status_code == 422
