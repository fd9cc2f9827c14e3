"""The fields each role receives of a company, on the company page, in the API (list and
detail) and in exports: the field half of the URL × role harness (tests/test_url_access.py).

The expectations are written out here, independently of `access.COMPANY_FIELDS`, so that a
change of the rule or a surface that stops asking it shows up as a difference (`field_leaks`).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from bitgoeul.accounts.brn import brn_format
from bitgoeul.companies.exports import export_headers, export_write
from bitgoeul.companies.models import Company, CompanyMetric
from bitgoeul.companies.search import company_search
from bitgoeul.companies.services.profile import company_set_chapter_consent, company_update
from tests.companies.helpers import company_record
from tests.conftest import ROLES, World
from tests.factories import CompanyFactory

PUBLIC, RECORD, PRIVATE = "public", "record", "private"
RANK = {None: 0, PUBLIC: 1, RECORD: 2, PRIVATE: 3}

# The level each role has on each company of the scene (None: must not learn it exists).
# "gwangju": public, not shared with its chapter; "busan": public, in another chapter;
# "shared": not public, shares its private data with the Gwangju chapter.
LEVELS: dict[str, dict[str, str | None]] = {
    "gwangju": {
        "anonymous": PUBLIC,
        "owner": PRIVATE,
        "teammate": PRIVATE,
        "outsider": PUBLIC,
        "chapter_staff": RECORD,
        "reviewer": PUBLIC,
        "operator": PRIVATE,
    },
    "busan": {
        "anonymous": PUBLIC,
        "owner": PUBLIC,
        "teammate": PUBLIC,
        "outsider": PRIVATE,
        "chapter_staff": PUBLIC,
        "reviewer": PUBLIC,
        "operator": PRIVATE,
    },
    "shared": {
        "anonymous": None,
        "owner": None,
        "teammate": None,
        "outsider": None,
        "chapter_staff": PRIVATE,
        "reviewer": None,
        "operator": PRIVATE,
    },
}

# The fields checked on each surface and the level from which each must appear.
API_FIELDS = {
    "name": PUBLIC,
    "description": PUBLIC,
    "products": PUBLIC,
    "stage": RECORD,
    "founded_on": RECORD,
    "employees": PRIVATE,
    "revenue": PRIVATE,
    "potential_score": PRIVATE,
}
API_DETAIL_FIELDS = {**API_FIELDS, "brn": RECORD}
EXPORT_COLUMNS = {  # header (msgid, translated as the export writes it) → level
    "Company name": PUBLIC,
    "Products": PUBLIC,
    "Business registration number": RECORD,
    "Representative": RECORD,
    "Stage": RECORD,
    "Founding date": RECORD,
    "Employees": PRIVATE,
    "Revenue (KRW)": PRIVATE,
    "Potential score": PRIVATE,
}


@dataclass
class Scene:
    companies: dict[str, Company]
    # what the company page shows of each field (text in the HTML) → level
    page_values: dict[str, dict[str, tuple[str, str]]]


def scene(world: World) -> Scene:
    """Three companies with a value in every field checked."""
    shared_org = CompanyFactory.create(name="(주)공유로보틱스", parent=world.chapter)
    companies = {
        "gwangju": company_record(world.company),
        "busan": company_record(world.other_company),
        "shared": company_record(shared_org),
    }
    page_values: dict[str, dict[str, tuple[str, str]]] = {}
    for index, (key, company) in enumerate(companies.items()):
        with transaction.atomic():
            company_update(
                company=company,
                actor=None,
                data={
                    "description": f"설명{key}",
                    "products": f"제품{key}",
                    "representative": f"대표{key}",
                    "founded_on": dt.date(2010 + index, 3, 4),
                    "stage": "growth",
                    "employees": 31 + index,
                    "revenue": 987_654_321 + index,
                },
            )
            CompanyMetric.objects.create(
                company=company, year=2024, employees=31 + index, revenue=987_654_321 + index
            )
            Company.objects.filter(pk=company.pk).update(
                potential_score=55.5 + index, is_public=key != "shared"
            )
            if key == "shared":
                company_set_chapter_consent(company=company, actor=None, consent=True)
        page_values[key] = {
            "description": (f"설명{key}", PUBLIC),
            "representative": (f"대표{key}", RECORD),
            "founded_on": (f"{2010 + index}-03-04", RECORD),
            "revenue": (f"{987_654_321 + index:,}", PRIVATE),
        }
    return Scene(
        companies={k: Company.objects.get(pk=c.pk) for k, c in companies.items()},
        page_values=page_values,
    )


def _client(world: World, role: str) -> Client:
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client


def _shows(level: str | None, minimum: str) -> bool:
    return RANK[level] >= RANK[minimum]


def _compare(where: str, got: dict[str, bool], expected: dict[str, bool]) -> list[str]:
    return [
        f"{where}: {field} {'shown' if got[field] else 'hidden'}, "
        f"expected {'shown' if expected[field] else 'hidden'}"
        for field in expected
        if got[field] != expected[field]
    ]


def page_leaks(world: World, s: Scene, role: str) -> list[str]:
    problems = []
    client = _client(world, role)
    for key, company in s.companies.items():
        level = LEVELS[key][role]
        response = client.get(reverse("companies:detail", args=[company.pk]))
        if level is None:
            if response.status_code != 404:
                problems.append(f"page {role} {key}: answered {response.status_code}, not 404")
            continue
        html = response.content.decode()
        values = s.page_values[key]
        got = {field: text in html for field, (text, _m) in values.items()}
        expected = {field: _shows(level, minimum) for field, (_t, minimum) in values.items()}
        problems += _compare(f"page {role} {key}", got, expected)
    return problems


def _api_fields(row: dict[str, object], fields: dict[str, str]) -> dict[str, bool]:
    return {field: row.get(field) not in (None, "") for field in fields}


def api_leaks(world: World, s: Scene, role: str) -> list[str]:
    if role == "anonymous":
        return []  # the API answers visitors 401 (the URL rules check it)
    problems = []
    client = _client(world, role)
    listed = {r["id"]: r for r in client.get("/api/v1/companies?page_size=100").json()["results"]}
    for key, company in s.companies.items():
        level = LEVELS[key][role]
        detail = client.get(f"/api/v1/companies/{company.pk}")
        if level is None:
            if company.pk in listed or detail.status_code != 404:
                problems.append(f"api {role} {key}: listed or found, expected neither")
            continue
        if company.pk not in listed:
            problems.append(f"api {role} {key}: not listed")
        else:
            problems += _compare(
                f"api list {role} {key}",
                _api_fields(listed[company.pk], API_FIELDS),
                {f: _shows(level, m) for f, m in API_FIELDS.items()},
            )
        problems += _compare(
            f"api detail {role} {key}",
            _api_fields(detail.json(), API_DETAIL_FIELDS),
            {f: _shows(level, m) for f, m in API_DETAIL_FIELDS.items()},
        )
        if _shows(level, RECORD) and detail.json().get("brn") != brn_format(
            company.organization.brn or ""
        ):
            problems.append(f"api detail {role} {key}: wrong brn")
    return problems


def export_leaks(world: World, s: Scene, role: str, folder: Path) -> list[str]:
    """The export as the job writes it for this person (the view lets staff only start one;
    the function itself must hold for anyone)."""
    path = folder / f"{role}.csv"
    export_write(company_search(viewer=world.user(role)), world.user(role), path, "csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    headers = rows[0]
    if headers != export_headers():
        return [f"export {role}: headers {headers}"]
    by_name = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    problems = []
    for key, company in s.companies.items():
        level = LEVELS[key][role]
        row = by_name.get(company.organization.name)
        if level is None or row is None:
            if (level is None) != (row is None):
                problems.append(f"export {role} {key}: row present {row is not None}")
            continue
        problems += _compare(
            f"export {role} {key}",
            {column: row[gettext(column)] != "" for column in EXPORT_COLUMNS},
            {column: _shows(level, m) for column, m in EXPORT_COLUMNS.items()},
        )
    return problems


def field_leaks(world: World, s: Scene, folder: Path, roles: list[str] = ROLES) -> list[str]:
    """Every difference between what the roles receive and what they should."""
    problems: list[str] = []
    for role in roles:
        problems += page_leaks(world, s, role)
        problems += api_leaks(world, s, role)
        problems += export_leaks(world, s, role, folder)
    return problems
