"""The AI weight an AI search ranks by is written with the search terms by the services that
write companies (and backfilled by the migration that added it), so a search reads it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from bitgoeul.companies.models import Company, Technology
from bitgoeul.companies.search_index import Terms, terms_many
from bitgoeul.companies.services.profile import company_update
from tests.companies.helpers import make_company

pytestmark = pytest.mark.django_db


def ai_columns(company: Company) -> tuple[float, bool]:
    company.refresh_from_db()
    return company.search_ai_weight, company.search_ai_central


def test_terms_carry_the_ai_weight_only_when_the_technologies_are_known() -> None:
    vision = Technology.objects.get(code="vision")
    unknown = terms_many([("(주)빛고을AI", "")], ["고객 상담 서비스"], None)
    known = terms_many([("(주)남도식품", "")], ["인공지능 식품"], [[vision]])
    assert (unknown[0].ai_weight, unknown[0].ai_central) == (None, None)
    # AI terms are most of its terms (share 1.0), one is a core term, one technology of three
    assert (known[0].ai_weight, known[0].ai_central) == (0.8, True)


def test_company_update_rewrites_the_ai_weight(world: object) -> None:
    company = make_company("(주)빛고을AI", description="고객 상담 서비스")
    assert ai_columns(company) == (1.0, True)  # AI in its name only
    with transaction.atomic():
        company_update(company=company, actor=None, data={"name": "(주)빛고을식품"})
    assert ai_columns(company) == (0.0, False)
    vision = Technology.objects.get(code="vision")
    with transaction.atomic():
        company_update(company=company, actor=None, data={}, technologies=[vision])
    assert ai_columns(company) == (0.1, True)  # an AI technology makes AI its business


def test_the_migration_backfills_what_the_services_write(world: object) -> None:
    written = [
        make_company("(주)빛고을AI", description="고객 상담 서비스"),
        make_company("(주)딥메디", technologies=("vision",), description="딥러닝 의료영상 판독"),
        make_company("(주)남도물류", description="화물 운송과 창고"),
    ]
    expected = [ai_columns(company) for company in written]
    Company.objects.update(search_ai_weight=0.0, search_ai_central=False)
    migration = importlib.import_module("bitgoeul.companies.migrations.0008_company_ai_weight")
    migration.forwards(apps, None)
    assert [ai_columns(company) for company in written] == expected
    assert expected[1][1] is True and expected[2] == (0.0, False)


def test_terms_apply_leaves_the_ai_columns_without_technologies() -> None:
    company = Company(search_ai_weight=0.7, search_ai_central=True)
    Terms("name", "body").apply(company)
    assert (company.search_name, company.search_ai_weight, company.search_ai_central) == (
        "name",
        0.7,
        True,
    )
