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


@pytest.mark.django_db
def test_demo_usage_fills_this_months_burn_down_once() -> None:
    """This month's jobs of the decided round's grants (ended before now), the agent's figures
    of the first grant, and an unmatched account; loading again adds no line."""
    from django.utils import timezone

    from bitgoeul.compute.demo_usage import UNMATCHED
    from bitgoeul.compute.models import UsageEntry
    from bitgoeul.compute.periods import period_bounds, period_of

    load_demo()
    lines = UsageEntry.objects.count()
    load_demo()
    assert UsageEntry.objects.count() == lines
    start, _end = period_bounds(period_of(timezone.now()))
    if (timezone.now() - start).days < 1:
        assert lines == 0  # no finished day this month yet
        return
    decided = Round.objects.get(state=RoundState.APPROVED)
    charged = UsageEntry.objects.filter(grant__round=decided, source="sacct")
    assert charged.values("grant").distinct().count() == Grant.objects.filter(round=decided).count()
    assert all(e.ended_at is not None and e.ended_at <= timezone.now() for e in charged)
    assert UsageEntry.objects.filter(source="agent", energy_wh__gt=0).exists()
    assert UsageEntry.objects.filter(account=UNMATCHED, grant=None).count() == 2


@pytest.mark.django_db
def test_the_demo_s_compute_events_name_their_objects_and_link_them_for_staff() -> None:
    from django.utils import translation

    from bitgoeul.accounts.models import User
    from bitgoeul.audit.models import AuditEvent
    from bitgoeul.audit.selectors import audit_events_present
    from bitgoeul.compute.models import ComputeRequest

    load_demo()
    event = AuditEvent.objects.filter(action="compute.request_submit").select_related("actor")[0]
    request = ComputeRequest.objects.select_related("company__organization").get(pk=event.object_id)
    staff = User.objects.get(email="operator@bitgoeul.kr")
    member = event.actor
    assert member is not None
    with translation.override("ko"):
        for_staff = audit_events_present([event], viewer=staff)[0].sentence
        for_member = audit_events_present([event], viewer=member)[0].sentence
    assert request.project in for_staff and request.company.organization.name in for_staff
    assert f'href="/compute/requests/{request.pk}/"' in for_staff
    assert for_staff.startswith(f"{member.name} 님이 GPU 신청 ")
    assert "href=" not in for_member and request.project in for_member
    run = AuditEvent.objects.filter(action="compute.round_approve").first()
    if run is not None:
        with translation.override("en"):
            sentence = audit_events_present([run], viewer=staff)[0].sentence
        assert "record #" not in sentence
