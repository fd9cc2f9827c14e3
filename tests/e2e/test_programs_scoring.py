"""The reviewer's scoring form on a phone (390 px): nothing wider than the screen, a criterion
marked n/a, the review submitted; screenshot in docs/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bitgoeul.programs.enums import ReviewState
from bitgoeul.programs.models import Review
from bitgoeul.web.demo import DEMO_PASSWORD
from tests.e2e.conftest import login, screenshot
from tests.programs.factories import ApplicationFactory, ReviewerFactory
from tests.programs.scoring_setup import assign, call_in_review

pytestmark = pytest.mark.e2e


def test_a_reviewer_scores_on_a_phone(
    browser: Browser, live_server: Any, transactional_db: None
) -> None:
    call, stage, criteria = call_in_review(blind=True)
    application = ApplicationFactory.create(call=call)
    reviewer = ReviewerFactory.create()
    reviewer.user.set_password(DEMO_PASSWORD)
    reviewer.user.save()
    assignment = assign(application, reviewer, stage)
    base = str(live_server.url)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    page = context.new_page()
    login(page, base, reviewer.user.email)
    page.goto(f"{base}/programs/reviews/")
    page.get_by_role("link", name=f"신청 번호 {application.pk}").click()
    expect(page.locator("h1")).to_contain_text(f"신청 번호 {application.pk}")
    # blind: the company is not named anywhere on the page
    expect(page.locator("main")).not_to_contain_text(application.company.organization.name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.fill(f"#id_score_{criteria[0].pk}", "8")
    page.locator(f"label[for=id_na_{criteria[1].pk}]").click()  # the tap target
    expect(page.locator(f"#id_na_{criteria[1].pk}")).to_be_checked()
    page.fill("#id_comment_to_applicant", "실증 계획이 구체적입니다.")
    screenshot(page, "programs-scoring-phone")
    page.get_by_role("button", name="평가 제출").click()
    expect(page.locator("h1")).to_have_text("내 평가")
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.total) == (ReviewState.SUBMITTED, 80.0)
    context.close()
