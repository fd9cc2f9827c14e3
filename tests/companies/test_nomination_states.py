"""The nomination state machine: its transition table, the row lock, and the views."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.enums import NominationState
from bitgoeul.companies.models import Company, Nomination
from bitgoeul.companies.services.nominations import (
    TRANSITIONS,
    IllegalTransition,
    nomination_create,
    nomination_set_state,
)
from tests.companies.helpers import company_record
from tests.conftest import World

LEGAL = {
    ("pending", "accepted"),
    ("pending", "declined"),
    ("pending", "withdrawn"),
}


@pytest.fixture
def company(world: World) -> Company:
    return company_record(world.company)


def _nomination(world: World, company: Company, state: str) -> Nomination:
    nomination = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="성장"
    )
    Nomination.objects.filter(pk=nomination.pk).update(state=state)
    nomination.refresh_from_db()
    return nomination


def test_the_table_lists_exactly_the_legal_moves() -> None:
    pairs = {(a.value, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert pairs == LEGAL
    assert set(TRANSITIONS) == set(NominationState)


@pytest.mark.parametrize(
    ("start", "target"), list(itertools.product(NominationState.values, repeat=2))
)
def test_every_pair_of_states(world: World, company: Company, start: str, target: str) -> None:
    nomination = _nomination(world, company, start)
    if (start, target) in LEGAL:
        nomination_set_state(nomination=nomination, state=target, actor=world.operator, note="n")
        nomination.refresh_from_db()
        assert (nomination.state, nomination.decided_by) == (target, world.operator)
        event = AuditEvent.objects.get(action="nomination.set_state")
        assert (event.before, event.after) == ({"state": start}, {"state": target, "note": "n"})
    else:
        with pytest.raises(IllegalTransition):
            nomination_set_state(nomination=nomination, state=target, actor=world.operator)
        nomination.refresh_from_db()
        assert nomination.state == start
        assert AuditEvent.objects.filter(action="nomination.set_state").count() == 0


def test_the_state_is_read_from_the_locked_row_not_the_instance(
    world: World, company: Company
) -> None:
    """Two decisions sent together: the second holds an instance that still says pending."""
    first = _nomination(world, company, "pending")
    stale = Nomination.objects.get(pk=first.pk)
    nomination_set_state(nomination=first, state="accepted", actor=world.operator, note="좋음")
    with pytest.raises(IllegalTransition):
        nomination_set_state(nomination=stale, state="declined", actor=world.operator, note="x")
    first.refresh_from_db()
    assert (first.state, first.decision_note) == ("accepted", "좋음")


def test_the_row_is_locked(world: World, company: Company) -> None:
    nomination = _nomination(world, company, "pending")
    with CaptureQueriesContext(connection) as queries:
        nomination_set_state(nomination=nomination, state="withdrawn", actor=world.chapter_staff)
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    first_read = reads[0]
    assert '"companies_nomination"' in first_read
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first_read


def test_views_answer_an_illegal_move_with_a_message(
    world: World, company: Company, client: Client
) -> None:
    nomination = _nomination(world, company, "accepted")
    client.force_login(world.chapter_staff)
    response = client.post(
        reverse("companies:nomination_withdraw", args=[nomination.pk]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["이미 결정된 추천입니다."]
    client.force_login(world.operator)
    response = client.post(
        reverse("companies:nomination_decide", args=[nomination.pk]),
        {"decision": "declined", "note": "재검토"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["이미 결정된 추천입니다."]
    nomination.refresh_from_db()
    assert nomination.state == "accepted"
