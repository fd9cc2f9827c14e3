"""`bitgoeul tokens create`: prints a working token once, stores only its hash, audits the
issue without an actor ("via command line"), and refuses unknown users and scopes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bitgoeul.accounts.models import ApiToken
from bitgoeul.accounts.tokens import secret_hash
from bitgoeul.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tokens", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_a_working_token_once_stored_hashed(client: Client) -> None:
    user = UserFactory.create(email="robot@example.kr")
    secret, note = _create("--email", "Robot@example.kr", "--scope", "read", "--name", "nightly")
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope, token.expires_at) == (
        user,
        "nightly",
        "read",
        None,
    )
    assert (token.token_hash, secret.startswith("bgl_")) == (secret_hash(secret), True)
    assert secret not in note and token.prefix in note
    answer = client.get("/api/v1/bookings", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200


def test_create_is_audited_without_an_actor() -> None:
    UserFactory.create(email="robot@example.kr")
    _create("--email", "robot@example.kr", "--scope", "write", "--expires-in-days", "30")
    event = AuditEvent.objects.get(action="api_token.create")
    after = event.after or {}
    assert (event.actor, after["scope"], after["via"]) == (None, "write", "command line")
    assert after["expires_at"] is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nobody@example.kr", "--scope", "read"], "no active user"),
        (["--email", "robot@example.kr", "--scope", "read", "--name", " "], "--name"),
        (
            ["--email", "robot@example.kr", "--scope", "read", "--expires-in-days", "0"],
            "at least one day",
        ),
    ],
)
def test_create_refuses_bad_input(args: list[str], message: str) -> None:
    UserFactory.create(email="robot@example.kr")
    with pytest.raises(CommandError, match=message):
        _create(*args)
    assert ApiToken.objects.count() == 0


def test_create_refuses_an_unknown_scope() -> None:
    UserFactory.create(email="robot@example.kr")
    with pytest.raises(CommandError):
        _create("--email", "robot@example.kr", "--scope", "admin")
    assert ApiToken.objects.count() == 0


def test_create_refuses_an_inactive_user() -> None:
    UserFactory.create(email="robot@example.kr", is_active=False)
    with pytest.raises(CommandError, match="no active user"):
        _create("--email", "robot@example.kr", "--scope", "read")
