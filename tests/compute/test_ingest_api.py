"""The usage API: usage tokens only, 422 naming the field, idempotent re-posts, sacct text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from bitgoeul.accounts.enums import OrganizationKind, TokenScope
from bitgoeul.accounts.models import User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.compute.models import UsageEntry
from tests.compute.ingest_fixtures import SACCT, ledger
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/compute/usage"


def token(user: User, scope: str) -> str:
    with transaction.atomic():
        _, secret = api_token_create(user=user, name="node-07", scope=scope)
    return secret


def staff() -> User:
    """A member of the operator: the only people who may hold a usage token."""
    operator = OrganizationFactory.create(kind=OrganizationKind.OPERATOR)
    return MembershipFactory.create(organization=operator).user


def body(**changes: Any) -> dict[str, Any]:
    entry = {
        "job": "gpu-node-07:4242:1764547200",
        "account": "co-1208112345",
        "user": "kim",
        "model": "h100",
        "started_at": "2026-12-01T09:00:00+09:00",
        "ended_at": None,
        "state": "RUNNING",
        "gpu_seconds": 3600.0,
        "sm_gpu_seconds": 2950.5,
        "energy_wh": 412.7,
    }
    entry.update(changes)
    return {"source": "agent", "cluster": "gwangju-aidc", "entries": [entry]}


def post(client: Client, data: Any, secret: str | None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.post(URL, data=json.dumps(data), content_type="application/json", headers=headers)


def test_a_usage_token_posts_and_a_re_post_is_a_duplicate_then_a_correction(client: Client) -> None:
    secret = token(staff(), "usage")
    first = post(client, body(), secret)
    assert (first.status_code, first.json()) == (
        200,
        {"new": 1, "corrections": 0, "duplicates": 0, "skipped": []},
    )
    again = post(client, body(), secret)
    assert again.json() == {"new": 0, "corrections": 0, "duplicates": 1, "skipped": []}
    grown = post(client, body(gpu_seconds=4000.0, energy_wh=500.0), secret)
    assert grown.json() == {"new": 0, "corrections": 1, "duplicates": 0, "skipped": []}
    shrunk = post(client, body(gpu_seconds=10.0), secret)
    assert shrunk.json()["skipped"][0]["index"] == 0
    rows = list(UsageEntry.objects.order_by("seq").values_list("seq", "gpu_seconds", "energy_wh"))
    assert [(s, g, round(e or 0, 1)) for s, g, e in rows] == [(0, 3600.0, 412.7), (1, 400.0, 87.3)]


@pytest.mark.parametrize("scope", ["read", "write"])
def test_read_and_write_tokens_and_sessions_are_refused(client: Client, scope: str) -> None:
    user = UserFactory.create()
    refused = post(client, body(), token(user, scope))
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthenticated")
    client.force_login(user)
    session = post(client, body(), None)
    assert session.status_code == 401
    assert UsageEntry.objects.count() == 0


def test_usage_tokens_are_for_the_operators_staff_only(client: Client) -> None:
    """A company member who could post usage would burn and charge any company's grant: the
    tokens page does not offer the scope, the service refuses it, and a token whose holder has
    left the operator's staff is refused at use."""
    member = UserFactory.create()
    client.force_login(member)
    page = client.get("/account/tokens/").content.decode()
    assert 'value="usage"' not in page
    posted = client.post("/account/tokens/", {"name": "x", "scope": "usage", "expires_in_days": 30})
    assert (posted.status_code, member.api_tokens.count()) == (200, 0)
    assert "목록에 있는 권한 범위 중에서 고르세요." in posted.content.decode()
    with pytest.raises(ValueError, match="operator's staff only"):
        api_token_create(user=member, name="x", scope=TokenScope.USAGE)
    holder = staff()
    client.force_login(holder)
    assert 'value="usage"' in client.get("/account/tokens/").content.decode()
    client.logout()
    secret = token(holder, "usage")
    assert post(client, body(), secret).status_code == 200
    holder.memberships.all().delete()
    refused = post(client, body(job="another"), secret)
    assert (refused.status_code, UsageEntry.objects.count()) == (401, 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(gpu_seconds=-1), "entries.0.gpu_seconds"),
        (body(started_at="2026-12-01T09:00:00"), "entries.0.started_at"),
        (body(model="H 100"), "entries.0.model"),
        (body(surprise=1), "entries.0.surprise"),
        ({**body(), "source": "excel"}, "source"),
        ({"source": "agent", "entries": []}, "cluster"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(client: Client, data: Any, field: str) -> None:
    response = post(client, data, token(staff(), "usage"))
    assert (response.status_code, response.json()["error"]["field"]) == (422, field)
    assert response.json()["error"]["code"] == "invalid"


def test_sacct_text_is_ingested_with_the_contract_summary(client: Client) -> None:
    book = ledger()
    secret = token(staff(), "usage")
    text = SACCT.format(a=book.account)

    def send(data: str, query: str = "?cluster=aidc") -> Any:
        return client.post(
            f"{URL}/sacct{query}",
            data=data,
            content_type="text/plain",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    first = send(text).json()
    assert (first["rows"], first["allocations"], first["new"], first["duplicates"]) == (9, 5, 4, 0)
    seconds = first["accounts"][book.account]["gpu_seconds"]
    assert seconds == {"a100": 7200, "h100": 60, "untyped": 480}
    assert first["accounts"][book.account]["grant"] == book.grant.pk
    assert (send(text).json()["duplicates"], UsageEntry.objects.count()) == (4, 4)
    missing = send(text, "")
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "cluster")
    headless = send("1|2|3\n")
    assert (headless.status_code, headless.json()["error"]["field"]) == (422, "body")
    columns = "?cluster=aidc&columns=" + SACCT.splitlines()[0].replace("|", ",")
    assert send("\n".join(text.splitlines()[1:]), columns).json()["duplicates"] == 4
