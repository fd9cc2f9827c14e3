"""Charges: the ledger's GPU-hours × each pool's tariff, less the best discount, per company and
month (docs/compute.md, "Charges and statements").

- A month's use is every ledger line of the company in that period (the month a job started
  in, Asia/Seoul) with a pool; a line without a pool (an untyped GPU) has no tariff and is not
  charged.
- Discounts do not stack: of the active discounts that fit the company and pool (the pool's or
  every pool's; the company's stage, its chapter, or neither), the largest percentage applies.
- Each line (pool) is charged in whole KRW, fractions of a won dropped (원 미만 절사: the
  company is never charged a won it did not use); the total is the sum of the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import Count, Sum

from bitgoeul.companies.models import Company
from bitgoeul.compute.models import Discount, Pool, UsageEntry
from bitgoeul.compute.selectors_burn import USED_SECONDS, used_seconds

SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class ChargeLine:
    pool: Pool
    gpu_seconds: float
    krw_per_gpu_hour: int
    discount: Discount | None
    kwh: float | None  # None: no line carried energy (only the agent reports it)

    @property
    def gpu_hours(self) -> float:
        return self.gpu_seconds / 3600

    @property
    def discount_percent(self) -> int:
        return self.discount.percent if self.discount else 0

    @property
    def gross_krw(self) -> int:
        return _whole(Decimal(repr(self.gpu_seconds)) * self.krw_per_gpu_hour / SECONDS_PER_HOUR)

    @property
    def amount_krw(self) -> int:
        exact = (
            Decimal(repr(self.gpu_seconds))
            * self.krw_per_gpu_hour
            * (100 - self.discount_percent)
            / (SECONDS_PER_HOUR * 100)
        )
        return _whole(exact)

    @property
    def discount_krw(self) -> int:
        return self.gross_krw - self.amount_krw


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_DOWN))


@dataclass(frozen=True)
class Statement:
    company: Company
    period: str
    lines: list[ChargeLine]

    @property
    def gpu_hours(self) -> float:
        return sum(line.gpu_hours for line in self.lines)

    @property
    def kwh(self) -> float | None:
        values = [line.kwh for line in self.lines if line.kwh is not None]
        return sum(values) if values else None

    @property
    def gross_krw(self) -> int:
        return sum(line.gross_krw for line in self.lines)

    @property
    def discount_krw(self) -> int:
        return sum(line.discount_krw for line in self.lines)

    @property
    def total_krw(self) -> int:
        return sum(line.amount_krw for line in self.lines)


def best_discount(company: Company, pool: Pool, discounts: list[Discount]) -> Discount | None:
    """The largest active discount that fits the company and the pool (ties: the lowest id)."""
    chapter_id = company.organization.parent_id
    fitting = [
        d
        for d in discounts
        if d.is_active
        and (d.pool_id is None or d.pool_id == pool.pk)
        and (not d.stage or d.stage == company.stage)
        and (d.chapter_id is None or d.chapter_id == chapter_id)
    ]
    return max(fitting, key=lambda d: (d.percent, -d.pk), default=None)


def _usage_rows(period: str, company_ids: list[int] | None) -> list[dict[str, Any]]:
    rows = UsageEntry.objects.filter(period=period, pool__isnull=False, company__isnull=False)
    if company_ids is not None:
        rows = rows.filter(company_id__in=company_ids)
    found: Any = (
        rows.values("company_id", "pool_id")
        .annotate(**USED_SECONDS, wh=Sum("energy_wh"), wh_lines=Count("energy_wh"))
        .order_by()
    )
    return list(found)


def _statements(period: str, companies: list[Company]) -> list[Statement]:
    by_company = {c.pk: c for c in companies}
    rows = _usage_rows(period, list(by_company))
    pools = {p.pk: p for p in Pool.objects.filter(pk__in={r["pool_id"] for r in rows})}
    discounts = list(Discount.objects.filter(is_active=True))
    lines: dict[int, list[ChargeLine]] = {pk: [] for pk in by_company}
    for row in rows:
        company = by_company[row["company_id"]]
        pool = pools[row["pool_id"]]
        lines[company.pk].append(
            ChargeLine(
                pool=pool,
                gpu_seconds=used_seconds(row),
                krw_per_gpu_hour=pool.krw_per_gpu_hour,
                discount=best_discount(company, pool, discounts),
                kwh=float(row["wh"]) / 1000 if row["wh_lines"] else None,
            )
        )
    return [
        Statement(
            company=by_company[pk],
            period=period,
            lines=sorted(found, key=lambda line: (line.pool.name, line.pool.pk)),
        )
        for pk, found in lines.items()
    ]


def company_statement(company: Company, period: str) -> Statement:
    """The company's charges for `period`, a line per pool."""
    return _statements(period, [company])[0]


def month_statements(period: str) -> list[Statement]:
    """Every company charged in `period` (staff's totals), by company name."""
    ids = (
        UsageEntry.objects.filter(period=period, pool__isnull=False, company__isnull=False)
        .values_list("company_id", flat=True)
        .distinct()
    )
    companies = list(
        Company.objects.filter(pk__in=list(ids))
        .select_related("organization")
        .order_by("organization__name", "pk")
    )
    return _statements(period, companies)
