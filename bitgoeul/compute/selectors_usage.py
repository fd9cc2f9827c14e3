"""Reads of the usage ledger for staff's ledger page and its export (area "ingest")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet, Sum

from bitgoeul.compute.enums import GrantState
from bitgoeul.compute.models import Grant, UsageEntry


@dataclass(frozen=True)
class LedgerFilter:
    source: str = ""
    cluster: str = ""
    account: str = ""
    matched: str = ""  # "", "yes" or "no"
    period: str = ""


@dataclass(frozen=True)
class LedgerTotals:
    lines: int
    gpu_hours: float
    energy_kwh: float | None


def ledger_lines(which: LedgerFilter) -> QuerySet[UsageEntry]:
    """The ledger's lines that pass the filter, newest first."""
    rule = Q()
    if which.source:
        rule &= Q(source=which.source)
    if which.cluster:
        rule &= Q(cluster=which.cluster)
    if which.account:
        rule &= Q(account=which.account)
    if which.matched == "yes":
        rule &= Q(grant__isnull=False)
    elif which.matched == "no":
        rule &= Q(grant__isnull=True)
    if which.period:
        rule &= Q(period=which.period)
    return (
        UsageEntry.objects.filter(rule)
        .select_related("pool", "company__organization")
        .annotate(gpu_hours=ExpressionWrapper(F("gpu_seconds") / 3600.0, output_field=FloatField()))
        .order_by("-recorded_at", "-pk")
    )


def ledger_totals(lines: QuerySet[UsageEntry]) -> LedgerTotals:
    found: dict[str, Any] = lines.order_by().aggregate(
        count=Count("pk"), seconds=Sum("gpu_seconds"), wh=Sum("energy_wh")
    )
    wh = found["wh"]
    return LedgerTotals(
        lines=found["count"],
        gpu_hours=(found["seconds"] or 0) / 3600,
        energy_kwh=None if wh is None else wh / 1000,
    )


def unmatched_accounts() -> list[dict[str, Any]]:
    """Accounts whose usage matched no grant: cluster, account, lines and GPU-hours."""
    rows = (
        UsageEntry.objects.filter(grant__isnull=True)
        .values("cluster", "account")
        .annotate(lines=Count("pk"), seconds=Sum("gpu_seconds"))
        .order_by("cluster", "account")
    )
    return [{**row, "gpu_hours": (row["seconds"] or 0) / 3600} for row in rows]


def unmatched_account_count() -> int:
    """Accounts (per cluster) whose usage matched no grant. One query."""
    return (
        UsageEntry.objects.filter(grant__isnull=True)
        .values("cluster", "account")
        .distinct()
        .order_by()
        .count()
    )


def ledger_clusters() -> list[str]:
    return list(UsageEntry.objects.order_by().values_list("cluster", flat=True).distinct())


def assignable_grants() -> QuerySet[Grant]:
    return (
        Grant.objects.filter(state=GrantState.ACTIVE)
        .select_related("company__organization")
        .order_by("company__organization__name", "-created_at")
    )
