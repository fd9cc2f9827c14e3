"""The matchmaking demo: the manufacturer signs in and finds its two needs, the first with the
suppliers the ranking put first invited, one interested with a meeting and a pilot."""

from __future__ import annotations

import pytest

from bitgoeul.matchmaking.demo import MAKER_EMAIL
from bitgoeul.matchmaking.enums import InvitationState, OutcomeKind
from bitgoeul.matchmaking.models import Invitation, Need
from bitgoeul.web.demo import DEMO_LOGINS, load_demo


@pytest.mark.django_db
def test_demo_manufacturer_has_two_needs_one_with_invitations_a_meeting_and_an_outcome() -> None:
    load_demo()
    load_demo()  # safe to load again: nothing is added twice
    needs = list(Need.objects.filter(created_by__email=MAKER_EMAIL).order_by("pk"))
    assert len(needs) == 2
    states = list(
        Invitation.objects.filter(need=needs[0]).order_by("pk").values_list("state", flat=True)
    )
    assert states == [InvitationState.ACCEPTED, InvitationState.INVITED, InvitationState.DECLINED]
    interested = Invitation.objects.get(need=needs[0], state=InvitationState.ACCEPTED)
    assert (interested.meetings.count(), interested.outcome.kind) == (1, OutcomeKind.PILOT)
    assert interested.ranking["rank"] == 1
    assert Invitation.objects.filter(need=needs[1]).count() == 0
    assert ("regional manufacturer (matchmaking)", MAKER_EMAIL) in DEMO_LOGINS
