"""`/api/v1/calls`: public reads with paging, drafts for their staff only, and the staff
operations with the token scopes (a read token may not write)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import translation

from bitgoeul.accounts.models import User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.audit.models import AuditEvent
from bitgoeul.programs.enums import CallState, EligibilityKind
from bitgoeul.programs.models import Call, EligibilityRule
from tests.conftest import World
from tests.programs.calls_helpers import chapter_draft, seoul
from tests.programs.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client: Client) -> Iterator[None]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _token(user: User, scope: str) -> dict[str, str]:
    with transaction.atomic():
        _, secret = api_token_create(user=user, name="script", scope=scope)
    return {"Authorization": f"Bearer {secret}"}


def _payload(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "2027 데이터 바우처",
        "organizer": world.chapter.pk,
        "budget": 300_000_000,
        "max_award": 50_000_000,
        "opens_at": "2027-01-05T09:00:00",
        "closes_at": "2027-01-31T18:00:00+09:00",
        "stages": [
            {
                "name": "서면평가",
                "criteria": [
                    {"name": "기술성", "weight": 60},
                    {"name": "사업성", "weight": 40, "max_score": 5},
                ],
            }
        ],
        "eligibility_rules": [{"kind": "region", "params": {"provinces": ["광주"]}}],
        "form_fields": [
            {"key": "title", "kind": "short_text", "label": "과제명", "meaning": "title"}
        ],
        **overrides,
    }


def _post(client: Client, url: str, data: Any, **headers: str) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def test_list_is_public_paged_and_has_no_drafts(client: Client, world: World) -> None:
    for n in range(5):
        CallFactory.create(
            title=f"공고 {n}", published_at=seoul(2026, 11, 1) + dt.timedelta(days=n)
        )
    CallFactory.create(title="초안", state=CallState.DRAFT)
    body = client.get("/api/v1/calls", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["page"], [c["title"] for c in body["results"]]) == (
        5,
        2,
        ["공고 2", "공고 1"],
    )
    assert body["results"][0]["budget"] == 500_000_000


def test_list_filters_and_refuses_unknown_states(client: Client, world: World) -> None:
    CallFactory.create(title="AI 실증", body="")
    CallFactory.create(title="데이터 바우처", body="")
    assert [c["title"] for c in client.get("/api/v1/calls", {"q": "실증"}).json()["results"]] == [
        "AI 실증"
    ]
    response = client.get("/api/v1/calls", {"state": "soon"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "state")


def test_list_with_a_bad_token_is_401(client: Client, world: World) -> None:
    response = client.get("/api/v1/calls", headers={"Authorization": "Bearer bgl_nonsense"})
    assert response.status_code == 401


def test_detail_of_a_published_call_has_its_parts(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.MAX_AGE_YEARS, params={"years": 7}
    )
    Call.objects.filter(pk=call.pk).update(state=CallState.PUBLISHED)
    body = client.get(f"/api/v1/calls/{call.pk}").json()
    assert [c["weight"] for c in body["stages"][0]["criteria"]] == [60, 40]
    assert body["eligibility_rules"] == [
        {
            "kind": "max_age_years",
            "params": {"years": 7},
            "text": "Founded no more than 7 years ago",
        }
    ]
    assert [f["key"] for f in body["form_fields"]] == ["title", "summary", "amount", "keywords"]


def test_detail_of_a_draft_is_404_but_for_its_staff_even_by_token(
    client: Client, world: World
) -> None:
    call = chapter_draft(world.chapter)
    assert client.get(f"/api/v1/calls/{call.pk}").status_code == 404
    assert (
        client.get(f"/api/v1/calls/{call.pk}", headers=_token(world.owner, "read")).status_code
        == 404
    )
    staff = client.get(f"/api/v1/calls/{call.pk}", headers=_token(world.chapter_staff, "read"))
    assert (staff.status_code, staff.json()["state"]) == (200, "draft")


def test_create_with_a_write_token_makes_the_whole_draft(client: Client, world: World) -> None:
    response = _post(
        client, "/api/v1/calls", _payload(world), **_token(world.chapter_staff, "write")
    )
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert (call.state, call.created_by, call.opens_at) == (
        CallState.DRAFT,
        world.chapter_staff,
        seoul(2027, 1, 5, 9),  # no offset written: Korea time
    )
    assert [c.weight for c in call.stages.get().criteria.all()] == [60, 40]
    assert call.eligibility_rules.get().params == {"provinces": ["gwangju"]}
    assert AuditEvent.objects.filter(object_type="programs.call").count() == 6


def test_create_with_a_read_token_is_refused(client: Client, world: World) -> None:
    response = _post(
        client, "/api/v1/calls", _payload(world), **_token(world.chapter_staff, "read")
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "read_only_token")
    assert Call.objects.count() == 0


def test_create_by_someone_who_may_not_open_calls_is_403(client: Client, world: World) -> None:
    response = _post(client, "/api/v1/calls", _payload(world), **_token(world.owner, "write"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": 300_000_000.5}, "budget"),
        ({"budget": 3.0e8}, "budget"),
        ({"max_award": -1}, "max_award"),
        ({"organizer": 0}, "organizer"),
    ],
)
def test_create_refuses_money_that_is_not_whole_won(
    client: Client, world: World, overrides: dict[str, Any], field: str
) -> None:
    response = _post(
        client, "/api/v1/calls", _payload(world, **overrides), **_token(world.operator, "write")
    )
    assert (response.status_code, response.json()["error"]["field"]) == (422, field)
    assert Call.objects.count() == 0


def test_create_is_all_or_nothing(client: Client, world: World) -> None:
    bad_rule = [{"kind": "region", "params": {"provinces": ["화성"]}}]
    response = _post(
        client,
        "/api/v1/calls",
        _payload(world, eligibility_rules=bad_rule),
        **_token(world.operator, "write"),
    )
    assert response.json()["error"]["message"] == (
        "eligibility_rules.0.params: “화성” is not a province."
    )
    assert (
        Call.objects.count(),
        AuditEvent.objects.filter(action__startswith="call.").count(),
    ) == (0, 0)


def test_update_and_publish(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    token = _token(world.chapter_staff, "write")
    response = client.patch(
        f"/api/v1/calls/{call.pk}",
        json.dumps({"budget": 400_000_000}),
        content_type="application/json",
        headers=token,
    )
    assert (response.status_code, response.json()["budget"]) == (200, 400_000_000)
    published = _post(client, f"/api/v1/calls/{call.pk}/state", {"state": "published"}, **token)
    assert (published.status_code, published.json()["state"]) == (200, "published")
    again = _post(client, f"/api/v1/calls/{call.pk}/state", {"state": "published"}, **token)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")


def test_publishing_an_incomplete_call_says_what_is_missing(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.chapter, state=CallState.DRAFT)
    response = _post(
        client,
        f"/api/v1/calls/{call.pk}/state",
        {"state": "published"},
        **_token(world.chapter_staff, "write"),
    )
    assert (response.status_code, response.json()["error"]["message"]) == (
        409,
        "state: Add at least one evaluation stage. Add at least one field to the application form.",
    )


def test_update_by_someone_who_only_reads_the_call_is_403(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.chapter)
    response = client.patch(
        f"/api/v1/calls/{call.pk}",
        json.dumps({"title": "x"}),
        content_type="application/json",
        headers=_token(world.owner, "write"),
    )
    assert response.status_code == 403
