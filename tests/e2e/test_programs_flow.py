"""The whole programme flow in a browser (issue 11): a company applies to an open call, staff run
the reviewer assignment and deploy it, a reviewer on a phone declares a conflict on one
application and scores another (n/a on one criterion), staff run the selection and approve it, and
the company sees its result. The rows the browser part is not about (the call, its stage, criteria
and form, the other companies and reviewers, the other reviewers' reviews) are made by factories
and services. Background jobs run in the live server's process (tests' ImmediateBackend), as the
worker would run them. Screenshots land in docs/screenshots/programs-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.programs.enums import ApplicationState, CallState, ReviewState, RunState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Call,
    Conflict,
    Review,
    Reviewer,
    SelectionRun,
)
from bitgoeul.web.demo import DEMO_PASSWORD
from tests.companies.helpers import company_record
from tests.e2e.conftest import SCREENSHOTS, login, screenshot
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ReviewerFactory,
    StageFactory,
    standard_form,
)
from tests.programs.scoring_setup import scored

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def with_password(user: User) -> User:
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


class Browsing:
    """Browser contexts of the test, each collecting the JavaScript errors of its pages."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser, self.base = browser, base
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def page(self, viewport: dict[str, int], language: str = "ko") -> Page:
        context = self.browser.new_context(viewport=viewport, locale="ko-KR")  # type: ignore[arg-type]
        self.contexts.append(context)
        # the language switch in the header sets this cookie (the browser's language is ignored)
        host = urlsplit(self.base).hostname or "localhost"
        cookie = {"name": "django_language", "value": language, "domain": host, "path": "/"}
        context.add_cookies([cookie])  # type: ignore[list-item]
        page = context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks before approving
        return page

    def as_user(self, user: User, viewport: dict[str, int]) -> Page:
        page = self.page(viewport)
        login(page, self.base, user.email)
        return page

    def url(self, name: str, *args: Any) -> str:
        return self.base + reverse(name, args=args)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    browsing = Browsing(browser, str(live_server.url))
    yield browsing
    browsing.close()
    assert browsing.errors == []


