"""Matchmaking in a browser (issue 14 item 4): a regional manufacturer posts a need in plain
Korean, opens it, reads the ranked suppliers with the words and facts behind each, and invites
one; the supplier's administrator answers from a phone; the operator reads the pipeline. Each
page is checked with axe (WCAG 2.1 A/AA) and for sideways scrolling. Screenshots land in
docs/screenshots/matchmaking-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.companies.demo import ensure_migration_defaults
from bitgoeul.matchmaking.enums import InvitationState
from bitgoeul.matchmaking.models import Invitation
from tests.companies.helpers import make_company
from tests.e2e.conftest import Browsing, browsing_for, checked
from tests.factories import MembershipFactory, OrganizationFactory
from tests.matchmaking.factories import make_supplier

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server, bypass_csp=True)


def test_a_regional_firm_posts_a_need_and_invites_a_recommended_supplier(
    browsing: Browsing,
) -> None:
    # An earlier live-server test empties every table, the technology tags of the migrations
    # too: the suppliers' AI technologies must exist again.
    ensure_migration_defaults()
    chapter = OrganizationFactory.create(name="광주전남지회", kind=OrganizationKind.CHAPTER)
    maker = make_company(
        "(주)빛고을정밀", parent=chapter, address="광주광역시 광산구 하남산단로 100"
    )
    member = MembershipFactory.create(organization=maker.organization, role=MembershipRole.ADMIN)
    vision = make_supplier(
        "(주)비전검사랩",
        description="딥러닝 머신비전으로 제조 라인의 외관 불량을 자동 검사합니다. 금속 부품의 "
        "스크래치와 찍힘을 카메라 영상으로 찾아냅니다.",
        products="외관 불량 검사 장비",
        address="광주광역시 북구 첨단과기로 123",
    )
    make_supplier(
        "(주)예지정비",
        description="설비 진동 데이터로 고장을 미리 알려 주는 예지보전 플랫폼입니다.",
        technologies=("manufacturing",),
    )
    make_supplier(
        "(주)콜봇",
        description="음성인식 챗봇으로 콜센터 상담을 자동화합니다.",
        technologies=("speech",),
    )
    supplier_admin = MembershipFactory.create(
        organization=vision.organization, role=MembershipRole.ADMIN
    ).user
    operator_org = OrganizationFactory.create(name="광주광역시", kind=OrganizationKind.OPERATOR)
    operator = MembershipFactory.create(organization=operator_org, role=MembershipRole.STAFF).user

    # the requester writes the need on a desktop
    page = browsing.as_user(member.user, DESKTOP)
    page.goto(browsing.url("matchmaking:need_create"))
    page.fill("#id_title", "부품 외관 불량 검사 자동화")
    page.fill(
        "#id_description",
        "작업자가 눈으로 스크래치와 찍힘을 검사하는데 놓치는 불량이 많습니다. "
        "카메라로 불량을 자동으로 찾아내고 싶습니다.",
    )
    page.select_option("#id_sector", "manufacturing")
    page.fill("#id_budget_min_krw", "30000000")
    page.fill("#id_budget_max_krw", "80000000")
    page.fill("#id_data_available", "불량 사진 3천 장")
    checked(page, "matchmaking-need-form")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="공급기업 모집 시작").click()
    expect(page.locator(".ranking > li").first).to_contain_text("(주)비전검사랩")
    first = page.locator(".ranking > li").first
    expect(first.locator(".badge.word", has_text="불량")).to_be_visible()
    expect(first.locator(".reason-facts")).to_contain_text("소재지: 광주광역시")
    checked(page, "matchmaking-need-ranking")
    first.locator("summary").click()
    first.locator("textarea").fill("야간 조 불량 검사를 함께 풀어 주실 곳을 찾습니다.")
    first.get_by_role("button", name="(주)비전검사랩 초대").click()
    expect(page.locator(".invitation")).to_contain_text("(주)비전검사랩")
    need_url = page.url

    # the supplier answers from a phone
    phone = browsing.as_user(supplier_admin, PHONE)
    phone.goto(browsing.url("matchmaking:need_list"))
    phone.get_by_role("link", name="부품 외관 불량 검사 자동화").click()
    expect(phone.locator("#ranking")).to_have_count(0)
    phone.locator("textarea").first.fill("머신비전 검사 실증 경험이 있습니다.")
    checked(phone, "matchmaking-supplier-answer-phone")
    phone.get_by_role("button", name="관심 있음").click()
    expect(phone.locator(".invitation .badge").first).to_have_text("관심 있음")
    assert Invitation.objects.get().state == InvitationState.ACCEPTED

    # the requester sees the answer, in English on a phone too
    english = browsing.as_user(member.user, PHONE, language="en")
    english.goto(need_url)
    expect(english.locator(".invitation")).to_contain_text("Interested")
    checked(english, "matchmaking-need-phone-en")

    # the operator reads the pipeline
    staff = browsing.as_user(operator, DESKTOP)
    staff.goto(browsing.url("matchmaking:pipeline"))
    expect(staff.locator(".stat").first).to_have_text("1")
    checked(staff, "matchmaking-pipeline")
