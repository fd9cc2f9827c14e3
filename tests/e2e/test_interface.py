"""The site shell in a browser: the phone menu, the phone filters, the sign-up error summary
taking focus, and charts (axes from zero, whole steps for counts, money in 억/백만원 units, an
empty state when there is nothing to draw)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bitgoeul.companies.models import Company
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

SCALES = """(canvas) => {
  const chart = Chart.getChart(canvas);
  const y = chart.scales.y;
  return { min: y.min, ticks: y.ticks.map((t) => t.value), labels: y.ticks.map((t) => t.label) };
}"""


def test_phone_menu_filters_error_summary_and_charts(page: Page, live: str) -> None:
    # 0. links look like links; cards in a row line up; the heading has room under the header
    page.goto(f"{live}/accounts/login/")
    forgot = page.locator("main a[href$='/password-reset/']")
    style = forgot.evaluate(
        "a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).color,"
        " getComputedStyle(document.body).color]"
    )
    assert style[0] == "underline" and style[1] != style[2]
    page.goto(f"{live}/")
    tops = {
        round(box["y"])
        for box in (c.bounding_box() for c in page.locator(".cards .card").all()[:2])
        if box
    }
    assert len(tops) == 1
    gap = page.evaluate(
        "document.querySelector('main h1').getBoundingClientRect().top"
        " - document.querySelector('.site-header').getBoundingClientRect().bottom"
    )
    assert gap >= 24

    # 1. sign-up: a failed submit lists each error with a link and moves the focus there
    page.goto(f"{live}/accounts/signup/")
    page.locator("main button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("a[href='#id_name']")).to_be_visible()
    page.locator("[data-error-summary] a[href='#id_email']").click()
    expect(page.locator("#id_email")).to_be_focused()

    # 2. phones: one header row with a menu button; the menu opens and closes
    login(page, live, "operator@bitgoeul.kr")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live}/companies/")
    toggle = page.locator(".menu-toggle")
    nav = page.locator(".main-nav")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    toggle.click()
    expect(nav).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 100

    # 3. phones: the filters fold behind a button, the search box stays
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator(".more-filters")).to_be_hidden()
    page.locator(".filters-toggle").click()
    expect(page.locator(".more-filters")).to_be_visible()
    # and each result is a card whose cells say what they are
    first_region = page.locator(".company-table tbody tr").first.locator("td").nth(1)
    assert first_region.get_attribute("data-label") == "지역"

    # 4. charts: counts from zero in whole steps, money in 억/백만원, empty state for zeros
    page.set_viewport_size({"width": 1366, "height": 900})
    company = Company.objects.filter(metrics__employees__gt=0).distinct().first()
    assert company is not None
    company.metrics.update(investment=0)
    page.goto(f"{live}/companies/{company.pk}/")
    employees: dict[str, Any] = page.evaluate(
        SCALES, page.locator("#chart-employees ~ .chart-box canvas").element_handle()
    )
    assert employees["min"] == 0
    assert all(float(v).is_integer() for v in employees["ticks"])
    revenue: dict[str, Any] = page.evaluate(
        SCALES, page.locator("#chart-revenue ~ .chart-box canvas").element_handle()
    )
    assert revenue["min"] == 0
    assert any("억" in label or "백만원" in label for label in revenue["labels"])
    expect(page.locator("#chart-investment ~ .chart-box .chart-empty")).to_be_visible()
