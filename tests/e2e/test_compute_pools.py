"""GPU pools in a browser (issue 12, item 1): the data centre's demo pools, a pool's capacity
calendar, staff adding a maintenance window in Korea time, the discounts, and the over-commit
view with an oversold and a nearly full month, at 1366 and 390 px, in Korean and English, each
page checked with axe and for sideways scrolling. Screenshots land in
docs/screenshots/compute-pools-*.png."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.compute.demo_pools import load_compute_pools
from bitgoeul.compute.models import MaintenanceWindow, Pool
from bitgoeul.compute.periods import next_periods
from bitgoeul.compute.selectors_pools import overcommit
from tests.compute.pools_scene import company_of, make_grant
from tests.e2e.conftest import Browsing, browsing_for, checked
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server, bypass_csp=True)


def _drawn(page: Page) -> None:
    """Every chart of the page has been drawn by Chart.js."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every((c) => c.dataset.wired === '1' && window.Chart && Chart.getChart(c))"
    )


def test_pools_capacity_maintenance_discounts_and_overcommit(browsing: Browsing) -> None:
    operator_org = OrganizationFactory.create(
        name="인공지능산업융합사업단", kind=OrganizationKind.OPERATOR
    )
    chapter = OrganizationFactory.create(name="광주전남지회", kind=OrganizationKind.CHAPTER)
    company = CompanyFactory.create(name="(주)빛고을에이아이", parent=chapter)
    staff = MembershipFactory.create(organization=operator_org, role=MembershipRole.STAFF).user
    member = MembershipFactory.create(organization=company, role=MembershipRole.ADMIN).user
    load_compute_pools(random.Random(1))
    pools = {pool.model: pool for pool in Pool.objects.all()}
    periods = next_periods(timezone.now(), 12)
    capacity = overcommit(list(pools.values()), periods)
    # T4 oversold next month, H100 at 95% the month after
    t4_next = capacity[pools["t4"].pk, periods[1]].deliverable
    h100_later = capacity[pools["h100"].pk, periods[2]].deliverable
    make_grant(company_of(company), {(pools["t4"], periods[1]): round(t4_next * 1.1)})
    make_grant(company_of(company), {(pools["h100"], periods[2]): round(h100_later * 0.95)})

    # a company member reads the pools and a pool's calendar, in English on a phone
    phone = browsing.as_user(member, PHONE, language="en")
    phone.goto(browsing.url("compute:pool_list"))
    expect(phone.locator("main")).to_contain_text("1,600 KRW per GPU-hour")
    expect(phone.locator("main")).to_contain_text("50%")
    checked(phone, "compute-pools-list-phone-en")
    phone.goto(browsing.url("compute:pool_detail", pools["h100"].pk))
    _drawn(phone)
    expect(phone.locator("main")).to_contain_text("Capacity calendar")
    checked(phone, "compute-pools-detail-phone-en")

    # staff add a maintenance window in Korea time on a desktop
    desk = browsing.as_user(staff, DESKTOP)
    desk.goto(browsing.url("compute:pool_edit", pools["a100"].pk))
    day = periods[3]
    desk.fill("#id_window-starts_at", f"{day}-05T09:00")
    desk.fill("#id_window-ends_at", f"{day}-05T21:00")
    desk.fill("#id_window-gpus", "900")
    desk.fill("#id_window-reason", "전원 설비 점검")
    desk.get_by_role("button", name="점검 일정 추가").click()
    expect(desk.locator(".error-summary")).to_contain_text("최대 796장까지")
    checked(desk, "compute-pools-edit-error-ko")
    desk.fill("#id_window-gpus", "64")
    desk.get_by_role("button", name="점검 일정 추가").click()
    expect(desk.locator("main")).to_contain_text("점검 일정을 추가했습니다.")
    window = MaintenanceWindow.objects.get(reason="전원 설비 점검")
    assert timezone.localtime(window.starts_at).strftime("%Y-%m-%d %H:%M") == f"{day}-05 09:00"

    desk.goto(browsing.url("compute:pool_detail", pools["a100"].pk))
    _drawn(desk)
    expect(desk.locator("main")).to_contain_text("전원 설비 점검")
    checked(desk, "compute-pools-detail-ko")

    desk.goto(browsing.url("compute:discount_list"))
    expect(desk.locator("main")).to_contain_text("비수도권 지역 할인 (광주전남지회)")
    checked(desk, "compute-pools-discounts-ko")

    desk.goto(browsing.url("compute:overcommit"))
    _drawn(desk)
    expect(desk.locator(".notice-danger")).to_contain_text("1개월이 초과 배정입니다.")
    expect(desk.locator(".notice-warning")).to_contain_text(f"NVIDIA H100 80GB, {periods[2]}: 95%")
    checked(desk, "compute-pools-overcommit-ko")

    staff_phone = browsing.as_user(staff, PHONE, language="en")
    staff_phone.goto(browsing.url("compute:overcommit"))
    _drawn(staff_phone)
    expect(staff_phone.locator(".notice-danger")).to_contain_text("1 month is oversold")
    checked(staff_phone, "compute-pools-overcommit-phone-en")
