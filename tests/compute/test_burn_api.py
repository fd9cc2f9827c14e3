"""The burn area's API: a grant's use day by day and a company's statement, with the pages'
rules (the per-role fields are in the field harness, tests/compute/field_rules_burn.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from bitgoeul.compute.models import Discount
from tests.compute.factories import add_usage, company_of, make_grant, make_pool
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_grant_usage_gives_the_month_day_by_day(world: World, client: Client) -> None:
    pool = make_pool("h100")
    grant = make_grant(world.company, {(pool, "2026-11"): 720.0})
    add_usage(grant, pool, 10, period="2026-11", day=2, source="sacct")
    add_usage(grant, pool, 5, period="2026-11", day=4, source="sacct")
    client.force_login(world.owner)
    body = client.get(f"/api/v1/compute/grants/{grant.pk}/usage", {"period": "2026-11"}).json()
    days = {day["date"]: day for day in body["days"]}
    assert (body["period"], body["net_gpu_hours"], body["used_gpu_hours"]) == ("2026-11", 720, 15)
    assert len(days) == 30 and days["2026-11-01"]["used_gpu_hours"] == 0
    assert (days["2026-11-02"]["used_gpu_hours"], days["2026-11-30"]["used_gpu_hours"]) == (10, 15)
    assert days["2026-11-30"]["prorated_gpu_hours"] == pytest.approx(720)
    assert body["parts"][0]["pool"] == "h100" and body["parts"][0]["used_gpu_hours"] == 15


def test_statement_api_charges_like_the_page(world: World, client: Client) -> None:
    pool = make_pool("h100", krw_per_gpu_hour=2900)
    grant = make_grant(world.company, {(pool, "2026-11"): 720.0})
    add_usage(grant, pool, 10, period="2026-11", kwh=3.5)
    company = company_of(world.company)
    Discount.objects.create(name="지회 10%", chapter=world.chapter, percent=10)
    client.force_login(world.owner)
    body = client.get("/api/v1/compute/statements", {"month": "2026-11"}).json()
    assert (body["company"], body["month"], body["total_krw"]) == (company.pk, "2026-11", 26100)
    assert body["lines"][0] == {
        "pool": "h100",
        "gpu_hours": 10.0,
        "krw_per_gpu_hour": 2900,
        "discount_percent": 10,
        "gross_krw": 29000,
        "discount_krw": 2900,
        "amount_krw": 26100,
        "kwh": 3.5,
    }


@pytest.mark.parametrize(
    ("role", "query", "status"),
    [
        ("owner", {"month": "2026-13"}, 422),
        ("owner", {"company": "x"}, 422),
        ("outsider", {"company": "OWN"}, 404),
        ("chapter_staff", {}, 403),
        ("anonymous", {}, 401),
    ],
)
def test_statement_api_refuses_with_a_clear_answer(
    world: World, client: Client, role: str, query: dict[str, str], status: int
) -> None:
    company = company_of(world.company)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    query = {k: str(company.pk) if v == "OWN" else v for k, v in query.items()}
    response = client.get("/api/v1/compute/statements", query)
    assert response.status_code == status
    if status == 422:
        assert response.json()["error"]["field"] in {"month", "company"}
