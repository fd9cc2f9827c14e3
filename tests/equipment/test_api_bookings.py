"""`/api/v1/bookings`: booking through the API (201, 409 `conflict`, 422 with each problem),
`Idempotency-Key`, the list of mine per BOOKING_FIELDS, and cancelling with DELETE."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from bitgoeul.audit.models import AuditEvent
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.models import Booking, IdempotencyRecord
from bitgoeul.equipment.services import idempotency
from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.equipment.services.idempotency import Answer
from tests.equipment.api_scene import Scene, make_scene
from tests.equipment.factories import ItemFactory, grid_time
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def _body(scene: Scene, **overrides: Any) -> dict[str, Any]:
    start = grid_time(days=3, hour=10)
    return {
        "item": scene.item.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "purpose": "자율주행 인지 모델 야간 주행 시험",
        **overrides,
    }


def _post(client: Client, body: Any, headers: dict[str, str], key: str | None = None) -> Any:
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/bookings", data, content_type="application/json", headers=headers)


def _book(scene: Scene, hours: tuple[int, int] = (10, 12)) -> Booking:
    start = grid_time(days=3, hour=hours[0])
    with transaction.atomic():
        return booking_create(
            item=scene.item,
            company=scene.other_company,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours[1] - hours[0]),
            actor=scene.outsider,
            purpose="경쟁사 시험",
        )


# --- POST ----------------------------------------------------------------------------------------


def test_post_books_for_the_members_only_company(client: Client, scene: Scene) -> None:
    answer = _post(client, _body(scene), scene.headers(scene.teammate))
    booking = Booking.objects.get()
    assert answer.status_code == 201
    assert (booking.company_id, booking.booked_by, booking.state) == (
        scene.company.pk,
        scene.teammate,
        BookingState.CONFIRMED,
    )
    body = answer.json()
    assert (body["id"], body["company"], body["purpose"], body["starts_at"]) == (
        booking.pk,
        {"id": scene.company.pk, "name": "(주)빛고을모빌리티"},
        "자율주행 인지 모델 야간 주행 시험",
        _body(scene)["starts_at"],
    )
    assert AuditEvent.objects.filter(action="booking.create").count() == 1


def test_post_overlapping_time_is_409_conflict(client: Client, scene: Scene) -> None:
    _book(scene, (11, 13))
    answer = _post(client, _body(scene), scene.headers(scene.owner))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "conflict"
    assert answer.json()["error"]["field"] == "starts_at"
    assert Booking.objects.count() == 1


def test_post_of_a_taken_time_is_409_whatever_the_rules_say(client: Client, scene: Scene) -> None:
    _book(scene, (11, 13))
    scene.item.min_minutes = 180
    scene.item.save()
    answer = _post(client, _body(scene), scene.headers(scene.owner))
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "conflict")


def test_post_touching_the_buffer_of_a_booking_is_409(client: Client, scene: Scene) -> None:
    scene.item.buffer_minutes = 30
    scene.item.save()
    _book(scene, (8, 10))  # holds until 10:30
    late = _body(scene, starts_at=grid_time(3, 10).isoformat().replace("10:00", "10:30"))
    early = _body(scene)  # 10:00: inside the buffer
    assert _post(client, early, scene.headers(scene.owner)).status_code == 409
    assert _post(client, late, scene.headers(scene.owner)).status_code == 201


def test_post_breaking_rules_is_422_with_each_problem(client: Client, scene: Scene) -> None:
    scene.item.min_minutes = 180
    scene.item.notice_minutes = 7 * 24 * 60
    scene.item.save()
    answer = _post(client, _body(scene), scene.headers(scene.owner))
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert (error["code"], [p["code"] for p in error["problems"]]) == (
        "refused",
        ["too_short", "notice"],
    )
    assert Booking.objects.count() == 0


def test_post_of_a_time_out_of_range_is_422_and_not_remembered(
    client: Client, scene: Scene
) -> None:
    body = _body(scene, ends_at="9999-12-31T23:45:00+09:00")
    answer = _post(client, body, scene.headers(scene.owner), key="far")
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "ends_at")
    assert (Booking.objects.count(), IdempotencyRecord.objects.count()) == (0, 0)


def test_post_with_a_read_token_is_refused(client: Client, scene: Scene) -> None:
    answer = _post(client, _body(scene), scene.headers(scene.owner, "read"))
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "read_only_token")


def test_post_for_another_company_is_403(client: Client, scene: Scene) -> None:
    answer = _post(client, _body(scene, company=scene.other_company.pk), scene.headers(scene.owner))
    assert (answer.status_code, answer.json()["error"]["field"]) == (403, "company")
    assert Booking.objects.count() == 0


def test_post_member_of_two_companies_must_say_which(client: Client, scene: Scene) -> None:
    MembershipFactory.create(user=scene.owner, organization=scene.other_company.organization)
    vague = _post(client, _body(scene), scene.headers(scene.owner))
    said = _post(client, _body(scene, company=scene.other_company.pk), scene.headers(scene.owner))
    assert (vague.status_code, vague.json()["error"]["field"]) == (422, "company")
    assert (said.status_code, said.json()["company"]["id"]) == (201, scene.other_company.pk)


def test_post_override_only_by_host_staff(client: Client, scene: Scene) -> None:
    scene.item.min_minutes = 180
    scene.item.save()
    body = _body(scene, company=scene.company.pk, override_reason="장비 점검 후 시험 운행")
    by_member = _post(client, body, scene.headers(scene.owner))
    by_host = _post(client, body, scene.headers(scene.host_staff))
    assert (by_member.status_code, by_member.json()["error"]["field"]) == (403, "override_reason")
    assert by_host.status_code == 201
    assert (by_host.json()["override_reason"], by_host.json()["company"]["id"]) == (
        "장비 점검 후 시험 운행",
        scene.company.pk,
    )


def test_post_of_an_item_the_caller_cannot_see_is_404(client: Client, scene: Scene) -> None:
    hidden = ItemFactory.create(is_public=False)
    answer = _post(client, _body(scene, item=hidden.pk), scene.headers(scene.owner))
    assert answer.status_code == 404


# --- Idempotency-Key ---------------------------------------------------------------------------


def test_same_key_and_body_gives_the_first_answer_and_books_once(
    client: Client, scene: Scene
) -> None:
    headers = scene.headers(scene.owner)
    first = _post(client, _body(scene), headers, key="3f0c-retry")
    # the same JSON with its keys in another order and other spacing is the same request
    again = _post(
        client, json.dumps(dict(reversed(_body(scene).items())), indent=2), headers, "3f0c-retry"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (first.get("Idempotent-Replayed"), again["Idempotent-Replayed"]) == (None, "true")
    assert Booking.objects.count() == 1
    assert AuditEvent.objects.filter(action="booking.create").count() == 1


def test_same_key_with_another_body_is_422(client: Client, scene: Scene) -> None:
    headers = scene.headers(scene.owner)
    _post(client, _body(scene), headers, key="k-1")
    other = _post(client, _body(scene, purpose="다른 목적"), headers, key="k-1")
    assert other.status_code == 422
    assert (other.json()["error"]["code"], other.json()["error"]["field"]) == (
        "idempotency_key_reused",
        "Idempotency-Key",
    )
    assert Booking.objects.count() == 1


def test_a_refusal_is_the_first_answer_too(client: Client, scene: Scene) -> None:
    """A conflict answered under a key stays the answer to that key, even once the time is
    free: a retry must not book behind the client's back what it was told failed."""
    blocking = _book(scene, (11, 13))
    headers = scene.headers(scene.owner)
    first = _post(client, _body(scene), headers, key="k-2")
    blocking.state = BookingState.CANCELLED
    blocking.save()
    blocking.slots.all().delete()
    again = _post(client, _body(scene), headers, key="k-2")
    fresh = _post(client, _body(scene), headers, key="k-3")
    assert (first.status_code, again.status_code, fresh.status_code) == (409, 409, 201)
    assert again.json() == first.json()


