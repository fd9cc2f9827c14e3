"""Burn-down figures, notices once, idle detection, reclaim and reassignment (issue 12 item 5)."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connections
from django.utils import translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.compute.enums import NoticeKind, RequestState
from bitgoeul.compute.models import Grant, GrantNotice, GrantPart, Reclaim, UsageEntry
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.selectors_burn import burndown
from bitgoeul.compute.services.burn import (
    ReclaimRefused,
    grant_notices_send,
    grant_part_reclaim,
)
from bitgoeul.notifications.models import Notification
from tests.compute.factories import add_usage, make_grant, make_pool, make_request, make_round
from tests.conftest import World
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

MARCH = "2027-03"  # 31 days: 744 hours


def seoul(day: int, hour: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, tzinfo=SEOUL)


def _kinds(grant: Grant) -> list[str]:
    return sorted(GrantNotice.objects.filter(grant=grant).values_list("kind", flat=True))


@pytest.mark.django_db
def test_burndown_counts_use_by_day_against_the_prorated_share(world: World) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 744.0})
    add_usage(grant, h100, 10, day=1)
    add_usage(grant, h100, 20, day=3, kwh=5.0)
    add_usage(grant, h100, 7, day=3)

    burn = burndown(grant, MARCH, seoul(4, 12))

    assert (len(burn.days), burn.days[0], burn.days[-1]) == (
        31,
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 31),
    )
    assert (burn.prorated[0], burn.prorated[15], burn.prorated[30]) == (24.0, 384.0, 744.0)
    assert burn.used[:5] == [10.0, 10.0, 37.0, 37.0, None]
    assert burn.kwh[:5] == [0.0, 0.0, 5.0, 5.0, None]
    assert (burn.net, burn.used_now) == (744.0, 37.0)
    assert burn.prorated_now == pytest.approx(84.0)
    assert (burn.used_percent, burn.pace_percent) == (5, 44)


@pytest.mark.django_db
def test_burndown_of_a_reclaimed_part_uses_the_net_grant(world: World) -> None:
    h100, a100 = make_pool("h100"), make_pool("a100")
    grant = make_grant(world.company, {(h100, MARCH): 744.0, (a100, MARCH): 310.0})
    GrantPart.objects.filter(grant=grant, pool=h100).update(reclaimed_gpu_hours=434.0)
    burn = burndown(grant, MARCH, seoul(31, 23))
    assert (burn.net, burn.prorated[0], burn.prorated[-1]) == (620.0, 20.0, 620.0)


@pytest.mark.django_db
def test_use_notices_are_sent_once_per_grant_period_and_kind(world: World) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 100.0})
    add_usage(grant, h100, 55, day=2)

    first = grant_notices_send(now=seoul(5))
    again = grant_notices_send(now=seoul(6))
    assert (first.used, first.notified, again.used, again.notified) == (1, 2, 0, 0)
    assert _kinds(grant) == [NoticeKind.USED_50]

    add_usage(grant, h100, 30, day=6)
    assert grant_notices_send(now=seoul(7)).used == 1
    add_usage(grant, h100, 20, day=7)
    assert grant_notices_send(now=seoul(8)).used == 1
    assert grant_notices_send(now=seoul(9)).used == 0
    assert _kinds(grant) == [NoticeKind.USED_100, NoticeKind.USED_50, NoticeKind.USED_80]
    # the company's two members, three notices each; nobody else
    sent = Notification.objects.filter(kind="compute.grant_used")
    assert sorted(set(sent.values_list("recipient_id", flat=True))) == sorted(
        [world.owner.pk, world.teammate.pk]
    )
    assert sent.count() == 6


@pytest.mark.django_db
def test_crossing_two_thresholds_at_once_records_both_and_tells_the_highest(world: World) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 100.0})
    add_usage(grant, h100, 85, day=2)
    run = grant_notices_send(now=seoul(3))
    assert (run.used, run.notified) == (2, 2)
    assert _kinds(grant) == [NoticeKind.USED_50, NoticeKind.USED_80]
    notice = Notification.objects.filter(recipient=world.owner).get()
    assert (notice.params["kind"], notice.params["percent"]) == (NoticeKind.USED_80, 85)


@pytest.mark.django_db
def test_the_command_sends_notices_and_a_second_run_sends_nothing(world: World) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 100.0})
    add_usage(grant, h100, 60, day=2)
    call_command("compute", "notices", "--at", "2027-03-05T09:00:00+09:00")
    call_command("compute", "notices", "--at", "2027-03-06T09:00:00+09:00")
    assert _kinds(grant) == [NoticeKind.USED_50]
    assert Notification.objects.filter(recipient=world.owner).count() == 1


@pytest.mark.django_db
def test_idle_is_warned_from_mid_period_below_the_idle_share(world: World) -> None:
    h100 = make_pool("h100")
    idle = make_grant(world.company, {(h100, MARCH): 744.0})
    busy = make_grant(world.other_company, {(h100, MARCH): 744.0})
    add_usage(idle, h100, 90, day=2)
    add_usage(busy, h100, 100, day=2)

    # before mid-month nobody is idle, however little they used
    assert grant_notices_send(now=seoul(15, 12)).idle == 0
    # from mid-month: the yardstick is the pro-rated share at mid-month, 372; 25% of it is 93
    run = grant_notices_send(now=seoul(17))
    assert (run.idle, _kinds(idle), _kinds(busy)) == (1, [NoticeKind.IDLE], [])
    assert grant_notices_send(now=seoul(18)).idle == 0
    notice = Notification.objects.filter(recipient=world.owner, kind="compute.grant_idle").get()
    assert (notice.params["used"], notice.params["prorated"]) == ("90", "372")


@pytest.mark.django_db
def test_idle_share_is_a_setting(world: World, settings: object) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 744.0})
    add_usage(grant, h100, 90, day=2)
    settings.COMPUTE_IDLE_SHARE = 0.2  # type: ignore[attr-defined]  # 0.2 × 372 = 74.4 < 90
    assert grant_notices_send(now=seoul(17)).idle == 0


# --- reclaim -----------------------------------------------------------------------------------


def _warned(grant: Grant) -> Grant:
    GrantNotice.objects.create(grant=grant, period=MARCH, kind=NoticeKind.IDLE)
    return grant


@pytest.mark.django_db
def test_reclaim_gives_the_freed_hours_in_the_engines_order(world: World) -> None:
    h100, a100 = make_pool("h100"), make_pool("a100")
    rnd = make_round([MARCH], [h100, a100])
    other_round = make_round([MARCH], [h100], name="다른 차수")
    grant = _warned(make_grant(world.company, {(h100, MARCH): 744.0}, rnd=rnd))
    add_usage(grant, h100, 90, day=2)
    waiting, declined = RequestState.WAITING, RequestState.DECLINED
    early, late = seoul(1, month=1), seoul(2, month=1)
    other = world.other_company

    def req(state: str, weight: float | None, demand: float, minimum: float, **kw: Any) -> int:
        kw.setdefault("pools", [h100])
        kw.setdefault("periods", [MARCH])
        kw.setdefault("rnd", rnd if state == declined else None)
        kw.setdefault("gpus", 1)
        made = make_request(other, state=state, weight=weight, demand=demand, minimum=minimum, **kw)
        return made.pk

    r1 = req(waiting, 0.9, 300, 100)  # rolling, highest weight: all it asks
    r2 = req(declined, 0.8, 2000, 500, submitted_at=early, gpus=4)  # 200 left < its minimum
    r3 = req(declined, 0.8, 150, 50, submitted_at=early)  # same weight, submitted first
    r4 = req(declined, 0.8, 100, 0, submitted_at=late)  # gets what is left: 50
    r5 = req(declined, 0.95, 100, 0, rnd=other_round)  # another round's
    r6 = req(waiting, 0.99, 100, 0, pools=[a100])  # another pool
    r7 = req(waiting, 0.99, 100, 0, periods=["2027-04"])  # another month
    r8 = req(waiting, None, 100, 0)  # no weight: last; nothing left for it

    reclaim = grant_part_reclaim(
        part=grant.parts.get(),
        gpu_hours=500,
        reason="3월 중순까지 사용 없음",
        actor=world.operator,
        now=seoul(17, 10),
    )

    assert reclaim.reassigned == [
        {"request": r1, "grant": Grant.objects.get(request_id=r1).pk, "gpu_hours": 300.0},
        {"request": r3, "grant": Grant.objects.get(request_id=r3).pk, "gpu_hours": 150.0},
        {"request": r4, "grant": Grant.objects.get(request_id=r4).pk, "gpu_hours": 50.0},
    ]
    assert grant.parts.get().reclaimed_gpu_hours == 500.0
    granted = set(Grant.objects.filter(reason="reclaim").values_list("request_id", flat=True))
    assert granted == {r1, r3, r4}
    assert not Grant.objects.filter(request_id__in=[r2, r5, r6, r7, r8]).exists()
    part = GrantPart.objects.get(grant__request_id=r3)
    assert (part.pool, part.period, part.gpu_hours) == (h100, MARCH, 150.0)
    from bitgoeul.compute.models import ComputeRequest

    states = dict(ComputeRequest.objects.values_list("pk", "state"))
    assert [states[r] for r in (r1, r2, r3, r4, r8)] == [
        RequestState.GRANTED,
        declined,
        RequestState.GRANTED,
        RequestState.GRANTED,
        waiting,
    ]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["compute.grant_from_reclaim"] * 3 + ["compute.reclaim"]
    event = AuditEvent.objects.get(action="compute.reclaim")
    assert (event.before, (event.after or {})["reclaimed_gpu_hours"]) == (
        {"reclaimed_gpu_hours": 0.0},
        500.0,
    )
    told = Notification.objects.filter(kind="compute.grant_reclaimed")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [world.owner.pk, world.teammate.pk]
    )
    assert Notification.objects.filter(kind="compute.grant_from_reclaim").count() == 3


@pytest.mark.django_db
@translation.override("en")
def test_reclaim_is_refused_unless_warned_current_and_within_the_limit(world: World) -> None:
    h100 = make_pool("h100")
    grant = make_grant(world.company, {(h100, MARCH): 744.0})
    add_usage(grant, h100, 90, day=2)
    part = grant.parts.get()
    now = seoul(17, 10)
    with pytest.raises(ReclaimRefused, match="warned as idle"):
        grant_part_reclaim(part=part, gpu_hours=10, reason="유휴", actor=world.operator, now=now)
    _warned(grant)
    with pytest.raises(ReclaimRefused, match="this month"):
        grant_part_reclaim(
            part=part, gpu_hours=10, reason="유휴", actor=world.operator, now=seoul(1, month=4)
        )
    # 744 − 90 used − a margin of 10% of 744 = 579.6
    with pytest.raises(ReclaimRefused, match=r"579\.6"):
        grant_part_reclaim(part=part, gpu_hours=580, reason="유휴", actor=world.operator, now=now)
    with pytest.raises(ReclaimRefused, match="Write why"):
        grant_part_reclaim(part=part, gpu_hours=10, reason="  ", actor=world.operator, now=now)
    grant_part_reclaim(part=part, gpu_hours=579.6, reason="유휴", actor=world.operator, now=now)
    part.refresh_from_db()
    assert (part.reclaimed_gpu_hours, Reclaim.objects.get().reassigned) == (579.6, [])
    # what is left is the margin: nothing more can be taken
    with pytest.raises(ReclaimRefused, match=r"at most 0\.0"):
        grant_part_reclaim(part=part, gpu_hours=1, reason="유휴", actor=world.operator, now=now)


@pytest.mark.django_db(transaction=True)
def test_two_reclaims_at_once_never_grant_a_request_twice() -> None:
    h100 = make_pool("h100")
    staff = UserFactory.create()
    grants = []
    for _ in range(2):
        company = CompanyFactory.create()
        MembershipFactory.create(organization=company)
        grant = _warned(make_grant(company, {(h100, MARCH): 744.0}))
        add_usage(grant, h100, 10, day=2)
        grants.append(grant)
    waiter = CompanyFactory.create()
    wanted = make_request(
        waiter,
        pools=[h100],
        periods=[MARCH],
        gpus=1,
        state=RequestState.WAITING,
        demand=300,
        minimum=300,
        weight=0.5,
    )
    barrier = Barrier(2)

    def attempt(n: int) -> Reclaim | None:
        close_old_connections()
        try:
            barrier.wait()
            # SQLite's shared test database answers "locked" rather than waiting: try again,
            # as a busy PostgreSQL server would wait on the row lock.
            for _ in range(2000):
                try:
                    return grant_part_reclaim(
                        part=grants[n].parts.get(),
                        gpu_hours=400,
                        reason="유휴",
                        actor=staff,
                        now=seoul(17, 10),
                    )
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.005)
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reclaims = list(pool.map(attempt, range(2)))
    assert all(r is not None for r in reclaims)
    given = [entry for r in reclaims if r is not None for entry in r.reassigned]
    assert [(e["request"], e["gpu_hours"]) for e in given] == [(wanted.pk, 300.0)]
    assert Grant.objects.filter(request=wanted).count() == 1
    assert sorted(
        GrantPart.objects.filter(grant__in=grants).values_list("reclaimed_gpu_hours", flat=True)
    ) == [400.0, 400.0]


@pytest.mark.django_db
def test_a_late_sacct_file_falls_on_the_days_its_jobs_ran() -> None:
    """Jobs ingested in one batch after their month count on the days they ended; a running
    job's use so far counts on the day it was reported."""
    h100 = make_pool("h100")
    grant = make_grant(CompanyFactory.create(), {(h100, "2026-11"): 1440.0})
    late = add_usage(grant, h100, 10, period="2026-11", day=3)
    running = add_usage(grant, h100, 4, period="2026-11", day=10)
    UsageEntry.objects.filter(pk=late.pk).update(recorded_at=dt.datetime(2026, 12, 1, tzinfo=SEOUL))
    UsageEntry.objects.filter(pk=running.pk).update(ended_at=None)
    now = dt.datetime(2026, 12, 2, tzinfo=SEOUL)
    shown = burndown(grant, "2026-11", now)
    used = dict(zip(shown.days, shown.used, strict=True))
    assert (used[dt.date(2026, 11, 2)], used[dt.date(2026, 11, 3)]) == (0.0, 10.0)
    assert (used[dt.date(2026, 11, 9)], used[dt.date(2026, 11, 10)]) == (10.0, 14.0)
