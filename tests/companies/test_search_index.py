"""The AI weight an AI search ranks by and the name keys every search compares the text typed
with are written with the search terms by the services that write companies (and backfilled by
the migrations that added them), so a search reads them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from bitgoeul.companies.models import Company, Technology
from bitgoeul.companies.search import CompanyResults
from bitgoeul.companies.search_index import Terms, terms_many
from bitgoeul.companies.services.profile import company_update
from tests.companies.helpers import make_company, names
from tests.conftest import World

pytestmark = pytest.mark.django_db


def ranked(world: World, text: str) -> list[str]:
    results = CompanyResults(viewer=world.operator, text=text)
    return names(results[: results.count()])


def first(world: World, text: str) -> int:
    return CompanyResults(viewer=world.operator, text=text)[0].pk


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


def name_keys_of(company: Company) -> str:
    company.refresh_from_db()
    return company.search_name_keys


def test_terms_carry_the_name_keys_of_both_names() -> None:
    [terms] = terms_many([("(주) 무등 비전랩", "Mudeung Vision-Lab Inc.")], ["영상 분석"])
    assert terms.name_keys == "무등비전랩 mudeungvisionlabinc"


def test_company_update_keeps_the_name_keys_in_step(world: World) -> None:
    company = make_company("(주)무등비전랩", name_en="Mudeung Vision Lab", description="영상 분석")
    # scores higher in BM25 (the name's words again and again), but is not named so
    other = make_company("무등비전랩 협력사", description="무등비전랩 영상 분석 무등비전랩 장비")
    assert name_keys_of(company) == "무등비전랩 mudeungvisionlab"
    assert first(world, "무등비전랩") == company.pk
    with transaction.atomic():
        company_update(company=company, actor=None, data={"name": "(주)광주비전"})
        company_update(company=other, actor=None, data={"name": "(주)무등비전랩"})
    assert (name_keys_of(company), name_keys_of(other)) == (
        "광주비전 mudeungvisionlab",
        "무등비전랩",
    )
    assert (first(world, "무등비전랩"), first(world, "광주비전")) == (other.pk, company.pk)


def test_ranking_reads_the_stored_name_keys(world: World) -> None:
    """A search compares the text typed with the stored keys, not with the names: keys that
    say otherwise than the names decide (the services never write such keys)."""
    make_company("(주)비전랩", description="영상 장비")
    make_company("광주비전랩", description="영상 장비")
    assert ranked(world, "비전랩")[0] == "(주)비전랩"
    Company.objects.filter(organization__name="(주)비전랩").update(search_name_keys="")
    Company.objects.filter(organization__name="광주비전랩").update(search_name_keys="비전랩")
    assert ranked(world, "비전랩") == ["광주비전랩", "(주)비전랩"]


def test_the_migration_backfills_the_name_keys_the_services_write(world: object) -> None:
    written = [
        make_company("(주)무등비전랩", name_en="Mudeung Vision Lab"),
        make_company("㈜ 빛고을 AI"),
        make_company("주식회사"),  # a legal form only: no key
    ]
    expected = [name_keys_of(company) for company in written]
    Company.objects.update(search_name_keys="stale")
    migration = importlib.import_module(
        "bitgoeul.companies.migrations.0009_company_search_name_keys"
    )
    migration.forwards(apps, None)
    assert [name_keys_of(company) for company in written] == expected
    assert expected == ["무등비전랩 mudeungvisionlab", "빛고을ai", ""]
