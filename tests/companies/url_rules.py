"""The companies app's rows of the URL × role table (tests/test_url_access.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings

from bitgoeul.companies.models import (
    Certification,
    Company,
    CompanyImport,
    CompanyMetric,
    Investment,
    Nomination,
    Technology,
    WatchlistEntry,
)
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.test_url_access import LOGIN, Rule, everyone, only


def _company(w: World) -> Company:
    return company_record(w.company)


def _org(w: World) -> dict[str, Any]:
    _company(w)
    return {"org_id": w.company.pk}


def _import(w: World, *, rejected: bool = False) -> dict[str, Any]:
    relative = "imports/rules.csv"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("회사명,사업자등록번호\n(주)새회사,1208147521\n", encoding="utf-8")
    upload = CompanyImport.objects.create(
        uploaded_by=w.operator,
        file=relative,
        original_name="rules.csv",
        file_format="csv",
        encoding="utf-8",
        headers=["회사명", "사업자등록번호"],
        mapping={"회사명": "name", "사업자등록번호": "brn"},
        state="checked",
        rejected_file=relative if rejected else "",
    )
    return {"import_id": upload.pk}


def _nomination(w: World) -> dict[str, Any]:
    nomination = Nomination.objects.create(
        company=_company(w), chapter=w.chapter, nominated_by=w.chapter_staff, reason="성장세"
    )
    return {"nomination_id": nomination.pk}


def _metric(w: World) -> dict[str, Any]:
    metric = CompanyMetric.objects.create(company=_company(w), year=2023, revenue=10)
    return {"org_id": w.company.pk, "metric_id": metric.pk}


def _investment(w: World) -> dict[str, Any]:
    investment = Investment.objects.create(
        company=_company(w), date=dt.date(2024, 1, 1), round="seed", amount=100
    )
    return {"org_id": w.company.pk, "investment_id": investment.pk}


def _certification(w: World) -> dict[str, Any]:
    certification = Certification.objects.create(company=_company(w), kind="tips")
    return {"org_id": w.company.pk, "certification_id": certification.pk}


def _watched(w: World) -> dict[str, Any]:
    company = _company(w)
    for user in (w.operator, w.chapter_staff):
        WatchlistEntry.objects.create(user=user, company=company)
    return {"org_id": w.company.pk}


def _technology(w: World) -> dict[str, Any]:
    return {"technology_id": Technology.objects.get(code="vision").pk}


OPERATOR_ONLY = only({"operator": 200}, otherwise=403)
STAFF = only({"operator": 200, "chapter_staff": 200}, otherwise=403)
# the company's record: members, operator staff and its chapter's staff; nobody else learns
# that it exists
VIEWERS: dict[str, int | str] = {
    "owner": 200,
    "teammate": 200,
    "chapter_staff": 200,
    "operator": 200,
    "outsider": 404,
    "reviewer": 404,
    "anonymous": 404,
}
# changes to the record: the company's administrators and staff, and operator staff
EDITORS = only(
    {"owner": 302, "operator": 302, "teammate": 403, "chapter_staff": 403}, otherwise=404
)

COMPANIES_RULES: dict[str, Rule] = {
    "companies:list": Rule(everyone(200)),
    "companies:export": Rule(
        only({"operator": 302, "chapter_staff": 302}, otherwise=403),
        method="post",
        data=lambda w: {"q": "인공지능", "format": "csv"},
    ),
    "companies:import_upload": Rule(OPERATOR_ONLY),
    "companies:import_detail": Rule(OPERATOR_ONLY, kwargs=_import),
    "companies:import_run": Rule(
        only({"operator": 302}, otherwise=403), method="post", kwargs=_import
    ),
    "companies:import_rejected": Rule(OPERATOR_ONLY, kwargs=lambda w: _import(w, rejected=True)),
    "companies:scoring": Rule(OPERATOR_ONLY),
    "companies:rescore": Rule(only({"operator": 302}, otherwise=403), method="post"),
    "companies:technologies": Rule(OPERATOR_ONLY),
    "companies:technology_edit": Rule(
        only({"operator": 302}, otherwise=403),
        method="post",
        kwargs=_technology,
        data=lambda w: {
            f"t{_technology(w)['technology_id']}-{k}": v
            for k, v in {
                "code": "vision",
                "name": "비전",
                "name_en": "Vision",
                "position": 0,
            }.items()
        },
    ),
    "companies:technology_row": Rule(only({"operator": 302}, otherwise=403), kwargs=_technology),
    "companies:nominations": Rule(STAFF),
    "companies:nomination_decide": Rule(
        only({"operator": 302}, otherwise=403),
        method="post",
        kwargs=_nomination,
        data=lambda w: {"decision": "accepted", "note": "좋습니다", "confirm": "yes"},
    ),
    "companies:nomination_withdraw": Rule(
        only({"chapter_staff": 302}, otherwise=404), method="post", kwargs=_nomination
    ),
    "companies:watchlist": Rule(STAFF),
    "companies:notifications": Rule(everyone(301)),  # moved to notifications:list
    "companies:detail": Rule(VIEWERS, kwargs=_org),
    "companies:edit": Rule(
        only({"owner": 200, "operator": 200, "teammate": 403, "chapter_staff": 403}, otherwise=404),
        kwargs=_org,
    ),
    "companies:metric_set": Rule(
        EDITORS, method="post", kwargs=_org, data=lambda w: {"year": 2024, "employees": 12}
    ),
    "companies:metric_delete": Rule(EDITORS, method="post", kwargs=_metric),
    "companies:investment_add": Rule(
        EDITORS,
        method="post",
        kwargs=_org,
        data=lambda w: {"date": "2024-05-01", "round": "seed", "amount": 300000000},
    ),
    "companies:investment_delete": Rule(EDITORS, method="post", kwargs=_investment),
    "companies:certification_add": Rule(
        EDITORS, method="post", kwargs=_org, data=lambda w: {"kind": "innobiz"}
    ),
    "companies:certification_delete": Rule(EDITORS, method="post", kwargs=_certification),
    "companies:sharing": Rule(
        only({"owner": 302, "teammate": 403, "chapter_staff": 403, "operator": 403}, otherwise=404),
        method="post",
        kwargs=_org,
        data=lambda w: {"is_public": "on"},
    ),
    "companies:reviewed": Rule(
        only({"operator": 302, "owner": 403, "teammate": 403, "chapter_staff": 403}, otherwise=404),
        method="post",
        kwargs=_org,
    ),
    "companies:nominate": Rule(
        only({"chapter_staff": 200, "owner": 403, "teammate": 403, "operator": 403}, otherwise=404),
        kwargs=_org,
    ),
    "companies:watch": Rule(
        only({"operator": 302, "chapter_staff": 302, "owner": 403, "teammate": 403}, otherwise=404),
        method="post",
        kwargs=_org,
    ),
    "companies:unwatch": Rule(
        only({"operator": 302, "chapter_staff": 302, "owner": 403, "teammate": 403}, otherwise=404),
        method="post",
        kwargs=_watched,
    ),
    "api-1:company_list": Rule(everyone(200, anonymous=401)),
    "api-1:company_detail": Rule(
        {**VIEWERS, "anonymous": 401}, kwargs=lambda w: {"company_id": _company(w).pk}
    ),
}
assert LOGIN  # the anonymous answer of `only`/`signed_in` rows above
