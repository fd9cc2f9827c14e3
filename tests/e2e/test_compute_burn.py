"""A company's GPU grant in a browser (issue 12 item 5): its page with the burn-down chart and
the monthly statement, at 1366 and 390 px, in Korean and English, each checked with axe and for
sideways scrolling. The data is built here (pools, a grant, ledger lines, a discount).
Screenshots land in docs/screenshots/compute-grant-*.png."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.companies.enums import Stage
from bitgoeul.compute.models import Discount
from bitgoeul.compute.periods import period_bounds, period_hours, period_of
from tests.compute.factories import add_usage, company_of, make_grant, make_pool
from tests.e2e.conftest import Browsing, browsing_for, checked
from tests.factories import CompanyFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    yield from browsing_for(browser, live_server, bypass_csp=True)


def _scene() -> tuple[Any, int, str]:
    """A Gwangju company's grant on two pools over last month and this one, used day by day
    last month (a little less than its share, then a busy last week); returns last month."""
    association = OrganizationFactory.create(name="벤처기업협회", kind=OrganizationKind.ASSOCIATION)
    chapter = OrganizationFactory.create(
        name="광주전남지회", kind=OrganizationKind.CHAPTER, parent=association
    )
    org = CompanyFactory.create(name="(주)빛고을메디컬AI", parent=chapter)
    company_of(org, stage=Stage.EARLY)
    member = MembershipFactory.create(organization=org, role=MembershipRole.ADMIN).user
    h100 = make_pool("h100", name="H100 SXM 80GB", krw_per_gpu_hour=2900)
    a100 = make_pool("a100", name="A100 80GB", krw_per_gpu_hour=1800)
    Discount.objects.create(name="초기 기업 30% 할인", stage=Stage.EARLY, percent=30)
    Discount.objects.create(name="광주전남지회 10% 할인", chapter=chapter, percent=10)
    this_month = period_of(timezone.now())
    last_month = period_of(period_bounds(this_month)[0] - dt.timedelta(days=1))
    grant = make_grant(
        org,
        {
            (h100, last_month): 2880.0,
            (a100, last_month): 1440.0,
            (h100, this_month): 2976.0,
            (a100, this_month): 1488.0,
        },
        project="흉부 CT 폐결절 검출 모델 학습",
        purpose="공공 병원 실증에 쓸 폐결절 검출 모델을 사전학습하고 미세조정합니다.",
        gpus=4,
    )
    days = period_hours(last_month) // 24
    for day in range(1, days + 1):
        busy = day > days - 7
        add_usage(
            grant,
            h100,
            150 if busy else 60 + 9 * (day % 4),
            period=last_month,
            day=day,
            kwh=68.0 if busy else 31.5,
            sm_gpu_hours=120 if busy else 48,
        )
        add_usage(grant, a100, 40 if busy else 22.5, period=last_month, day=day, kwh=8.2)
    return member, grant.pk, last_month


@pytest.mark.parametrize("language", ["ko", "en"])
def test_company_reads_its_grant_burn_down_and_statement(browsing: Browsing, language: str) -> None:
    member, grant_id, period = _scene()
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = browsing.as_user(member, viewport, language)
        page.goto(browsing.url("compute:grant_detail", grant_id) + f"?period={period}")
        expect(page.locator("h1")).to_have_text("흉부 CT 폐결절 검출 모델 학습")
        expect(page.locator("canvas[data-chart=burn-chart]")).to_be_visible()
        page.wait_for_function(
            "() => document.querySelector('canvas[data-chart=burn-chart]').dataset.wired"
        )
        checked(page, f"compute-grant-{size}-{language}")

        page.goto(browsing.url("compute:statement") + f"?month={period}")
        expect(page.locator("table.statement tbody tr")).to_have_count(2)
        checked(page, f"compute-grant-statement-{size}-{language}")
        if size == "desktop":
            page.emulate_media(media="print")
            checked(page, f"compute-grant-statement-print-{language}")
            # "Save as PDF" on A4 (print media, as emulated): the statement fits one page
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
            assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
            page.emulate_media(media="screen")
