"""Search recall on Korean particles and compounds, filters, sorting and visibility; the same
tests run on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.companies.models import Company
from bitgoeul.companies.search import SearchFilters, company_search
from tests.companies.helpers import make_company, names
from tests.conftest import World


@pytest.fixture
def corpus(world: World) -> dict[str, Company]:
    return {
        "medical": make_company(
            "(주)무등메디컬",
            description="인공지능 기반 의료영상 판독 보조 소프트웨어를 개발합니다.",
            address="광주 북구 첨단과기로 123",
            founded_on=dt.date(2020, 5, 1),
            employees=30,
        ),
        "semi": make_company(
            "(주)영산테크",
            products="반도체장비 부품, 진공 펌프",
            address="부산 강서구 녹산산단로 5",
            ksic_code="29271",
            employees=120,
        ),
        "vision": make_company(
            "(주)빛고을비전",
            technologies=("vision",),
            description="공장 불량 검사 장비",
            founded_on=dt.date(2012, 1, 1),
        ),
        "food": make_company("(주)남도식품", description="김치와 젓갈을 유통합니다."),
    }


def test_particles_do_not_stop_a_match(world: World, corpus: dict[str, Company]) -> None:
    found = company_search(viewer=world.operator, text="인공지능을 활용한")
    # the described company, and the one tagged with an AI technology
    assert sorted(names(found)) == ["(주)무등메디컬", "(주)빛고을비전"]


def test_compound_nouns_are_found_by_their_parts(world: World, corpus: dict[str, Company]) -> None:
    assert names(company_search(viewer=world.operator, text="반도체")) == ["(주)영산테크"]
    assert names(company_search(viewer=world.operator, text="펌프를")) == ["(주)영산테크"]


def test_ai_finds_ai_tagged_and_ai_described_companies(
    world: World, corpus: dict[str, Company]
) -> None:
    assert sorted(names(company_search(viewer=world.operator, text="AI"))) == [
        "(주)무등메디컬",
        "(주)빛고을비전",
    ]


def test_part_of_a_name_finds_the_company(world: World, corpus: dict[str, Company]) -> None:
    assert names(company_search(viewer=world.operator, text="메디컬")) == ["(주)무등메디컬"]


def test_names_rank_above_descriptions(world: World, corpus: dict[str, Company]) -> None:
    make_company("(주)한빛물류", description="냉장 식품을 배송합니다")
    make_company("(주)식품안전연구소", description="검사 서비스")
    found = names(company_search(viewer=world.operator, text="식품"))
    assert (sorted(found[:2]), found[2:]) == (
        ["(주)남도식품", "(주)식품안전연구소"],
        ["(주)한빛물류"],
    )


def test_filters(world: World, corpus: dict[str, Company]) -> None:
    def filtered(**kwargs: object) -> list[str]:
        return sorted(
            names(company_search(viewer=world.operator, filters=SearchFilters(**kwargs)))  # type: ignore[arg-type]
        )

    assert filtered(province="busan") == ["(주)영산테크"]
    assert filtered(chapter=world.chapter.pk) == ["(주)무등메디컬"]
    assert filtered(section="C") == ["(주)영산테크"]
    assert filtered(technology="vision") == ["(주)빛고을비전"]
    assert filtered(employees_min=50) == ["(주)영산테크"]
    assert filtered(founded_until=dt.date(2015, 12, 31)) == ["(주)빛고을비전"]


def test_sort_by_potential_is_for_operator_staff(world: World, corpus: dict[str, Company]) -> None:
    Company.objects.filter(pk=corpus["food"].pk).update(potential_score=90)
    Company.objects.filter(pk=corpus["semi"].pk).update(potential_score=40)
    Company.objects.filter(organization__parent=world.chapter).update(is_public=True)
    ranked = names(company_search(viewer=world.operator, sort="potential"))
    assert ranked[:2] == ["(주)남도식품", "(주)영산테크"]
    # others get name order: the ranking would reveal private scores
    assert names(company_search(viewer=world.chapter_staff, sort="potential")) == ["(주)무등메디컬"]


def test_visibility(world: World, corpus: dict[str, Company]) -> None:
    Company.objects.filter(pk=corpus["food"].pk).update(is_public=True)
    assert names(company_search(viewer=world.outsider)) == ["(주)남도식품"]
    assert names(company_search(viewer=world.chapter_staff)) == ["(주)남도식품", "(주)무등메디컬"]
    assert len(company_search(viewer=world.operator)) == 4


def test_list_page_searches_live(world: World, corpus: dict[str, Company], client: Client) -> None:
    client.force_login(world.operator)
    response = client.get(reverse("companies:list"), {"q": "반도체"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "companies/_results.html"
    assert "(주)영산테크" in response.content.decode()
    assert "(주)남도식품" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_list_page_query_count(
    world: World, client: Client, count: int, django_assert_max_num_queries: object
) -> None:
    for index in range(count):
        make_company(f"(주)회사{index}", technologies=("vision", "data"), description="AI 비전")
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("companies:list"), {"q": "비전"})
    assert response.status_code == 200


def test_api_search_pages(world: World, corpus: dict[str, Company], client: Client) -> None:
    client.force_login(world.operator)
    response = client.get("/api/v1/companies", {"q": "AI", "page_size": "1"})
    body = response.json()
    assert (body["count"], body["page"], len(body["results"])) == (2, 1, 1)
    second = client.get("/api/v1/companies", {"q": "AI", "page_size": "1", "page": "2"}).json()
    assert {body["results"][0]["name"], second["results"][0]["name"]} == {
        "(주)무등메디컬",
        "(주)빛고을비전",
    }


@pytest.mark.parametrize("text", ["비전", ""])  # ranked by the engine, and a plain list
def test_api_search_reads_each_pages_technologies_in_one_query(
    world: World, client: Client, text: str, django_assert_max_num_queries: object
) -> None:
    for index in range(12):
        tags = ("vision", "data") if index % 2 else ()  # half without any
        make_company(f"(주)비전{index}", technologies=tags, description="비전 검사")
    client.force_login(world.operator)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        body = client.get("/api/v1/companies", {"q": text, "page_size": "12"}).json()
    techs = {row["name"]: row["technologies"] for row in body["results"]}
    assert (techs["(주)비전0"], sorted(techs["(주)비전1"])) == ([], ["data", "vision"])


def test_api_rejects_bad_filters_with_the_field(world: World, client: Client) -> None:
    client.force_login(world.operator)
    response = client.get("/api/v1/companies", {"province": "mars"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "province"


def test_api_hides_private_fields(world: World, corpus: dict[str, Company], client: Client) -> None:
    Company.objects.filter(pk=corpus["medical"].pk).update(is_public=True)
    client.force_login(world.outsider)
    body = client.get("/api/v1/companies", {"q": "의료영상"}).json()
    assert body["results"][0]["name"] == "(주)무등메디컬"
    assert body["results"][0]["employees"] is None
