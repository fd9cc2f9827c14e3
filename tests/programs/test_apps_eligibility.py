"""Eligibility rules: each kind passes and fails, missing data names the profile field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from bitgoeul.companies.models import Certification
from bitgoeul.programs.eligibility import add_years, check_eligibility
from bitgoeul.programs.enums import EligibilityKind
from bitgoeul.programs.models import Award, Call, EligibilityRule, SelectionRun
from tests.conftest import World
from tests.programs.apps_setup import open_call, profile
from tests.programs.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 1)


def rule(call: Call, kind: str, **params: object) -> None:
    EligibilityRule.objects.create(call=call, kind=kind, params=params)


def messages(world: World, kind: str, today: dt.date = TODAY, **params: object) -> list[str]:
    call = open_call(world)
    rule(call, kind, **params)
    with translation.override("ko"):
        return [f.message for f in check_eligibility(call, profile(world), today)]


def test_region_passes_inside_and_fails_outside(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.REGION, provinces=["광주", "전남"])
    assert check_eligibility(call, profile(world), TODAY) == []
    with translation.override("ko"):
        failures = check_eligibility(call, profile(world, province="seoul"), TODAY)
    assert [(f.rule, f.message) for f in failures] == [
        (
            "region",
            "이 공고는 광주·전남 기업만 신청할 수 있습니다. 등록된 기업 소재지는 서울입니다.",
        )
    ]


def test_region_message_in_english(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.REGION, provinces=["광주", "전남"])
    with translation.override("en"):
        failures = check_eligibility(call, profile(world, province="seoul"), TODAY)
    assert [f.message for f in failures] == [
        "This call is only open to companies in Gwangju, South Jeolla. The registered "
        "location of your company is Seoul."
    ]


def test_region_missing_province_links_to_the_profile_editor(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.REGION, provinces=["광주"])
    company = profile(world, province="")
    with translation.override("en"):
        failures = check_eligibility(call, company, TODAY)
    assert [(f.field, f.link) for f in failures] == [
        ("province", reverse("companies:edit", args=[company.pk]))
    ]
    assert failures[0].message == (
        "This call checks region, but your company profile has no province. Complete it in "
        "the company profile, then check again."
    )


def test_chapter_passes_for_its_members_and_fails_for_another_chapter(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.CHAPTER, chapters=[world.chapter.pk])
    assert check_eligibility(call, profile(world), TODAY) == []
    world.company.parent = world.other_chapter
    world.company.save(update_fields=["parent"])
    with translation.override("ko"):
        failures = check_eligibility(call, profile(world), TODAY)
    assert [f.message for f in failures] == [
        "이 공고는 광주전남지회 소속 기업만 신청할 수 있습니다. 등록된 기업의 소속 지회는 "
        "부산지회입니다."
    ]


def test_company_age_boundary(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MAX_AGE_YEARS, years=7)
    assert check_eligibility(call, profile(world, founded_on=dt.date(2019, 5, 1)), TODAY) == []
    with translation.override("en"):
        failures = check_eligibility(call, profile(world, founded_on=dt.date(2019, 4, 30)), TODAY)
    assert [f.message for f in failures] == [
        "This call is only open to companies founded within the last 7 years (on or after "
        "2019-05-01). Your company was founded on 2019-04-30."
    ]


def test_company_age_without_founding_date_asks_for_it(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MAX_AGE_YEARS, years=7)
    with translation.override("en"):
        failures = check_eligibility(call, profile(world, founded_on=None), TODAY)
    assert [f.field for f in failures] == ["founding date"]


def test_min_employees(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MIN_EMPLOYEES, count=12)
    assert check_eligibility(call, profile(world, employees=12), TODAY) == []
    with translation.override("ko"):
        failures = check_eligibility(call, profile(world, employees=11), TODAY)
    assert [f.message for f in failures] == [
        "이 공고는 상시 근로자 12명 이상인 기업만 신청할 수 있습니다. 등록된 기업의 근로자 "
        "수는 11명입니다."
    ]


def test_max_employees(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MAX_EMPLOYEES, count=50)
    assert check_eligibility(call, profile(world, employees=50), TODAY) == []
    failures = check_eligibility(call, profile(world, employees=51), TODAY)
    assert [f.rule for f in failures] == ["max_employees"]


def test_employees_unknown_asks_for_the_count(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MIN_EMPLOYEES, count=5)
    with translation.override("en"):
        failures = check_eligibility(call, profile(world, employees=None), TODAY)
    assert [f.field for f in failures] == ["number of employees"]


def test_certification_valid_today_passes_expired_fails(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.CERTIFICATION, kinds=["venture", "innobiz"])
    company = profile(world)
    with translation.override("en"):
        none = check_eligibility(call, company, TODAY)
    assert [f.message for f in none] == [
        "This call is only open to companies with one of these certifications: Venture "
        "certification, Inno-Biz. Your company profile lists no certification: add yours in "
        "the company profile."
    ]
    Certification.objects.create(
        company=company, kind="venture", issued_on=dt.date(2023, 1, 1), expires_on=TODAY
    )
    assert check_eligibility(call, company, TODAY) == []
    later = TODAY + dt.timedelta(days=1)
    assert [f.rule for f in check_eligibility(call, company, later)] == ["certification"]


def test_certification_of_another_kind_fails(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.CERTIFICATION, kinds=["tips"])
    company = profile(world)
    Certification.objects.create(company=company, kind="venture")
    assert [f.rule for f in check_eligibility(call, company, TODAY)] == ["certification"]


def _award(world: World, created: dt.datetime) -> Award:
    earlier = CallFactory.create(title="2023 AI 실증 지원사업")
    application = ApplicationFactory.create(call=earlier, company=profile(world))
    run = SelectionRun.objects.create(call=earlier, policy="rank", budget=1)
    return Award.objects.create(
        application=application, selection_run=run, amount=1, created_at=created
    )


def test_earlier_award_within_the_years_fails(world: World) -> None:
    _award(world, dt.datetime(2023, 5, 2, 9, 0, tzinfo=dt.UTC))
    call = open_call(world)
    rule(call, EligibilityKind.NO_AWARD_SINCE, years=3)
    with translation.override("ko"):
        failures = check_eligibility(call, profile(world), TODAY)
    assert [f.message for f in failures] == [
        "최근 3년 안에 선정된 기업은 이 공고에 신청할 수 없습니다. 귀사는 2023-05-02에 "
        "2023 AI 실증 지원사업에 선정되었습니다."
    ]


def test_earlier_award_before_the_years_passes(world: World) -> None:
    _award(world, dt.datetime(2023, 4, 29, 9, 0, tzinfo=dt.UTC))
    call = open_call(world)
    rule(call, EligibilityKind.NO_AWARD_SINCE, years=3)
    assert check_eligibility(call, profile(world), TODAY) == []


def test_award_of_another_company_does_not_count(world: World) -> None:
    earlier = CallFactory.create()
    other = ApplicationFactory.create(call=earlier)
    run = SelectionRun.objects.create(call=earlier, policy="rank", budget=1)
    Award.objects.create(application=other, selection_run=run, amount=1)
    call = open_call(world)
    rule(call, EligibilityKind.NO_AWARD_SINCE, years=3)
    assert check_eligibility(call, profile(world), TODAY) == []


def test_every_failing_rule_is_listed_in_order(world: World) -> None:
    call = open_call(world)
    rule(call, EligibilityKind.MAX_EMPLOYEES, count=5)
    rule(call, EligibilityKind.REGION, provinces=["부산"])
    rule(call, EligibilityKind.MIN_EMPLOYEES, count=1)
    failures = check_eligibility(call, profile(world), TODAY)
    assert [f.rule for f in failures] == ["max_employees", "region"]


def test_unknown_kind_is_an_error_not_a_pass(world: World) -> None:
    call = open_call(world)
    rule(call, "favourite_colour")
    with pytest.raises(ValueError, match="favourite_colour"):
        check_eligibility(call, profile(world), TODAY)


def test_add_years_on_29_february() -> None:
    assert add_years(dt.date(2024, 2, 29), -3) == dt.date(2021, 2, 28)
