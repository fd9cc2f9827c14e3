"""A company user signs up with consent, logs in, switches language; home page screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bitgoeul.accounts.models import ConsentRecord, User
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_company_user_signs_up_logs_in_and_switches_language(page: Page, live: str) -> None:
    page.goto(f"{live}/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    screenshot(page, "landing-ko")

    page.goto(f"{live}/accounts/signup/")
    page.fill("#id_name", "윤서진")
    page.fill("#id_email", "seojin@newco.kr")
    page.fill("#id_password1", "무등산-아침-2026")
    page.fill("#id_password2", "무등산-아침-2026")
    page.fill("#id_company_name", "(주)새빛인공지능")
    page.fill("#id_company_brn", "120-81-47522")  # wrong check digit first
    page.locator("label[for=id_consent_signup_required]").click()
    page.locator("main button[type=submit]").click()
    expect(page.locator("#id_company_brn_error")).to_contain_text("120-81-4752")
    page.fill("#id_password1", "무등산-아침-2026")
    page.fill("#id_password2", "무등산-아침-2026")
    page.fill("#id_company_brn", "120-81-47521")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live}/")
    user = User.objects.get(email="seojin@newco.kr")
    consents = dict(ConsentRecord.objects.filter(user=user).values_list("document", "agreed"))
    assert consents == {"signup.required": True, "signup.newsletter": False}

    page.locator("header form[action$='/logout/'] button").click()
    login(page, live, "seojin@newco.kr", "무등산-아침-2026")
    expect(page.locator("h1")).to_contain_text("윤서진")
    expect(page.locator("main")).to_contain_text("(주)새빛인공지능")
    screenshot(page, "home-company-ko")

    page.locator("header button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Hello")
    screenshot(page, "home-company-en")

    page.locator("header button[name=language][value=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def test_operator_home_in_both_languages(page: Page, live: str) -> None:
    login(page, live, "operator@bitgoeul.kr")
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    screenshot(page, "home-operator-ko")
    page.locator("header button[name=language][value=en]").click()
    expect(page.locator("#op-title")).to_have_text("Cluster overview")
    screenshot(page, "home-operator-en")
