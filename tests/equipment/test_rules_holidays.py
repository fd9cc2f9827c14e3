"""The Korean public holidays loaded by migration 0003 (`equipment.holidays_kr`)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps

from bitgoeul.equipment.holidays_kr import KOREAN_PUBLIC_HOLIDAYS
from bitgoeul.equipment.models import PublicHoliday
from tests.equipment.factories import ItemFactory
from tests.equipment.rules_helpers import at, codes
from tests.factories import CompanyRecordFactory

pytestmark = pytest.mark.django_db


def _load() -> None:
    # a test that commits may have flushed the rows the migration wrote: load them again
    importlib.import_module("bitgoeul.equipment.migrations.0003_rules_korean_public_holidays").load(
        django_apps, None
    )


def test_lunar_and_substitute_holidays_are_there() -> None:
    _load()
    names = dict(PublicHoliday.objects.values_list("date", "name"))
    assert [names.get(dt.date.fromisoformat(d)) for d in ("2026-02-17", "2026-09-25")] == [
        "설날",
        "추석",
    ]
    assert [
        names.get(dt.date.fromisoformat(d)) for d in ("2025-10-08", "2026-08-17", "2027-02-09")
    ] == ["대체공휴일(추석)", "대체공휴일(광복절)", "대체공휴일(설날)"]
    assert PublicHoliday.objects.count() == len(KOREAN_PUBLIC_HOLIDAYS)


def test_substitute_holidays_fall_on_weekdays() -> None:
    substitutes = [
        dt.date.fromisoformat(day)
        for day, name, _ in KOREAN_PUBLIC_HOLIDAYS
        if name.startswith("대체공휴일")
    ]
    assert [day for day in substitutes if day.weekday() >= 5] == []
    assert len({day for day, _, _ in KOREAN_PUBLIC_HOLIDAYS}) == len(KOREAN_PUBLIC_HOLIDAYS)


def test_a_substitute_holiday_closes_an_item() -> None:
    _load()
    item = ItemFactory.create(closed_on_holidays=True, max_advance_days=1000)
    company = CompanyRecordFactory.create()
    now = at(1, 0, month=1, year=2026)
    assert codes(item, company, at(17, 10, month=8), at(17, 11, month=8), now=now) == ["holiday"]
    assert codes(item, company, at(18, 10, month=8), at(18, 11, month=8), now=now) == []
