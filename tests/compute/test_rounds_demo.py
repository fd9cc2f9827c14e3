"""The rounds demo: a decided round with grants approved through the services, and an open
round with requests of the demo companies; loading again adds nothing."""

from __future__ import annotations

import pytest

from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import Grant, Pool, Round
from bitgoeul.web.demo import load_demo


@pytest.mark.django_db
def test_demo_has_a_decided_round_with_grants_and_an_open_round() -> None:
    load_demo()
    load_demo()  # safe to load again
    decided = Round.objects.get(state=RoundState.APPROVED)
    open_round = Round.objects.get(state=RoundState.OPEN)
    assert (decided.state, open_round.state) == (RoundState.APPROVED, RoundState.OPEN)
    grants = Grant.objects.filter(round=decided)
    assert grants.count() >= 3
    assert all(g.account.startswith("co-") for g in grants)
    assert set(decided.requests.values_list("state", flat=True)) <= {
        RequestState.GRANTED,
        RequestState.DECLINED,
    }
    assert open_round.requests.filter(state=RequestState.SUBMITTED).count() == 3
    assert dict(Pool.objects.values_list("model", "gpus")) == {"a100": 796, "h100": 880, "t4": 384}