def no_wider_than(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def scene() -> dict[str, Any]:
    operator = OrganizationFactory.create(
        name="광주광역시 인공지능산업실", kind=OrganizationKind.OPERATOR
    )
    staff = MembershipFactory.create(organization=operator, role=MembershipRole.STAFF).user
    call = CallFactory.create(
        title="2026년 AI 실증 지원사업 공고",
        title_en="2026 AI demonstration support",
        organizer=operator,
        budget=120_000_000,
        max_award=60_000_000,
        closes_at=timezone.now() + dt.timedelta(days=10),
    )
    standard_form(call)
    stage = StageFactory.create(call=call, reviewers_per_application=2)
    criteria = [
        CriterionFactory.create(stage=stage, order=1, name="기술성", weight=60, max_score=10),
        CriterionFactory.create(
            stage=stage,
            order=2,
            name="사업성",
            name_en="Business",
            description="시장성과 사업화 계획의 구체성",
            weight=40,
            max_score=5,
        ),
    ]
    company = company_record(CompanyFactory.create(name="(주)빛고을비전"))
    member = MembershipFactory.create(organization=company.organization, role=MembershipRole.ADMIN)
    others = [
        ApplicationFactory.create(call=call, title="물류 로봇 실증", requested_amount=40_000_000),
        ApplicationFactory.create(call=call, title="농업 드론 방제", requested_amount=50_000_000),
    ]
    reviewers = [ReviewerFactory.create() for _ in range(3)]
    for reviewer in reviewers:
        with_password(reviewer.user)
    return {
        "call": call,
        "stage": stage,
        "criteria": criteria,
        "staff": with_password(staff),
        "member": with_password(member.user),
        "others": others,
        "reviewers": reviewers,
    }


def apply(browsing: Browsing, call: Call, member: User) -> Application:
    """(1) The notice board and the call in both languages; the member applies on a phone."""
    for language in ("ko", "en"):
        page = browsing.page(DESKTOP, language)
        page.goto(browsing.url("programs:call_list"))
        title = call.title if language == "ko" else call.title_en
        expect(page.get_by_role("link", name=title)).to_be_visible()
        screenshot(page, f"programs-board-{language}")
        page.get_by_role("link", name=title).click()
        expect(page.locator("h1")).to_contain_text(title)
        screenshot(page, f"programs-call-{language}")

    page = browsing.as_user(member, PHONE)
    page.goto(browsing.url("programs:call_detail", call.pk))
    page.locator("main").get_by_role("link", name="신청하기").click()
    expect(page.locator("main")).to_contain_text("신청 자격을 모두 갖추었습니다")
    page.get_by_role("button", name="신청서 작성 시작").click()
    expect(page.locator("h1")).to_have_text(call.title)
    application = Application.objects.get(call=call, company__organization__name="(주)빛고을비전")
    page.get_by_label("과제명").fill("영상 인식 기반 도로 시설물 점검")
    page.get_by_label("요약").fill("딥러닝 영상 분석으로 도로 균열을 찾아 점검 주기를 줄입니다.")
    page.get_by_label("신청 금액").fill("45000000")
    page.get_by_label("핵심어").fill("컴퓨터 비전, 딥러닝")
    # autosave: the answers reach the server without pressing a button
    expect(page.locator("#save-status")).to_contain_text("저장됨")
    page.wait_for_function(
        "() => !document.querySelector('#answers').classList.contains('htmx-request')"
    )
    no_wider_than(page, 390)
    # what the phone shows: the save bar sticks to the bottom of the screen, so a full-page
    # picture would draw it over the middle of the form
    page.screenshot(path=str(SCREENSHOTS / "programs-application-phone.png"))
    page.get_by_role("button", name="제출", exact=True).click()
    application.refresh_from_db()
    assert (application.state, application.title) == (
        ApplicationState.SUBMITTED,
        "영상 인식 기반 도로 시설물 점검",
    )
    assert application.submitted_at is not None
    assert application.submitted_at < call.closes_at
    return application


def test_a_call_from_application_to_result(browsing: Browsing) -> None:
    s = scene()
    call: Call = s["call"]
    application = apply(browsing, call, s["member"])
    run = assign_reviewers(browsing, call, s["staff"])
    phone, *others = s["reviewers"]
    # the other reviewers score every application they got, through the service
    for reviewer in others:
        for assignment in Assignment.objects.filter(run=run, reviewer=reviewer):
            scored(assignment, [8, 4], comment="사업화 경로가 분명합니다.")
    review_on_a_phone(browsing, phone, application)
    select(browsing, call, s["staff"])
    see_the_result(browsing, s["member"], application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SELECTED


def assign_reviewers(browsing: Browsing, call: Call, staff: User) -> AssignmentRun:
    """(2) The call closes; staff move it to review, run the assignment and deploy it."""
    # the deadline passes (the server's clock decides; here we move the deadline, not the clock)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page = browsing.as_user(staff, DESKTOP)
    page.goto(browsing.url("programs:call_manage", call.pk))
    page.locator("form:has(input[name=state][value=review]) button").click()
    call.refresh_from_db()
    assert call.state == CallState.REVIEW
    # no link yet from the call's page to the stage's assignment (integ adds it): by URL
    stage = call.stages.get()
    page.goto(browsing.url("programs:stage_assignment", stage.pk))
    page.get_by_label("최소 배정 건수").fill("2")
    page.get_by_label("최대 배정 건수").fill("2")
    page.get_by_role("button", name="배정 계산 시작하기").click()
    # the job page; the job ran in the live server as the worker would run it
    page.locator("#job-progress a.krds-btn.primary").click()
    run = AssignmentRun.objects.get(stage=stage)
    expect(page.locator("h1")).to_be_visible()
    assert page.url == browsing.url("programs:assignment_board", run.pk)
    screenshot(page, "programs-assignment-board")
    page.get_by_role("button", name="배정 확정하고 평가위원에게 알리기").click()
    run.refresh_from_db()
    assert run.state == RunState.DEPLOYED
    assert Assignment.objects.filter(run=run, active=True).count() == 6
    return run


def review_on_a_phone(
    browsing: Browsing, reviewer: Reviewer, application: Application
) -> tuple[Assignment, Assignment]:
    """(3) The reviewer declares a conflict on one application and scores another (n/a on one
    criterion), on a 390 px screen."""
    mine = list(Assignment.objects.filter(reviewer=reviewer, active=True).order_by("pk"))
    assert len(mine) == 2
    # the conflict on another company's application, the score on ours when it is assigned
    mine.sort(key=lambda a: a.application_id == application.pk)
    conflicted, scoring = mine
    page = browsing.as_user(reviewer.user, PHONE)
    page.goto(browsing.url("programs:review_declarations"))
    page.locator(f"a[href='{reverse('programs:review_declare', args=[conflicted.pk])}']").click()
    page.locator("label", has_text="이해충돌 있음").click()  # the tap target
    page.get_by_label("이해충돌 내용").fill("2024년까지 이 회사의 자문위원이었습니다.")
    no_wider_than(page, 390)
    screenshot(page, "programs-declaration-phone")
    page.get_by_role("button", name="신고하기").click()
    conflicted.refresh_from_db()
    assert (conflicted.active, Conflict.objects.filter(source="declared").count()) == (False, 1)

    page.goto(browsing.url("programs:my_reviews"))
    expect(page.locator("main")).not_to_contain_text(f"신청 번호 {conflicted.application_id}")
    page.get_by_role("link", name=f"신청 번호 {scoring.application_id}").click()
    criteria = list(scoring.stage.criteria.order_by("order"))
    page.fill(f"#id_score_{criteria[0].pk}", "9")
    page.locator(f"label[for=id_na_{criteria[1].pk}]").click()
    page.fill("#id_comment_to_applicant", "현장 실증 계획이 구체적입니다.")
    no_wider_than(page, 390)
    # the screen from the scores down (the action bar sticks to the bottom of the screen)
    page.get_by_role("heading", name="점수", exact=True).evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / "programs-scoring-flow-phone.png"))
    page.get_by_role("button", name="평가 제출").click()
    expect(page.locator("h1")).to_have_text("내 평가")
    review = Review.objects.get(assignment=scoring)
    assert (review.state, review.total) == (ReviewState.SUBMITTED, 90.0)
    return conflicted, scoring


