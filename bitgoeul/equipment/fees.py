"""The fee of a booking, in whole KRW: the item's rate per started hour or per started day
(in Asia/Seoul calendar days), less the larger of the discounts the company qualifies for
(Gwangju companies; young start-ups, founded less than `YOUNG_YEARS` years before the start)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import FeeUnit
from bitgoeul.equipment.models import Item

SEOUL = ZoneInfo("Asia/Seoul")
YOUNG_YEARS = 7  # 창업 7년 이내: the usual bound of a young start-up in Korean support rules
LOCAL_PROVINCE = "gwangju"  # companies.regions code


def booking_fee(
    item: Item, company: Company, starts_at: dt.datetime, ends_at: dt.datetime
) -> tuple[int, dict[str, Any]]:
    """(fee, detail) where detail names the unit, the units charged, the rate and the discount."""
    if item.fee_unit == FeeUnit.FREE or item.fee_krw == 0:
        return 0, {"unit": FeeUnit.FREE.value}
    if item.fee_unit == FeeUnit.HOUR:
        units = math.ceil((ends_at - starts_at).total_seconds() / 3600)
    else:
        first = starts_at.astimezone(SEOUL).date()
        last = (ends_at - dt.timedelta(microseconds=1)).astimezone(SEOUL).date()
        units = (last - first).days + 1
    gross = units * item.fee_krw
    discounts = []
    if item.discount_local_percent and company.province == LOCAL_PROVINCE:
        discounts.append(("local", item.discount_local_percent))
    start_day = starts_at.astimezone(SEOUL).date()
    if (
        item.discount_young_percent
        and company.founded_on is not None
        and company.founded_on > start_day.replace(year=start_day.year - YOUNG_YEARS)
    ):
        discounts.append(("young", item.discount_young_percent))
    reason, percent = max(discounts, key=lambda d: d[1], default=("", 0))
    fee = gross - gross * percent // 100
    return fee, {
        "unit": str(item.fee_unit),
        "units": units,
        "rate": item.fee_krw,
        "gross": gross,
        "discount": reason,
        "discount_percent": percent,
    }
