from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from bitgoeul.accounts.models import ApiToken, User
from bitgoeul.accounts.services import api_token_create, api_token_revoke
from tests.conftest import World

pytestmark = pytest.mark.django_db


def token_for(user: User, scope: str = "read") -> str:
    with transaction.atomic():
        _, secret = api_token_create(user=user, name="script", scope=scope)
    return secret


def test_me_with_a_token(client: Client, world: World) -> None:
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token_for(world.owner)}")
    body = response.json()
    assert (body["email"], body["is_operator_staff"], body["memberships"]) == (
        world.owner.email,
        False,
        [
            {
                "organization_id": world.company.pk,
                "organization": world.company.name,
                "kind": "company",
                "role": "admin",
            }
        ],
    )
    assert ApiToken.objects.get().last_used_at is not None


def test_read_token_cannot_write(client: Client, world: World) -> None:
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"name": "x", "language": "en"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.owner)}",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "read_only_token")


def test_a_usage_token_opens_no_ordinary_endpoint(client: Client, world: World) -> None:
    # a machine's usage token (a scheduler host, the GPU agent) must not read what its owner
    # may read, nor write: only the usage ingestion endpoint accepts it
    secret = token_for(world.operator, "usage")
    read = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    write = client.patch(
        "/api/v1/me",
        data=json.dumps({"name": "x", "language": "en"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert (read.status_code, write.status_code) == (401, 401)


def test_write_token_changes_the_profile(client: Client, world: World) -> None:
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"name": "새 이름", "language": "en"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.owner, 'write')}",
    )
    world.owner.refresh_from_db()
    assert (response.status_code, world.owner.name, world.owner.language) == (200, "새 이름", "en")


def test_revoked_and_unknown_tokens_are_refused_with_the_error_shape(
    client: Client, world: World
) -> None:
    secret = token_for(world.owner)
    with transaction.atomic():
        api_token_revoke(token=ApiToken.objects.get(), actor=world.owner)
    for value in (secret, "bgl_unknown"):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {value}")
        assert (response.status_code, response.json()) == (
            401,
            {
                "error": {
                    "code": "unauthenticated",
                    "message": "log in or send a valid API token",
                    "field": None,
                }
            },
        )


def test_validation_errors_name_the_field(client: Client, world: World) -> None:
    client.force_login(world.owner)
    response = client.patch(
        "/api/v1/me", data=json.dumps({"name": "x"}), content_type="application/json"
    )
    assert (
        response.status_code,
        response.json()["error"]["field"],
        response.json()["error"]["code"],
    ) == (422, "language", "invalid")
    bad = client.patch(
        "/api/v1/me",
        data=json.dumps({"name": "x", "language": "fr"}),
        content_type="application/json",
    )
    assert bad.json() == {
        "error": {"code": "invalid", "message": "language: use ko or en", "field": "language"}
    }


def test_unknown_api_path_and_wrong_method_get_the_error_shape(client: Client) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    wrong = client.delete("/api/v1/me")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")


def test_session_writes_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"name": "x", "language": "en"}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_openapi_documents_both_authentication_schemes(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    # UsageTokenAuth: the machine's usage token, on the usage ingestion endpoints only
    assert set(schema["components"]["securitySchemes"]) == {
        "TokenAuth",
        "SessionAuth",
        "UsageTokenAuth",
    }


def test_an_expired_token_is_refused_with_the_api_error_shape(client: Client, world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    with transaction.atomic():
        token, secret = api_token_create(
            user=world.owner, name="script", scope="read", expires_in_days=30
        )
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["field"]) == (401, "token_expired", None)


def test_a_token_without_expiry_keeps_working(client: Client, world: World) -> None:
    with transaction.atomic():
        token, secret = api_token_create(user=world.owner, name="script", scope="read")
    assert token.expires_at is None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