def select(browsing: Browsing, call: Call, staff: User) -> SelectionRun:
    """(4) Staff read the score table, run the selection and approve it."""
    page = browsing.as_user(staff, DESKTOP)
    # no link yet from the call's page to its scores and selection (integ adds it): by URL
    page.goto(browsing.url("programs:score_table", call.pk))
    screenshot(page, "programs-score-table")
    page.get_by_role("link", name="선정", exact=True).click()
    page.get_by_role("button", name="선정 실행").click()
    # the run's page (its job ran in the live server, as the worker would run it)
    expect(page.get_by_role("button", name="선정 승인")).to_be_visible()
    run = SelectionRun.objects.get(call=call)
    assert page.url == browsing.url("programs:selection_run", run.pk)
    screenshot(page, "programs-selection-run")
    page.get_by_role("button", name="선정 승인").click()  # confirmed in the dialog
    expect(page.locator("main")).to_contain_text("승인")
    run.refresh_from_db()
    call.refresh_from_db()
    assert (run.state, call.state) == (RunState.APPROVED, CallState.DELIVERY)
    return run


def see_the_result(browsing: Browsing, member: User, application: Application) -> None:
    """(5) The company opens the notice of its result."""
    page = browsing.as_user(member, DESKTOP)
    page.goto(browsing.base + "/notifications/")
    page.locator("main a", has_text=application.call.title).first.click()
    assert page.url == browsing.url("programs:application_result", application.pk)
    expect(page.locator("main")).to_contain_text("선정")
    expect(page.locator("main")).to_contain_text("현장 실증 계획이 구체적입니다.")
    screenshot(page, "programs-result")
