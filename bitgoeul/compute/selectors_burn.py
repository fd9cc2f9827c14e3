"""Reads of the burn area: a grant's parts with their use from the ledger, its burn-down in the
current period, the grants a viewer lists, and the figures the notices and reclaims test.

Use is what the ledger holds: the sum of a grant's `UsageEntry` lines per pool and period (the
period a job started in). SM-weighted GPU-hours and energy come only from the GPU agent; where
no line carries them they are None ("not reported"), never 0.

A job that both a scheduler (sacct, Kueue: the allocation) and the GPU agent (how the
allocation was used) reported must count once: where a grant has scheduler lines for a pool and
period, its GPU-hours are those lines' and the agent's lines add only SM-weighted GPU-hours and
energy; where it has only agent lines (a cluster without accounting), the agent's GPU-hours
count (`USED_SECONDS`, `used_seconds`). Charges follow the same rule (selectors_charges).

The burn-down counts a line on the day (Asia/Seoul) the ledger recorded it: the day the
platform learned of the use, which is when an agent's running totals or a sacct file arrive.
Lines recorded before the period count on its first day, after it on its last.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from bitgoeul.accounts.types import Viewer
from bitgoeul.compute.access import grants_at_least
from bitgoeul.compute.enums import GrantState, NoticeKind, UsageSource
from bitgoeul.compute.models import Grant, GrantNotice, GrantPart, UsageEntry
from bitgoeul.compute.periods import SEOUL, period_bounds
from bitgoeul.core.visibility import ViewLevel

HOUR = 3600.0

# Lines of the schedulers, the allocation's own record; the agent's measure how it was used.
ALLOCATED = Q(source__in=(UsageSource.SACCT, UsageSource.KUEUE))
# The annotations `used_seconds` reads: one group's GPU-seconds by kind of source.
USED_SECONDS = {
    "allocated": Sum("gpu_seconds", filter=ALLOCATED),
    "allocated_lines": Count("pk", filter=ALLOCATED),
    "measured": Sum("gpu_seconds", filter=~ALLOCATED),
}


def used_seconds(row: Any, allocated: bool | None = None) -> float:
    """A group's GPU-seconds counted once: the schedulers' lines where there are any (or where
    `allocated` says the whole grant has some), else the agent's."""
    if allocated is None:
        allocated = bool(row["allocated_lines"])
    return float((row["allocated"] if allocated else row["measured"]) or 0.0)


@dataclass(frozen=True)
class Used:
    gpu_hours: float = 0.0
    sm_gpu_hours: float | None = None  # None: no line carried it (only the agent reports it)
    kwh: float | None = None


@dataclass(frozen=True)
class PartRow:
    part: GrantPart
    used: Used

    @property
    def net(self) -> float:
        return self.part.net_gpu_hours

    @property
    def used_percent(self) -> int | None:
        net = self.net
        return round(100 * self.used.gpu_hours / net) if net > 0 else None


def usage_by_part(grant_ids: Collection[int]) -> dict[tuple[int, int, str], Used]:
    """(grant, pool, period) → the ledger's sums for those grants. One query."""
    rows = (
        UsageEntry.objects.filter(grant_id__in=grant_ids)
        .values("grant_id", "pool_id", "period")
        .annotate(
            **USED_SECONDS,
            sm=Sum("sm_gpu_seconds"),
            sm_lines=Count("sm_gpu_seconds"),
            wh=Sum("energy_wh"),
            wh_lines=Count("energy_wh"),
        )
        .order_by()
    )
    return {
        (row["grant_id"], row["pool_id"], row["period"]): Used(
            gpu_hours=used_seconds(row) / HOUR,
            sm_gpu_hours=row["sm"] / HOUR if row["sm_lines"] else None,
            kwh=row["wh"] / 1000 if row["wh_lines"] else None,
        )
        for row in rows
    }


def grant_part_rows(grant: Grant) -> list[PartRow]:
    """The grant's parts by period and pool, each with its use so far."""
    parts = list(grant.parts.select_related("pool").order_by("period", "pool__name"))
    used = usage_by_part([grant.pk])
    return [PartRow(p, used.get((grant.pk, p.pool_id, p.period), Used())) for p in parts]


def total_used(rows: Iterable[PartRow]) -> Used:
    rows = list(rows)
    sm = [r.used.sm_gpu_hours for r in rows if r.used.sm_gpu_hours is not None]
    kwh = [r.used.kwh for r in rows if r.used.kwh is not None]
    return Used(
        gpu_hours=sum(r.used.gpu_hours for r in rows),
        sm_gpu_hours=sum(sm) if sm else None,
        kwh=sum(kwh) if kwh else None,
    )


