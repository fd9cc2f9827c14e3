"""Company pages in a browser: the score explanation on a phone, a live search's address, and
deciding a nomination with a confirmation step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from bitgoeul.companies.models import Company
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_the_score_breakdown_fits_a_phone(browser: Browser, live: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    page = context.new_page()
    login(page, live, "operator@bitgoeul.kr")
    company = Company.objects.exclude(potential_score=None).filter(investments__isnull=False)[0]
    page.goto(f"{live}/companies/{company.pk}/")
    cells = page.locator("table.breakdown tbody td")
    expect(cells.first).to_be_visible()
    # every value (weight and points included) lies inside the phone's width: nothing is cut
    # off in a region the keyboard cannot scroll
    wrap = page.locator(".breakdown-wrap").bounding_box()
    assert wrap is not None
    rights = [box["x"] + box["width"] for box in (c.bounding_box() for c in cells.all()) if box]
    assert len(rights) == 28 and max(rights) <= min(390, wrap["x"] + wrap["width"])
    expect(page.locator("table.breakdown")).not_to_contain_text("약 ")
    context.close()


def test_a_live_search_keeps_only_what_was_typed_in_the_address(page: Page, live: str) -> None:
    login(page, live, "operator@bitgoeul.kr")
    page.goto(f"{live}/companies/")
    page.fill("#id_q", "인공지능")
    expect(page).to_have_url(
        f"{live}/companies/?q=%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5&sort=relevance"
    )


def test_an_operator_confirms_a_decision(page: Page, live: str) -> None:
    login(page, live, "operator@bitgoeul.kr")
    page.goto(f"{live}/companies/nominations/")
    expect(page.locator(".tab.line .active a")).to_have_attribute("aria-current", "page")
    card = page.locator("main article.card").first
    assert page.locator("input[type=radio]:checked").count() == 0
    card.locator("label", has_text="반려").click()  # KRDS draws the radio on its label
    card.locator("textarea").fill("실증 실적을 보완한 뒤 다시 추천해 주세요.")
    card.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("결정 확인")
    page.locator("button[name=confirm]").click()
    expect(page.locator("main")).to_contain_text("결정을 기록하고")