def test_keys_are_per_user(client: Client, scene: Scene) -> None:
    first = _post(client, _body(scene), scene.headers(scene.owner), key="same")
    other = _post(
        client,
        _body(scene, starts_at=grid_time(4, 10).isoformat(), ends_at=grid_time(4, 11).isoformat()),
        scene.headers(scene.teammate),
        key="same",
    )
    assert (first.status_code, other.status_code, Booking.objects.count()) == (201, 201, 2)


def test_a_key_is_forgotten_after_a_day(client: Client, scene: Scene) -> None:
    headers = scene.headers(scene.owner)
    _post(client, _body(scene), headers, key="old")
    IdempotencyRecord.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Booking.objects.update(state=BookingState.CANCELLED)
    for booking in Booking.objects.all():
        booking.slots.all().delete()
    again = _post(client, _body(scene), headers, key="old")
    assert (again.status_code, again.get("Idempotent-Replayed"), Booking.objects.count()) == (
        201,
        None,
        2,
    )


@pytest.mark.parametrize("key", ["", "x" * 201, "한글키", "with space"])
def test_a_bad_key_is_refused(client: Client, scene: Scene, key: str) -> None:
    answer = _post(client, _body(scene), scene.headers(scene.owner), key=key)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "Idempotency-Key")
    assert Booking.objects.count() == 0


