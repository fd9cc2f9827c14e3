"""The fields each role receives of a GPU grant on the burn area's pages: the grant page (parts
and use at RECORD; purpose, energy, the scheduler account and the link to charges only
PRIVATE) and the statement and its XLSX (charges: PRIVATE). Called from the field harness in
tests/test_url_access.py. Expectations are written out here, independently of REQUEST_FIELDS,
so a page that stops asking the rule shows up as a difference."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.compute.periods import period_of
from tests.compute.factories import add_usage, company_of, make_grant, make_pool
from tests.conftest import ROLES, World

PUBLIC, RECORD, PRIVATE = "public", "record", "private"
RANK = {None: 0, PUBLIC: 1, RECORD: 2, PRIVATE: 3}
# a rolling request's grant of the Gwangju company (never public)
LEVELS: dict[str, str | None] = {
    "anonymous": None,
    "owner": PRIVATE,
    "teammate": PRIVATE,
    "outsider": None,
    "chapter_staff": RECORD,
    "reviewer": None,
    "operator": PRIVATE,
}
PURPOSE = "폐 결절 검출 모델의 사전학습"


def burn_field_leaks(world: World, roles: list[str] = ROLES) -> list[str]:
    period = period_of(timezone.now())
    pool = make_pool("h100", name="H100 SXM")
    grant = make_grant(world.company, {(pool, period): 744.0}, purpose=PURPOSE)
    add_usage(grant, pool, 43.5, period=period, kwh=777.7, sm_gpu_hours=30.25)
    company = company_of(world.company)
    values = {  # field → (text on the page, the lowest level that shows it)
        "parts": ("H100 SXM", RECORD),
        "usage": ("43.5", RECORD),
        "purpose": (PURPOSE, PRIVATE),
        "charges": ("777.7", PRIVATE),
        "statement link": (reverse("compute:statement"), PRIVATE),
        "account": (grant.account, PRIVATE),
    }
    problems = []
    for role in roles:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        level = LEVELS[role]
        response = client.get(reverse("compute:grant_detail", args=[grant.pk]))
        if level is None:
            if response.status_code not in (302, 404):
                problems.append(f"grant page {role}: answered {response.status_code}")
        else:
            html = response.content.decode()
            for field, (text, minimum) in values.items():
                shown, expected = text in html, RANK[level] >= RANK[minimum]
                if shown != expected:
                    problems.append(
                        f"grant page {role}: {field} {'shown' if shown else 'hidden'}, "
                        f"expected {'shown' if expected else 'hidden'}"
                    )
        problems += _api_leaks(client, role, level, grant.pk)
        for name in ("compute:statement", "compute:statement_xlsx"):
            answer = client.get(reverse(name), {"company": company.pk, "month": period})
            allowed = answer.status_code == 200
            if allowed != (level == PRIVATE):
                problems.append(f"{name} {role}: answered {answer.status_code}")
        answer = client.get("/api/v1/compute/statements", {"company": company.pk, "month": period})
        if (answer.status_code == 200) != (level == PRIVATE):
            problems.append(f"statement API {role}: answered {answer.status_code}")
        elif level == PRIVATE and answer.json()["lines"][0]["kwh"] != 777.7:
            problems.append(f"statement API {role}: no energy line")
    return problems


def _api_leaks(client: Client, role: str, level: str | None, grant_id: int) -> list[str]:
    """The grant's use through the API: parts and use from RECORD, energy only PRIVATE."""
    answer = client.get(f"/api/v1/compute/grants/{grant_id}/usage")
    if level is None:
        return (
            [] if answer.status_code in (401, 404) else [f"usage API {role}: {answer.status_code}"]
        )
    if answer.status_code != 200:
        return [f"usage API {role}: answered {answer.status_code}"]
    body = answer.json()
    problems = []
    if round(body["used_gpu_hours"], 2) != 43.5:
        problems.append(f"usage API {role}: used {body['used_gpu_hours']}, expected 43.5")
    energy = [body["parts"][0]["kwh"], *(day["kwh"] for day in body["days"])]
    shown = any(value is not None for value in energy)
    if shown != (level == PRIVATE):
        problems.append(f"usage API {role}: energy {'shown' if shown else 'hidden'}")
    return problems
