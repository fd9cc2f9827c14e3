"""A demonstration project in a browser (issue 13): the company records a KPI measurement on a
phone, publishes the project with its story, and a visitor finds it in the showcase with its
KPI result against the target, at 1366 and 390 px. The project itself (approved by its host and
the operator) is made by factories. Screenshots land in docs/screenshots/demonstrations-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Measurement
from tests.demonstrations.factories import make_project
from tests.e2e.conftest import screenshot
from tests.e2e.test_programs_flow import DESKTOP, PHONE, Browsing, with_password
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def browsing(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Browsing]:
    browsing = Browsing(browser, str(live_server.url))
    yield browsing
    browsing.close()
    assert browsing.errors == []


def test_a_measurement_is_recorded_and_the_project_appears_in_the_showcase(
    browsing: Browsing,
) -> None:
    company = CompanyFactory.create(name="(주)빛고을헬스")
    member = with_password(
        MembershipFactory.create(organization=company, role=MembershipRole.ADMIN).user
    )
    project = make_project(company, state=ProjectState.APPROVED, title="흉부 X선 판독 보조 실증")

    phone = browsing.as_user(member, PHONE)
    phone.goto(browsing.url("demonstrations:detail", project.pk))
    phone.select_option("#id_kpi", str(project.kpis.get().pk))
    phone.fill("#id_measured_on", timezone.localdate().isoformat())
    phone.fill("#id_value", "96.4")
    phone.get_by_role("button", name="측정값 저장").click()
    expect(phone.locator("main")).to_contain_text("측정값을 기록했습니다.")
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("96.4000")]
    screenshot(phone, "demonstrations-project-phone")

    phone.locator("summary", has_text="공개 범위 설정").click()
    phone.locator("label[for=id_is_public]").click()  # the tap target of a KRDS checkbox
    phone.fill("#id_story", "응급실 흉부 X선을 AI가 먼저 읽어 판독 대기 시간이 줄었습니다.")
    phone.get_by_role("button", name="저장", exact=True).click()
    expect(phone.locator("main")).to_contain_text("실증 사례에 공개했습니다.")

    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        visitor = browsing.page(viewport)
        visitor.goto(browsing.url("demonstrations:showcase") + "?q=판독을")
        visitor.get_by_role("link", name="흉부 X선 판독 보조 실증").click()
        expect(visitor.locator("main")).to_contain_text("목표 달성")
        expect(visitor.locator("canvas[data-chart]")).to_have_count(1)
        width = visitor.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"]
        screenshot(visitor, f"demonstrations-showcase-{name}")
