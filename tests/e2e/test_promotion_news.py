"""News in a browser (issue 14, items 2 and 3): a city staff member writes a notice and submits
it, a colleague publishes it, the Gwangju-Jeonnam chapter's staff share it from a phone, and a
visitor finds it on the chapter's page with its attribution; the calendar as a month grid at
1366 px and as a list at 390 px; the digest settings. Every page passes axe (WCAG 2.1 A/AA) and
does not scroll sideways at 390 px. Screenshots land in docs/screenshots/promotion-news-*.png
and promotion-calendar-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.promotion.enums import EventKind, PostState
from bitgoeul.promotion.models import CrossPost, EventCoHost, NewsPost
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_crawl import AXE, AXE_RUN
from tests.e2e.test_programs_flow import DESKTOP, PHONE, Browsing, no_wider_than, with_password
from tests.factories import MembershipFactory, OrganizationFactory
from tests.promotion.factories_news import make_event, make_post

pytestmark = pytest.mark.e2e
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    browsing = Browsing(browser, str(live_server.url))
    yield browsing
    browsing.close()
    assert browsing.errors == []


def checked(browsing: Browsing, page: Page, width: int, user: User | None = None) -> None:
    """Nothing wider than the window, and no axe violation on the same page opened in a context
    that lets the axe script in (the CSP refuses it, rightly, in the page's own context)."""
    no_wider_than(page, width)
    cookies = page.context.cookies()
    language = next((c["value"] for c in cookies if c["name"] == "django_language"), "ko")
    context = browsing.browser.new_context(
        bypass_csp=True, viewport={"width": width, "height": 900}, locale="ko-KR"
    )
    try:
        audit = context.new_page()
        if user is not None:
            login(audit, browsing.base, user.email)
        host = urlsplit(browsing.base).hostname or "localhost"
        context.add_cookies(
            [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
        )
        audit.goto(page.url)
        audit.add_script_tag(path=str(AXE))
        assert audit.evaluate(AXE_RUN) == []
    finally:
        context.close()


def test_a_city_notice_is_reviewed_shared_by_a_chapter_and_shown_with_attribution(
    browsing: Browsing,
) -> None:
    city = OrganizationFactory.create(
        name="광주광역시 인공지능산업실", kind=OrganizationKind.OPERATOR
    )
    association = OrganizationFactory.create(name="벤처기업협회", kind=OrganizationKind.ASSOCIATION)
    chapter = OrganizationFactory.create(
        name="광주전남지회", kind=OrganizationKind.CHAPTER, parent=association
    )
    writer, publisher = (
        with_password(MembershipFactory.create(organization=city, role=role).user)
        for role in (MembershipRole.STAFF, MembershipRole.ADMIN)
    )
    chapter_staff = with_password(
        MembershipFactory.create(organization=chapter, role=MembershipRole.STAFF).user
    )
    make_post(chapter, title="광주전남지회 AI 로보틱스 교류회 후기")
    now = timezone.now().astimezone(SEOUL)
    briefing = make_event(
        city,
        title="2027년 실증 지원사업 설명회",
        starts_at=now.replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=2),
    )
    EventCoHost.objects.create(event=briefing, organization=chapter, state="accepted")
    make_event(
        chapter,
        title="AI 해커톤",
        kind=EventKind.HACKATHON,
        starts_at=now.replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=5),
        hours=30,
    )

    desk = browsing.as_user(writer, DESKTOP)
    desk.goto(browsing.url("promotion:news_create"))
    desk.fill("#id_title", "2027년 인공지능 제품·서비스 실증 지원사업 공고")
    desk.fill("#id_summary", "광주에서 AI 제품과 서비스를 실증할 기업을 모집합니다.")
    desk.fill(
        "#id_body", "신청 기간은 12월 1일부터 31일까지입니다.\n\n지회 회원사도 신청할 수 있습니다."
    )
    desk.select_option("#id_topic", "funding")
    desk.get_by_role("button", name="저장", exact=True).click()
    expect(desk.locator("main")).to_contain_text("초안을 저장했습니다.")
    desk.get_by_role("button", name="검토 요청").click()
    expect(desk.locator("main")).to_contain_text("검토를 요청했습니다.")
    post = NewsPost.objects.get(title__startswith="2027년")

    review = browsing.as_user(publisher, DESKTOP)
    review.goto(browsing.url("promotion:news_detail", post.pk))
    review.locator("label", has_text="게시").first.click()
    review.get_by_role("button", name="검토 결과 저장").click()
    expect(review.locator("main")).to_contain_text("글을 게시했습니다.")
    assert NewsPost.objects.get(pk=post.pk).state == PostState.PUBLISHED

    phone = browsing.as_user(chapter_staff, PHONE)
    phone.goto(browsing.url("promotion:news_detail", post.pk))
    phone.fill("#id_note", "지회 회원사도 신청할 수 있습니다.")
    phone.get_by_role("button", name="글 공유").click()
    expect(phone.locator("main")).to_contain_text("소속 기관 페이지와 피드에 보입니다.")
    assert CrossPost.objects.get().organization == chapter
    checked(browsing, phone, PHONE["width"], chapter_staff)
    screenshot(phone, "promotion-news-post-phone")

    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        visitor = browsing.page(viewport)
        visitor.goto(browsing.url("promotion:organization", chapter.pk))
        expect(visitor.locator("main")).to_contain_text(
            "광주광역시 인공지능산업실 작성 · 광주전남지회 공유"
        )
        expect(visitor.locator("main")).to_contain_text("2027년 실증 지원사업 설명회")
        checked(browsing, visitor, viewport["width"])
        screenshot(visitor, f"promotion-news-organization-{name}")
        visitor.goto(browsing.url("promotion:news_list"))
        expect(visitor.locator("main")).to_contain_text("2027년 인공지능 제품·서비스 실증")
        checked(browsing, visitor, viewport["width"])
        screenshot(visitor, f"promotion-news-list-{name}")
        visitor.goto(browsing.url("promotion:calendar"))
        expect(visitor.locator("main")).to_contain_text("AI 해커톤")
        checked(browsing, visitor, viewport["width"])
        screenshot(visitor, f"promotion-calendar-{name}")

    english = browsing.page(DESKTOP, language="en")
    english.goto(browsing.url("promotion:calendar"))
    expect(english.locator("main")).to_contain_text("Calendar")
    checked(browsing, english, DESKTOP["width"])
    screenshot(english, "promotion-calendar-desktop-en")

    phone.goto(browsing.url("promotion:digest"))
    checked(browsing, phone, PHONE["width"], chapter_staff)
    screenshot(phone, "promotion-news-digest-phone")