def elapsed_share(period: str, now: dt.datetime) -> float:
    """How much of the period has passed at `now`: 0 before it, 1 after it."""
    start, end = period_bounds(period)
    if now <= start:
        return 0.0
    if now >= end:
        return 1.0
    return (now - start) / (end - start)


@dataclass(frozen=True)
class Burndown:
    period: str
    days: list[dt.date]
    prorated: list[float]  # net × elapsed share at the end of each day
    used: list[float | None]  # cumulative GPU-hours at the end of each day; None: not yet
    kwh: list[float | None]  # cumulative energy, where the agent reported it
    net: float
    used_now: float
    prorated_now: float

    @property
    def rows(self) -> list[tuple[dt.date, float, float | None, float | None]]:
        return list(zip(self.days, self.prorated, self.used, self.kwh, strict=True))

    @property
    def has_energy(self) -> bool:
        return any(value for value in self.kwh)

    @property
    def used_percent(self) -> int | None:
        return round(100 * self.used_now / self.net) if self.net > 0 else None

    @property
    def pace_percent(self) -> int | None:
        """Use against the pro-rated share so far (100: exactly on pace)."""
        return round(100 * self.used_now / self.prorated_now) if self.prorated_now > 0 else None


def burndown(grant: Grant, period: str, now: dt.datetime) -> Burndown:
    """Day by day in `period`: the GPU-hours used so far against the pro-rated share (the net
    grant of the period × the share of the period passed). Days after today have no use.

    A line counts on the day its job ended, or, for a job still running when reported, on the
    day it was recorded (its use so far): jobs ingested in a batch after the month (a sacct file
    sent late) fall on the days they ran, not on the day they were sent."""
    start, end = period_bounds(period)
    net = sum(p.net_gpu_hours for p in grant.parts.filter(period=period))
    daily: dict[dt.date, tuple[float, float]] = {}
    rows: list[Any] = list(
        UsageEntry.objects.filter(grant=grant, period=period)
        .annotate(day=TruncDate(Coalesce("ended_at", "recorded_at"), tzinfo=SEOUL))
        .values("day")
        .annotate(**USED_SECONDS, wh=Sum("energy_wh"))
        .order_by()
    )
    allocated = any(row["allocated_lines"] for row in rows)
    first, last = start.date(), (end - dt.timedelta(days=1)).date()
    for row in rows:
        day = min(max(row["day"], first), last)
        seconds, wh = daily.get(day, (0.0, 0.0))
        daily[day] = (seconds + used_seconds(row, allocated), wh + (row["wh"] or 0.0))
    today = now.astimezone(SEOUL).date()
    days, prorated, used, kwh = [], [], [], []
    seconds_so_far = wh_so_far = 0.0
    day = first
    while day <= last:
        day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), SEOUL)
        days.append(day)
        prorated.append(net * elapsed_share(period, day_end))
        seconds, wh = daily.get(day, (0.0, 0.0))
        seconds_so_far += seconds
        wh_so_far += wh
        shown = day <= today
        used.append(seconds_so_far / HOUR if shown else None)
        kwh.append(wh_so_far / 1000 if shown else None)
        day += dt.timedelta(days=1)
    used_now = sum(seconds for seconds, _ in daily.values()) / HOUR
    return Burndown(
        period=period,
        days=days,
        prorated=prorated,
        used=used,
        kwh=kwh,
        net=net,
        used_now=used_now,
        prorated_now=net * elapsed_share(period, now),
    )


# --- the figures the notices and reclaims test -------------------------------------------------


@dataclass(frozen=True)
class PeriodUse:
    grant: Grant
    net: float
    used: float

    @property
    def share(self) -> float:
        return self.used / self.net if self.net > 0 else 0.0


def period_use(period: str, grant_ids: Collection[int] | None = None) -> list[PeriodUse]:
    """Each active grant with a part in `period`: its net GPU-hours there and its use. Two
    queries."""
    parts = GrantPart.objects.filter(period=period, grant__state=GrantState.ACTIVE)
    if grant_ids is not None:
        parts = parts.filter(grant_id__in=grant_ids)
    net: dict[int, float] = defaultdict(float)
    grants: dict[int, Grant] = {}
    for part in parts.select_related("grant__company__organization").order_by("grant_id"):
        net[part.grant_id] += part.net_gpu_hours
        grants[part.grant_id] = part.grant
    used = {
        row["grant_id"]: used_seconds(row)
        for row in UsageEntry.objects.filter(grant_id__in=list(grants), period=period)
        .values("grant_id")
        .annotate(**USED_SECONDS)
        .order_by()
    }
    return [
        PeriodUse(grant=grants[gid], net=net[gid], used=(used.get(gid) or 0.0) / HOUR)
        for gid in grants
    ]