def test_losing_the_race_for_a_key_undoes_the_write(scene: Scene) -> None:
    """Another request stores its answer under the key while ours runs: storing ours fails on
    the unique key and our booking is rolled back with it. (In one connection the other's
    record is rolled back too, so the caller is told the key is in use; across connections,
    as on PostgreSQL, the committed answer is replayed.)"""
    digest = idempotency.request_hash("POST", "/api/v1/bookings", {"a": 1})

    def racing() -> Answer:
        booking = _book(scene)
        IdempotencyRecord.objects.create(
            user=scene.owner, key="race", request_hash=digest, status_code=201, response={}
        )
        return Answer(201, {"id": booking.pk})

    with pytest.raises(idempotency.IdempotencyKeyInUse):
        idempotency.idempotent_answer(user=scene.owner, key="race", digest=digest, answer=racing)
    assert (Booking.objects.count(), IdempotencyRecord.objects.count()) == (0, 0)


# --- GET ---------------------------------------------------------------------------------------


def test_list_is_my_companies_bookings(
    client: Client, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    _book(scene, (8, 9))
    for hour in (10, 12, 14):
        _post(
            client,
            _body(
                scene,
                starts_at=grid_time(3, hour).isoformat(),
                ends_at=grid_time(3, hour + 1).isoformat(),
            ),
            scene.headers(scene.owner),
        )
    headers = scene.headers(scene.teammate, "read")
    with django_assert_max_num_queries(8):
        answer = client.get("/api/v1/bookings", headers=headers).json()
    assert answer["count"] == 3
    assert [b["starts_at"] for b in answer["results"]] == [
        grid_time(3, h).isoformat() for h in (10, 12, 14)
    ]
    assert {b["company"]["id"] for b in answer["results"]} == {scene.company.pk}


def test_list_managed_is_the_hosts_view(client: Client, scene: Scene) -> None:
    _book(scene)
    managed = client.get(
        "/api/v1/bookings", {"scope": "managed"}, headers=scene.headers(scene.host_staff)
    ).json()
    by_member = client.get(
        "/api/v1/bookings", {"scope": "managed"}, headers=scene.headers(scene.owner)
    ).json()
    assert ([b["purpose"] for b in managed["results"]], by_member["count"]) == (["경쟁사 시험"], 0)


def test_list_filters_by_window_and_state(client: Client, scene: Scene) -> None:
    early = _book(scene, (8, 9))
    _book(scene, (12, 13))
    headers = scene.headers(scene.outsider)
    window = client.get(
        "/api/v1/bookings",
        {"start": grid_time(3, 11).isoformat(), "end": grid_time(3, 14).isoformat()},
        headers=headers,
    ).json()
    bad = client.get("/api/v1/bookings", {"state": "lost"}, headers=headers)
    assert [b["starts_at"] for b in window["results"]] == [grid_time(3, 12).isoformat()]
    assert early.pk not in [b["id"] for b in window["results"]]
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "state")


def test_one_booking_shows_only_that_time_is_taken_to_outsiders(
    client: Client, scene: Scene
) -> None:
    booking = _book(scene)
    public = client.get(f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.owner))
    own = client.get(f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.outsider))
    hidden = {
        key: value
        for key, value in public.json().items()
        if key not in {"id", "item", "starts_at", "ends_at", "blocked_until"}
    }
    assert set(hidden.values()) == {None}
    assert (own.json()["purpose"], own.json()["company"]["id"]) == (
        "경쟁사 시험",
        scene.other_company.pk,
    )


def test_booking_of_a_hidden_item_is_404_to_outsiders(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    scene.item.is_public = False
    scene.item.save()
    answer = client.get(f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.owner))
    assert answer.status_code == 404


# --- DELETE ------------------------------------------------------------------------------------


def test_delete_cancels_and_frees_the_time(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    answer = client.delete(
        f"/api/v1/bookings/{booking.pk}?reason=일정%20변경", headers=scene.headers(scene.outsider)
    )
    booking.refresh_from_db()
    assert (answer.status_code, answer.json()["state"], answer.json()["cancel_reason"]) == (
        200,
        "cancelled",
        "일정 변경",
    )
    assert (booking.state, booking.cancelled_by) == (BookingState.CANCELLED, scene.outsider)
    assert _post(client, _body(scene), scene.headers(scene.owner)).status_code == 201


def test_delete_by_host_staff_is_allowed(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    answer = client.delete(
        f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.host_staff)
    )
    assert (answer.status_code, answer.json()["state"]) == (200, "cancelled")


def test_delete_by_others_is_404_and_changes_nothing(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    answer = client.delete(f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.owner))
    booking.refresh_from_db()
    assert (answer.status_code, booking.state) == (404, BookingState.CONFIRMED)


def test_delete_twice_is_409(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    headers = scene.headers(scene.outsider)
    client.delete(f"/api/v1/bookings/{booking.pk}", headers=headers)
    again = client.delete(f"/api/v1/bookings/{booking.pk}", headers=headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")


def test_delete_with_a_read_token_is_refused(client: Client, scene: Scene) -> None:
    booking = _book(scene)
    answer = client.delete(
        f"/api/v1/bookings/{booking.pk}", headers=scene.headers(scene.outsider, "read")
    )
    booking.refresh_from_db()
    assert (answer.status_code, booking.state) == (403, BookingState.CONFIRMED)
