"""Charges: usage × the pool's tariff less the best discount, in whole KRW; the statement page,
its XLSX (read back with openpyxl) and staff's totals (issue 12 item 4, charges)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bitgoeul.companies.enums import Stage
from bitgoeul.compute.models import Discount, UsageEntry
from bitgoeul.compute.selectors_burn import usage_by_part
from bitgoeul.compute.selectors_charges import company_statement, month_statements
from tests.compute.factories import add_usage, company_of, make_grant, make_pool
from tests.conftest import World
from tests.factories import MembershipFactory

MARCH = "2027-03"


def _scene(world: World) -> None:
    company_of(world.company, stage=Stage.SEED)
    company_of(world.other_company, stage=Stage.GROWTH)
    h100 = make_pool("h100", name="H100", krw_per_gpu_hour=3000)
    a100 = make_pool("a100", name="=A100 (80GB)", krw_per_gpu_hour=1500)
    Discount.objects.create(name="초기 기업", stage=Stage.SEED, percent=30)
    Discount.objects.create(name="광주전남지회", chapter=world.chapter, percent=20)
    Discount.objects.create(name="A100 성장 기업", pool=a100, stage=Stage.GROWTH, percent=50)
    Discount.objects.create(name="종료된 할인", percent=90, is_active=False)
    grant = make_grant(world.company, {(h100, MARCH): 100.0, (a100, MARCH): 50.0})
    # 37,801 GPU-seconds: 10.5003 GPU-hours × 3,000 = 31,500.83 KRW before the discount
    add_usage(grant, h100, 37801 / 3600, day=2, kwh=4.25)
    add_usage(grant, a100, 1.5, day=3)
    add_usage(grant, a100, 0.5, day=4)
    add_usage(grant, h100, 99, period="2027-04", day=1)  # another month
    other = make_grant(world.other_company, {(a100, MARCH): 10.0})
    add_usage(other, a100, 4, day=5)
    # an untyped GPU has no pool and so no tariff: not charged
    line = add_usage(grant, h100, 7, day=6)
    UsageEntry.objects.filter(pk=line.pk).update(pool=None)


@pytest.mark.django_db
def test_charges_take_the_best_discount_and_drop_fractions_of_a_won(world: World) -> None:
    _scene(world)
    statement = company_statement(company_of(world.company), MARCH)
    lines = [
        (
            line.pool.model,
            round(line.gpu_hours, 4),
            line.krw_per_gpu_hour,
            line.discount_percent,
            line.gross_krw,
            line.amount_krw,
            line.kwh,
        )
        for line in statement.lines
    ]
    assert lines == [
        # A100 (sorted by name "=A100…"): seed 30% beats the chapter's 20%; 2 h × 1,500
        ("a100", 2.0, 1500, 30, 3000, 2100, None),
        # H100: 31,500.83 → 31,500 before, 22,050.58 → 22,050 after 30%
        ("h100", 10.5003, 3000, 30, 31500, 22050, 4.25),
    ]
    assert (statement.total_krw, statement.discount_krw, statement.kwh) == (24150, 10350, 4.25)


@pytest.mark.django_db
def test_a_discount_of_another_stage_or_pool_does_not_apply(world: World) -> None:
    _scene(world)
    other = company_statement(company_of(world.other_company), MARCH)
    # growth company of the Busan chapter: only "A100 growth" (50%) fits the A100 line
    assert [(line.discount_percent, line.amount_krw) for line in other.lines] == [(50, 3000)]
    totals = {s.company.pk: s.total_krw for s in month_statements(MARCH)}
    assert totals == {world.company.pk: 24150, world.other_company.pk: 3000}


@pytest.mark.django_db
def test_statement_xlsx_reads_back_with_numbers_as_numbers(world: World, client: Client) -> None:
    _scene(world)
    client.force_login(world.owner)
    query: dict[str, str | int] = {"company": world.company.pk, "month": MARCH}
    response = client.get(reverse("compute:statement_xlsx"), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert (rows[0][1], rows[0][3]) == ("(주)빛고을에이아이", MARCH)
    assert rows[2] == ["'=A100 (80GB)", 2.0, 1500, 30, 900, 2100, None]  # neutralised text
    assert rows[3] == ["H100", 10.5, 3000, 30, 9450, 22050, 4.25]
    assert rows[4][1:] == [12.5, None, None, 10350, 24150, 4.25]
    assert all(isinstance(value, int) for value in rows[3][2:6])


@pytest.mark.django_db
def test_statement_page_is_for_members_and_staff(world: World, client: Client) -> None:
    _scene(world)
    url = reverse("compute:statement")
    query: dict[str, str | int] = {"company": world.company.pk, "month": MARCH}
    client.force_login(world.owner)
    html = client.get(url, {"month": MARCH}).content.decode()  # their own company by default
    assert ("24,150" in html, "초기 기업" in html) == (True, True)
    for user in (world.chapter_staff, world.outsider, world.reviewer):
        client.force_login(user)
        assert client.get(url, query).status_code == 404
    client.force_login(world.operator)
    assert "24,150" in client.get(url, query).content.decode()
    totals = client.get(reverse("compute:statement_totals"), {"month": MARCH}).content.decode()
    assert ("24,150" in totals, "27,150" in totals) == (True, True)


@pytest.mark.django_db
def test_a_member_of_two_companies_switches_between_their_statements(
    world: World, client: Client
) -> None:
    _scene(world)
    MembershipFactory.create(organization=world.other_company, user=world.owner)
    client.force_login(world.owner)
    url = reverse("compute:statement")
    query: dict[str, str | int] = {"company": world.other_company.pk, "month": MARCH}
    response = client.get(url, query)
    assert [c.pk for c in response.context["companies"]] == sorted(
        [world.company.pk, world.other_company.pk]
    )
    html = response.content.decode()
    assert "(주)부산로보틱스" in html and f"?company={world.company.pk}&amp;month={MARCH}" in html
    # the one shown is the statement's own company object, not a second read of it
    shown = [c for c in response.context["companies"] if c.pk == world.other_company.pk]
    assert shown[0] is response.context["statement"].company


def test_a_job_reported_by_sacct_and_by_the_agent_counts_once(world: World) -> None:
    # the scheduler's line is the allocation (charged and burned); the agent's line of the same
    # job only adds how it was used (energy); a grant with agent lines only counts those
    company_of(world.company)
    company_of(world.other_company)
    pool = make_pool("h100", krw_per_gpu_hour=1000)
    grant = make_grant(world.company, {(pool, "2026-10"): 100.0})
    add_usage(grant, pool, 10, source="sacct")
    add_usage(grant, pool, 9, kwh=4.5)
    measured_only = make_grant(world.other_company, {(pool, "2026-10"): 100.0})
    add_usage(measured_only, pool, 7)
    used = usage_by_part([grant.pk, measured_only.pk])
    assert (
        used[grant.pk, pool.pk, "2026-10"].gpu_hours,
        used[grant.pk, pool.pk, "2026-10"].kwh,
        used[measured_only.pk, pool.pk, "2026-10"].gpu_hours,
    ) == (10.0, 4.5, 7.0)
    statement = company_statement(grant.company, "2026-10")
    assert [(line.gpu_hours, line.kwh) for line in statement.lines] == [(10.0, 4.5)]
