"""An event's life in a browser (issue 14 item 1): the city's staff create and publish an event
and invite the 광주전남 chapter to co-host it; the chapter's staff accept; a member of one of the
chapter's companies registers from a phone and shows the QR code; the host checks them in at
the door from a phone (the code typed, as a handheld scanner would). Every page is checked with
axe and for sideways scrolling at 390 px. Screenshots land in docs/screenshots/promotion-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.promotion.enums import CoHostState, EventState, RegistrationState
from bitgoeul.promotion.models import Event, EventCoHost, Registration
from tests.e2e.conftest import Browsing, browsing_for, checked
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory
from tests.promotion.events_helpers import company_profile

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server, bypass_csp=True)


def _scene() -> dict[str, User]:
    city = OrganizationFactory.create(
        name="광주광역시 인공지능산업실", kind=OrganizationKind.OPERATOR
    )
    kova = OrganizationFactory.create(name="벤처기업협회", kind=OrganizationKind.ASSOCIATION)
    chapter = OrganizationFactory.create(
        name="광주전남지회", kind=OrganizationKind.CHAPTER, parent=kova
    )
    company = CompanyFactory.create(name="(주)빛고을비전", parent=chapter)
    company_profile(company)
    return {
        "city": MembershipFactory.create(
            organization=city, role=MembershipRole.STAFF, user__name="김빛나"
        ).user,
        "chapter": MembershipFactory.create(
            organization=chapter, role=MembershipRole.STAFF, user__name="최지회"
        ).user,
        "member": MembershipFactory.create(
            organization=company, role=MembershipRole.MEMBER, user__name="정다온"
        ).user,
    }


def test_a_chapter_co_hosts_a_city_event_and_a_company_checks_in(browsing: Browsing) -> None:
    people = _scene()
    day = timezone.localdate() + dt.timedelta(days=5)

    city = browsing.as_user(people["city"], DESKTOP)
    city.goto(browsing.url("promotion:event_create"))
    city.locator("#id_kind").select_option("briefing")
    city.locator("#id_topic").select_option("funding")
    city.locator("#id_title").fill("2027년 인공지능 지원사업 합동 설명회")
    city.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T14:00")
    city.locator("#id_ends_at").fill(f"{day:%Y-%m-%d}T16:00")
    city.locator("#id_venue").fill("국가 AI 데이터센터 대강당")
    city.locator("#id_capacity").fill("50")
    city.locator("#id_questions-0-label").fill("관심 있는 지원사업")
    checked(city, "promotion-event-form")
    city.get_by_role("button", name="저장").click()
    expect(city.get_by_text("행사를 작성 중 상태로 저장했습니다.")).to_be_visible()
    city.locator("#id_organization").select_option(label="광주전남지회")
    city.get_by_role("button", name="공동 주최 요청").click()
    expect(city.get_by_text("공동 주최를 요청했습니다.")).to_be_visible()
    city.get_by_role("button", name="행사 게시").click()
    expect(city.get_by_text("행사를 게시했습니다.")).to_be_visible()
    checked(city, "promotion-event-host")
    event = Event.objects.get()
    assert (event.state, event.starts_at.astimezone(dt.UTC).hour) == (EventState.PUBLISHED, 5)

    chapter = browsing.as_user(people["chapter"], DESKTOP)
    chapter.goto(browsing.url("promotion:event_list"))
    checked(chapter, "promotion-event-invitation")
    chapter.get_by_role("button", name="공동 주최 수락").click()
    expect(
        chapter.get_by_text("우리 기관이 이 행사의 공동 주최 기관이 되었습니다.")
    ).to_be_visible()
    assert EventCoHost.objects.get().state == CoHostState.ACCEPTED

    member = browsing.as_user(people["member"], PHONE)
    member.goto(browsing.url("promotion:event_detail", event.pk))
    expect(member.get_by_text("광주광역시 인공지능산업실 · 광주전남지회")).to_be_visible()
    checked(member, "promotion-event-phone")
    member.get_by_role("link", name="참가 신청").click()
    member.locator("#id_answer_q1").fill("GPU 자원 지원")
    checked(member, "promotion-register-phone")
    member.get_by_role("button", name="참가 신청").click()
    expect(
        member.get_by_text("참가 신청이 완료되었습니다. 아래에 QR 코드가 있습니다.")
    ).to_be_visible()
    expect(member.locator("figure.qr svg")).to_be_visible()
    checked(member, "promotion-my-registrations-phone")
    registration = Registration.objects.get()
    assert (registration.state, registration.answers) == (
        RegistrationState.CONFIRMED,
        {"q1": "GPU 자원 지원"},
    )

    door = browsing.as_user(people["chapter"], PHONE)  # a co-host's staff at the door
    door.goto(browsing.url("promotion:event_check_in", event.pk))
    door.locator("#id_code").fill(registration.token)
    door.get_by_role("button", name="입장 확인").click()
    expect(door.get_by_text("정다온 님의 입장을 확인했습니다.")).to_be_visible()
    checked(door, "promotion-check-in-phone")
    assert Registration.objects.get().checked_in_at is not None

    city.goto(browsing.url("promotion:event_attendance", event.pk))
    expect(city.get_by_text("GPU 자원 지원")).to_be_visible()
    checked(city, "promotion-attendance")

    # the same pages in English, on a phone
    host = urlsplit(browsing.base).hostname or "localhost"
    member.context.add_cookies(
        [{"name": "django_language", "value": "en", "domain": host, "path": "/"}]
    )
    member.goto(browsing.url("promotion:event_list"))
    expect(member.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    checked(member, "promotion-events-phone-en")
    member.goto(browsing.url("promotion:my_registrations"))
    checked(member, "promotion-my-registrations-phone-en")
