"""The booking form in a browser (issue 13): a company member finds the item free on the "free
time" page, opens it and books a weekly series on a phone;
the preview shows the date another company took as skipped, and the series is booked without it;
then the same form on a desktop. Screenshots land in docs/screenshots/equipment-book-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import User
from bitgoeul.equipment.models import Accessory, BookingSeries
from bitgoeul.equipment.services.bookings import booking_create
from bitgoeul.web.demo import DEMO_PASSWORD
from tests.companies.helpers import company_record
from tests.e2e.conftest import login, screenshot
from tests.equipment.factories import ItemFactory, grid_time
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def contexts(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[list[Any]]:
    opened: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(viewport: dict[str, int], user: User) -> Page:
        context = browser.new_context(viewport=viewport, locale="ko-KR")  # type: ignore[arg-type]
        host = urlsplit(str(live_server.url)).hostname or "localhost"
        context.add_cookies(
            [{"name": "django_language", "value": "ko", "domain": host, "path": "/"}]
        )
        opened.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, str(live_server.url), user.email)
        return page

    yield [open_page, str(live_server.url)]
    for context in opened:
        context.close()
    assert errors == []


def test_member_books_a_weekly_series_skipping_the_taken_date(contexts: list[Any]) -> None:
    open_page, base = contexts
    company = company_record(CompanyFactory.create(name="(주)빛고을모빌리티"))
    member = MembershipFactory.create(organization=company.organization, role=MembershipRole.ADMIN)
    member.user.set_password(DEMO_PASSWORD)
    member.user.save()
    item = ItemFactory.create(
        name="자율주행 라이다 센서 키트", min_minutes=60, location="모빌리티센터 1층 시험동"
    )
    Accessory.objects.create(item=item, name="차량 거치대", quantity=2)
    first = grid_time(3, 10)
    taken = first + dt.timedelta(weeks=1)
    booking_create(
        item=item,
        company=company_record(CompanyFactory.create(name="(주)광주센싱")),
        starts_at=taken,
        ends_at=taken + dt.timedelta(hours=1),
        actor=None,
    )
    phone = open_page(PHONE, member.user)
    local = first.astimezone(dt.timezone(dt.timedelta(hours=9)))
    # the member finds a free slot: what is free on the first date from 10 to 12, then the item
    window = f"?start={local:%Y-%m-%d}T10:00&end={local:%Y-%m-%d}T12:00"
    phone.goto(base + reverse("equipment:free_time") + window)
    phone.get_by_role("link", name="자율주행 라이다 센서 키트").first.click()
    phone.get_by_role("link", name="이 장비 예약하기").click()
    expect(phone.locator("h1")).to_have_text("자율주행 라이다 센서 키트 예약")
    phone.fill("#id_start_day", local.date().isoformat())
    phone.fill("#id_start_time", "10:00")
    phone.fill("#id_end_time", "12:00")
    phone.fill("#id_purpose", "라이다 기반 보행자 인식 모델 주행 시험")
    phone.select_option("#id_repeat", "weekly")
    phone.fill("#id_count", "3")
    phone.get_by_role("button", name="예약하기").click()
    expect(phone.locator("table.series-preview tbody tr")).to_have_count(3)
    expect(phone.locator("#skip-2")).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "equipment-book-series-preview-phone")
    phone.get_by_role("button", name="건너뛸 날짜를 빼고 반복 예약하기").click()
    expect(phone.locator("h1")).to_have_text("반복 예약 완료")
    series = BookingSeries.objects.get(company=company)
    assert series.bookings.count() == 2
    screenshot(phone, "equipment-book-series-booked-phone")

    desktop = open_page(DESKTOP, member.user)
    desktop.goto(base + reverse("equipment:book", args=[item.pk]))
    expect(desktop.locator("h1")).to_have_text("자율주행 라이다 센서 키트 예약")
    assert desktop.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    screenshot(desktop, "equipment-book-desktop")