def mid_period_share(use: PeriodUse) -> float:
    """The pro-rated GPU-hours at mid-period: half the net grant."""
    return use.net * 0.5


def is_idle(use: PeriodUse, period: str, now: dt.datetime) -> bool:
    """From mid-period on (until the period ends): below `COMPUTE_IDLE_SHARE` of the pro-rated
    GPU-hours at mid-period. The yardstick is fixed at mid-period so that a grant does not turn
    idle later only because the pro-rated share kept growing while the daily run was late."""
    share = elapsed_share(period, now)
    if share < 0.5 or share >= 1.0 or use.net <= 0:
        return False
    return use.used < settings.COMPUTE_IDLE_SHARE * mid_period_share(use)


def part_used_gpu_hours(part: GrantPart) -> float:
    row = UsageEntry.objects.filter(
        grant_id=part.grant_id, pool_id=part.pool_id, period=part.period
    ).aggregate(**USED_SECONDS)
    return used_seconds(row) / HOUR


def reclaimable_gpu_hours(part: GrantPart, used: float) -> float:
    """The most a reclaim may take from the part: its net GPU-hours less what was used and a
    margin of `COMPUTE_RECLAIM_MARGIN` × the GPU-hours granted, left for the rest of the month
    (never below 0). The margin is of the grant as made, so a second reclaim cannot eat it."""
    margin = settings.COMPUTE_RECLAIM_MARGIN * part.gpu_hours
    return max(0.0, part.net_gpu_hours - used - margin)


def was_warned_idle(grant_id: int, period: str) -> bool:
    return GrantNotice.objects.filter(
        grant_id=grant_id, period=period, kind=NoticeKind.IDLE
    ).exists()


# --- lists -------------------------------------------------------------------------------------

USE_FILTERS = ("idle", "under")


def grants_listed(
    viewer: Viewer,
    *,
    round_id: int | None = None,
    pool_id: int | None = None,
    period: str = "",
    use: str = "",
) -> QuerySet[Grant]:
    """The grants the viewer sees at the RECORD level (their companies', their chapter's; all
    for staff). `use="idle"`: warned as idle in `period` (the staff's idle grants list)."""
    rows = Grant.objects.filter(grants_at_least(viewer, ViewLevel.RECORD)).select_related(
        "company__organization", "round", "request"
    )
    if round_id is not None:
        rows = rows.filter(round_id=round_id)
    if pool_id is not None:
        rows = rows.filter(parts__pool_id=pool_id)
    if period:
        rows = rows.filter(parts__period=period)
    if use == "idle":
        warned = GrantNotice.objects.filter(grant=OuterRef("pk"), kind=NoticeKind.IDLE)
        if period:
            warned = warned.filter(period=period)
        rows = rows.filter(Exists(warned))
    return rows.distinct().order_by("-created_at", "-pk")


def under_use_ids(grant_ids: Collection[int], period: str, now: dt.datetime) -> set[int]:
    """Of `grant_ids`, those below `COMPUTE_IDLE_SHARE` of their pro-rated share in `period`
    at `now` (whatever the day of the month: the staff's "under-use" filter)."""
    share = elapsed_share(period, now)
    return {
        use.grant.pk
        for use in period_use(period, grant_ids)
        if use.net > 0 and use.used < settings.COMPUTE_IDLE_SHARE * use.net * share
    }


def period_figures(grant_ids: Collection[int], period: str) -> dict[int, tuple[float, float]]:
    """grant → (net GPU-hours, used GPU-hours) in `period`, for a list's columns."""
    return {use.grant.pk: (use.net, use.used) for use in period_use(period, grant_ids)}


def pool_use(period: str) -> dict[int, float]:
    """GPU-hours used per pool in `period`, every grant's and the unmatched accounts' lines,
    each (grant, pool) counted once by `used_seconds`. One query."""
    rows = (
        UsageEntry.objects.filter(period=period, pool__isnull=False)
        .values("grant_id", "pool_id")
        .annotate(**USED_SECONDS)
        .order_by()
    )
    used: dict[int, float] = defaultdict(float)
    for row in rows:
        used[row["pool_id"]] += used_seconds(row) / HOUR
    return dict(used)
