"""A booking's life in a browser (issue 13): the host approves a company's booking from the
approval queue on a desktop, the company checks in at the door from a phone, and reads its
monthly statement. The bookings themselves are made by `booking_create` (the booking form is the
rules area's page). Screenshots land in docs/screenshots/equipment-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.models import Booking
from bitgoeul.equipment.services.bookings import booking_create
from tests.e2e.conftest import Browsing, browsing_for, screenshot
from tests.equipment.factories import grid_time
from tests.equipment.lifecycle_scene import make_scene

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server)


def test_host_approves_and_the_company_checks_in_from_a_phone(browsing: Browsing) -> None:
    scene = make_scene(requires_approval=True)
    # The next quarter hour that is at least two minutes away: bookable now (in the future), and
    # within the 30 minutes before its start when check-in opens.
    start = (timezone.now() + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    start += dt.timedelta(minutes=-start.minute % 15)
    with transaction.atomic():
        today = booking_create(
            item=scene.item,
            company=scene.company,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            actor=scene.member,
            purpose="보행 보조 로봇의 낙상 감지 정확도 측정",
        )
    scene.book(starts_at=grid_time(days=5))

    host = browsing.as_user(scene.host_staff, DESKTOP)
    host.goto(browsing.url("equipment:approvals"))
    expect(host.locator("article.decision")).to_have_count(2)
    screenshot(host, "equipment-approvals")
    card = host.locator("article.decision").filter(has_text="낙상 감지")
    card.locator("textarea").first.fill("입실 전 안전 교육을 받아 주세요.")
    card.get_by_role("button", name="승인").click()
    expect(host.locator("article.decision")).to_have_count(1)
    today.refresh_from_db()
    assert today.state == BookingState.CONFIRMED

    phone = browsing.as_user(scene.member, PHONE)
    phone.goto(browsing.url("equipment:booking_detail", today.pk))
    expect(phone.get_by_text("입실 전 안전 교육을 받아 주세요.").first).to_be_visible()
    screenshot(phone, "equipment-check-in-phone")
    phone.get_by_role("button", name="지금 입실 확인").click()
    expect(phone.get_by_text("입실 확인되었습니다.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Booking.objects.get(pk=today.pk).state == BookingState.CHECKED_IN

    # the statement of the month the booking starts in (Asia/Seoul): after 23:45 it is next month
    month = timezone.localtime(today.starts_at).strftime("%Y-%m")
    phone.goto(browsing.url("equipment:statement") + f"?month={month}")
    expect(phone.locator("table.statement")).to_be_visible()
    screenshot(phone, "equipment-statement-phone")
