"""Company lists without 사업자등록번호 (stock-exchange listings): prospects, staff only,
merged into the real company later (by a file with the number, or at sign-up)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import translation

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies import access
from bitgoeul.companies.importing.fields import guess_mapping
from bitgoeul.companies.importing.readers import read_table
from bitgoeul.companies.models import (
    Company,
    CompanyMetric,
    Investment,
    Technology,
    WatchlistEntry,
)
from bitgoeul.companies.search import company_search
from bitgoeul.companies.services.importing import (
    ImportReport,
    company_import_run,
    company_prospect_merge,
)
from bitgoeul.core.hooks import ORGANIZATION_CREATED, publish
from bitgoeul.core.visibility import ViewLevel
from tests.companies.files import LISTING_HEADERS, listing_html_xls, listing_xls
from tests.companies.helpers import make_company, names
from tests.conftest import World


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _run(data: bytes, name: str, **options: Any) -> ImportReport:
    table = read_table(data, name)
    return company_import_run(
        table=table, mapping=guess_mapping(table.headers), actor=None, dry_run=False, **options
    )


def test_listing_columns_are_known_fields() -> None:
    assert guess_mapping(LISTING_HEADERS) == {
        "회사명": "name",
        "시장구분": "market",
        "종목코드": "stock_code",
        "업종": "industry",
        "주요제품": "products",
        "상장일": "listed_on",
        "결산월": "fiscal_month",
        "대표자명": "representative",
        "홈페이지": "website",
        "지역": "region",
    }


@pytest.mark.parametrize(
    ("data", "name", "file_format"),
    [(listing_html_xls(), "상장법인목록.xls", "html"), (listing_xls(), "상장법인목록.xls", "xls")],
)
def test_an_exchange_listing_imports_as_prospects_that_staff_can_search(
    world: World, data: bytes, name: str, file_format: str
) -> None:
    table = read_table(data, name)
    assert (table.file_format, len(table.rows)) == (file_format, 2)
    report = _run(data, name)
    assert (report.written, report.created, report.prospects, report.rejected) == (True, 2, 2, 0)
    bio = Company.objects.select_related("organization").get(organization__name="빛고을바이오")
    assert (bio.is_prospect, bio.organization.is_prospect, bio.organization.brn) == (
        True,
        True,
        None,
    )
    assert (bio.stock_code, bio.market, bio.listed_on, bio.fiscal_month) == (
        "217330",
        "코스닥",
        dt.date(2015, 7, 23),
        12,
    )
    assert (bio.province, bio.representative, bio.website) == (
        "gwangju",
        "김하늘",
        "https://www.bitgoeul-bio.kr",
    )
    assert (bio.is_public, bio.review_reason) == (False, "no business registration number")
    assert names(company_search(viewer=world.operator, text="빛고을바이오")) == ["빛고을바이오"]
    assert names(company_search(viewer=None, text="빛고을바이오")) == []
    # prospects are for staff only: not public even when flagged so
    Company.objects.filter(is_prospect=True).update(is_public=True)
    bio.refresh_from_db()
    assert names(company_search(viewer=None, text="빛고을바이오")) == []
    assert access.company_view_level(AnonymousUser(), bio) == ViewLevel.NONE
    assert access.company_view_level(world.operator, bio) == ViewLevel.PRIVATE


def test_rows_of_an_unfinished_import_are_seen_by_nobody(world: World) -> None:
    company = make_company("빛고을미완료")
    Company.objects.filter(pk=company.pk).update(is_public=True, import_batch=uuid.uuid4())
    company.refresh_from_db()
    for viewer in (None, world.operator):
        assert names(company_search(viewer=viewer, text="빛고을미완료")) == []
    assert access.company_view_level(world.operator, company) == ViewLevel.NONE


def test_a_prospect_is_not_created_twice(world: World) -> None:
    _run(listing_xls(), "a.xls")
    report = _run(listing_xls(), "a.xls")
    assert (report.created, report.updated, report.flagged) == (0, 2, 0)
    assert Company.objects.filter(is_prospect=True).count() == 2


def test_only_prospects_may_lack_a_number(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="번호없음", kind="company", brn=None)


def _prospect_with_history(world: World) -> Company:
    _run(listing_xls(), "a.xls")
    prospect = Company.objects.get(organization__name="빛고을바이오")
    CompanyMetric.objects.create(company=prospect, year=2022, revenue=10**9)
    CompanyMetric.objects.create(company=prospect, year=2023, revenue=2 * 10**9)
    Investment.objects.create(company=prospect, date="2023-05-01", round="seed", amount=10**8)
    WatchlistEntry.objects.create(user=world.operator, company=prospect)
    prospect.technologies.add(Technology.objects.get(code="vision"))
    return prospect


def test_a_later_file_with_the_number_merges_the_prospect(world: World) -> None:
    prospect = _prospect_with_history(world)
    data = "회사명,사업자등록번호,지역,기준연도,매출액\n(주)빛고을바이오,1208147521,광주,2023,3억\n"
    report = _run(data.encode(), "b.csv")
    assert (report.created, report.merged) == (1, 1)
    company = Company.objects.get(organization__brn="1208147521")
    assert not Company.objects.filter(pk=prospect.pk).exists()
    assert not Organization.objects.filter(pk=prospect.pk).exists()
    # the company's own figure for 2023 stays; the prospect's 2022 moves
    assert list(company.metrics.values_list("year", "revenue")) == [
        (2022, 10**9),
        (2023, 3 * 10**8),
    ]
    assert company.investments.count() == 1
    assert list(company.watchers.values_list("user_id", flat=True)) == [world.operator.pk]
    assert list(company.technologies.values_list("code", flat=True)) == ["vision"]
    event = AuditEvent.objects.get(action="company.prospect_merge")
    assert event.before == {"prospect": prospect.pk, "name": "빛고을바이오"}
    assert event.after == {
        "metrics": 1,
        "investments": 1,
        "certifications": 0,
        "nominations": 0,
        "watchlists": 1,
        "scores": 0,
        "technologies": 1,
    }
    assert names(company_search(viewer=world.operator, text="빛고을바이오")) == ["(주)빛고을바이오"]


def test_a_company_signing_up_claims_its_prospect(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    prospect = _prospect_with_history(world)
    company = make_company("빛고을 바이오")
    company.province = "gwangju"
    company.save(update_fields=["province"])
    with django_capture_on_commit_callbacks(execute=True):
        publish(ORGANIZATION_CREATED, organization=company.organization, actor=world.owner)
    assert not Company.objects.filter(pk=prospect.pk).exists()
    assert company.investments.count() == 1
    assert AuditEvent.objects.get(action="company.prospect_merge").actor_id == world.owner.pk


def test_sign_up_claims_a_prospect_only_in_its_region(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _run(listing_xls(), "a.xls")
    other = [["빛고을바이오", "코스닥", "999999", "", "", "", "", "", "", "광주광역시"]]
    _run(listing_xls(other), "b.xls")  # the same name and region: matched, not a second one
    first = Company.objects.get(organization__name="빛고을바이오")
    company = make_company("빛고을바이오")
    with django_capture_on_commit_callbacks(execute=True):
        publish(ORGANIZATION_CREATED, organization=company.organization, actor=world.owner)
    assert not Company.objects.filter(pk=first.pk).exists()  # exactly one: claimed
    second = make_company("무등정밀")
    Company.objects.filter(pk=second.pk).update(province="seoul")
    with django_capture_on_commit_callbacks(execute=True):
        publish(ORGANIZATION_CREATED, organization=second.organization, actor=world.owner)
    assert Company.objects.filter(organization__name="무등정밀", is_prospect=True).count() == 1


def test_only_a_prospect_can_be_merged(world: World) -> None:
    company = make_company("(주)하나")
    other = make_company("(주)둘")
    with pytest.raises(ValueError, match="only a prospect"):
        company_prospect_merge(prospect=other, company=company, actor=None)
