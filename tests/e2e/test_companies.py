"""A staff user imports a CP949 CSV through the wizard, searches in Korean, opens a company and
reads why it has its score; screenshots of each step."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from bitgoeul.companies.models import Company
from tests.companies.files import csv_bytes
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_operator_imports_searches_and_reads_the_score(page: Page, live: str) -> None:
    login(page, live, "operator@bitgoeul.kr")

    # 1. upload a CP949 (EUC-KR) CSV as Korean office software saves it
    page.goto(f"{live}/companies/import/")
    page.set_input_files(
        "#id_file",
        files=[
            FilePayload(
                name="회원사명단.csv", mimeType="text/csv", buffer=csv_bytes(encoding="cp949")
            )
        ],
    )
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("cp949")
    expect(page.locator("table.mapping")).to_contain_text("(주)빛고을에이아이")
    detail = page.url
    screenshot(page, "companies-import-mapping-ko")

    # 2. dry run: nothing is written, the report says what would happen
    page.locator(".mapping-form button[type=submit]").click()
    page.goto(detail)
    expect(page.locator("table.report")).to_contain_text("(주)영산로보틱스")
    assert Company.objects.filter(organization__brn="1048145012").count() == 0
    screenshot(page, "companies-import-dry-run-ko")

    # 3. the real import
    page.locator("form[action$='/run/'] button[type=submit]").click()
    page.goto(detail)
    expect(page.locator(".notice-success")).to_be_visible()
    assert Company.objects.filter(organization__brn__in=["1208147521", "1048145012"]).count() == 2

    # 4. recompute the scores so the new companies have one
    page.goto(f"{live}/companies/scoring/")
    page.locator("form[action$='/recompute/'] button").click()
    expect(page.locator("main")).to_contain_text("100%")

    # 5. search in Korean, with a particle and part of a compound
    page.goto(f"{live}/companies/")
    page.fill("#id_q", "협동로봇을")
    page.locator("form.company-filters button[type=submit]").click()
    results = page.locator("#company-results")
    expect(results).to_contain_text("(주)영산로보틱스")
    screenshot(page, "companies-search-ko")

    # 6. the company page and why it has its score
    imported = Company.objects.get(organization__brn="1048145012")  # the demo has a namesake
    results.locator(f"a[href='/companies/{imported.pk}/']").click()
    expect(page.locator("h1")).to_contain_text("(주)영산로보틱스")
    expect(page.locator("table.breakdown")).to_be_visible()
    expect(page.locator("table.breakdown tbody tr")).to_have_count(7)
    screenshot(page, "companies-detail-score-ko")

    page.locator("header button[name=language][value=en]").click()
    expect(page.locator("#why-title")).to_have_text("Why this score")
    screenshot(page, "companies-detail-score-en")
