"""A GPU allocation round in a browser, end to end (issue 12): a company member requests
GPU-hours in an open round, staff close the round, run the engine (a background task with
progress) and approve the run, and the company sees its grant; then the data centre's scheduler
host posts what `sacct` printed with a usage token made on the tokens page, staff find the jobs
in the ledger, and the company reads its grant's burn-down and its monthly statement. Every page
passes axe and does not scroll sideways; screenshots at 1366 and 390 px in Korean and English
land in docs/screenshots/compute-*.png.

The round is for last month and this one, so that the scheduler's jobs ran in a month that has
ended (its burn-down and statement are whole whatever the day the test runs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import ComputeRequest, Grant, Round, UsageEntry
from bitgoeul.compute.periods import period_bounds, period_hours, period_of
from tests.compute.rounds_helpers import company, make_request, make_round, pool
from tests.e2e.conftest import Browsing, browsing_for, checked
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server, bypass_csp=True)


def test_a_company_requests_gpu_hours_staff_decide_the_round_and_the_company_sees_its_grant(
    browsing: Browsing,
) -> None:
    operator_org = OrganizationFactory.create(name="인공지능산업융합사업단", kind="operator")
    operator = MembershipFactory.create(organization=operator_org, role=MembershipRole.STAFF).user
    chapter = OrganizationFactory.create(name="광주전남지회", kind=OrganizationKind.CHAPTER)
    org = CompanyFactory.create(name="(주)빛고을비전", parent=chapter)
    member = MembershipFactory.create(organization=org, role=MembershipRole.ADMIN).user
    rival_org = CompanyFactory.create(name="(주)무등로보틱스", parent=chapter)
    rival = MembershipFactory.create(organization=rival_org, role=MembershipRole.ADMIN).user
    company(org)
    this_month = period_of(timezone.now())
    last_month = period_of(period_bounds(this_month)[0] - dt.timedelta(days=1))
    h100 = pool("h100", gpus=2, krw_per_gpu_hour=2900)
    rnd = make_round(operator, [h100], periods=[last_month, this_month], name="2분기 수시 차수")
    # another company's request, so that the round has something to decide between
    make_request(rival, rival_org, rnd, [h100], gpus=1, periods=[last_month], project="물류 로봇")

    # the company member asks for 2 H100 in January and February, at least 1,000 GPU-hours
    page = browsing.as_user(member, DESKTOP)
    page.goto(browsing.url("compute:home"))
    checked(page, "compute-home-company-ko-1366")
    page.get_by_role("link", name="이 차수에 신청").click()
    page.fill("#id_project", "흉부 X선 판독 모델 학습")
    page.fill("#id_purpose", "판독 모델을 학습합니다.")
    page.locator("label", has_text="H100").click()
    page.fill("#id_gpus", "2")
    page.locator("label", has_text=last_month).click()
    page.locator("label", has_text=this_month).click()
    page.fill("#id_minimum_gpu_hours", "1000")
    page.fill("#id_justification", "실증 사업에 필요한 학습 자원입니다.")
    checked(page, "compute-request-form-ko-1366")
    page.get_by_role("button", name="초안 저장").click()
    expect(page.locator("main")).to_contain_text("초안을 저장했습니다.")
    page.get_by_role("button", name="제출", exact=True).click()
    expect(page.locator("main")).to_contain_text("제출했습니다.")
    request = ComputeRequest.objects.get(project="흉부 X선 판독 모델 학습")
    hours = period_hours(last_month) + period_hours(this_month)
    assert (request.state, request.demand_gpu_hours) == (RequestState.SUBMITTED, 2 * hours)

    # staff close the round, run it and approve the run
    staff = browsing.as_user(operator, DESKTOP)
    staff.goto(browsing.url("compute:round", rnd.pk))
    staff.get_by_role("button", name="신청 마감").click()
    expect(staff.locator("main")).to_contain_text("배분 차수의 상태를 바꿨습니다.")
    staff.get_by_role("button", name="배분 산출").click()
    expect(staff.locator("main")).to_contain_text("배분 산출 결과 열기")
    staff.get_by_role("link", name="배분 산출 결과 열기").click()
    expect(staff.locator("main")).to_contain_text("잠재 가격")
    checked(staff, "compute-run-ko-1366")
    staff.get_by_role("button", name="이 산출 결과 승인").click()
    expect(staff.locator("main")).to_contain_text("배분이 확정되었습니다.")
    assert Round.objects.get(pk=rnd.pk).state == RoundState.APPROVED
    grant = Grant.objects.get(request=request)
    checked(staff, "compute-round-staff-ko-1366")

    # the company sees its grant, on a desktop and a phone, in Korean and English
    for language in ("ko", "en"):
        for viewport, width in ((DESKTOP, 1366), (PHONE, 390)):
            view = browsing.as_user(member, viewport, language)
            view.goto(browsing.url("compute:home"))
            expect(view.locator("main")).to_contain_text(f"co-{org.brn}")
            checked(view, f"compute-home-{language}-{width}")
            view.goto(browsing.url("compute:request", request.pk))
            expect(view.locator("main")).to_contain_text(f"{grant.gpu_hours:,.0f}")
            checked(view, f"compute-request-{language}-{width}")
            view.goto(browsing.url("compute:round", rnd.pk))
            expect(view.locator("canvas[data-chart]")).to_have_count(1)
            checked(view, f"compute-round-{language}-{width}")

    # the scheduler host's token, made by staff on the tokens page (shown once)
    staff.goto(browsing.url("accounts:api_tokens"))
    staff.fill("#id_name", "slurm-head sacct push")
    staff.select_option("#id_scope", "usage")
    staff.get_by_role("button", name="토큰 만들기").click()
    secret = staff.locator("#new-token").inner_text().strip()
    # what `sacct --parsable2 --allocations` printed on the head node for last month: two jobs
    # under the company's Slurm account (2 H100 for 10 hours, then for 5), posted by its cron
    first, _end = period_bounds(last_month)
    day = first.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    sacct = "\n".join(
        [
            "JobID|JobName|Account|User|State|Start|End|ElapsedRaw|AllocTRES",
            f"7001|ct-train|co-{org.brn}|kim|COMPLETED|{day:%Y-%m}-03T09:00:00|"
            f"{day:%Y-%m}-03T19:00:00|36000|billing=16,cpu=16,gres/gpu:h100=2,gres/gpu=2,node=1",
            f"7002|ct-tune|co-{org.brn}|kim|COMPLETED|{day:%Y-%m}-10T09:00:00|"
            f"{day:%Y-%m}-10T14:00:00|18000|billing=16,cpu=16,gres/gpu:h100=2,gres/gpu=2,node=1",
        ]
    )
    pushed = staff.request.post(
        browsing.base + "/api/v1/compute/usage/sacct?cluster=gwangju-aidc",
        data=sacct,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "text/plain"},
    )
    assert pushed.status == 200, pushed.text()
    assert pushed.json()["new"] == 2
    assert sorted(UsageEntry.objects.filter(grant=grant).values_list("job", flat=True)) == [
        "7001",
        "7002",
    ]
    staff.goto(browsing.url("compute:usage_ledger") + f"?period={last_month}")
    expect(staff.locator("main")).to_contain_text("7001")
    checked(staff, "compute-ledger-staff-ko-1366")

    # the company reads its grant's burn-down and last month's statement: 30 GPU-hours used
    for language in ("ko", "en"):
        for viewport, width in ((DESKTOP, 1366), (PHONE, 390)):
            view = browsing.as_user(member, viewport, language)
            view.goto(browsing.url("compute:grant_detail", grant.pk) + f"?period={last_month}")
            expect(view.locator("canvas[data-chart=burn-chart]")).to_be_visible()
            view.wait_for_function(
                "() => document.querySelector('canvas[data-chart=burn-chart]').dataset.wired"
            )
            expect(view.locator("main")).to_contain_text("30")
            checked(view, f"compute-flow-grant-{language}-{width}")
            view.goto(browsing.url("compute:statement") + f"?month={last_month}")
            expect(view.locator("table.statement tbody tr")).to_have_count(1)
            # 30 GPU-hours × 2,900 KRW
            expect(view.locator("table.statement")).to_contain_text("87,000")
            checked(view, f"compute-flow-statement-{language}-{width}")
