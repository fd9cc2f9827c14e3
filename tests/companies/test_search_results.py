"""`CompanyResults`, what the list page and the API page: counts capped at RESULT_CAP, the
companies matching every word first (then any word), and the recall examples of the issue;
the same tests run on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.companies import search
from bitgoeul.companies.models import Company
from bitgoeul.companies.search import CompanyResults, SearchFilters
from tests.companies.helpers import make_company, names
from tests.conftest import World


@pytest.fixture
def corpus(world: World) -> dict[str, Company]:
    return {
        "medical": make_company(
            "(주)무등메디컬",
            description="인공지능 기반 의료영상 판독 보조 소프트웨어를 개발합니다.",
            address="광주 북구 첨단과기로 123",
        ),
        "semi": make_company(
            "(주)영산테크",
            products="반도체장비 부품, 진공 펌프",
            address="부산 강서구 녹산산단로 5",
        ),
        "vision": make_company(
            "(주)빛고을비전", technologies=("vision",), description="공장 불량 검사 장비"
        ),
        "food": make_company("(주)남도식품", description="김치와 젓갈을 유통합니다."),
    }


def test_recall_examples_of_the_issue(world: World, corpus: dict[str, Company]) -> None:
    def found(text: str) -> list[str]:
        return sorted(names(CompanyResults(viewer=world.operator, text=text)[:20]))

    # particles and verbs dropped; the AI-tagged company matches too
    assert found("인공지능을 활용한") == ["(주)무등메디컬", "(주)빛고을비전"]
    assert found("반도체") == ["(주)영산테크"]  # a prefix of 반도체장비
    assert found("AI") == ["(주)무등메디컬", "(주)빛고을비전"]  # described or tagged
    assert found("메디컬") == ["(주)무등메디컬"]  # part of a name
    assert found("펌프를") == ["(주)영산테크"]


def test_exact_count_below_the_cap(world: World, corpus: dict[str, Company]) -> None:
    results = CompanyResults(viewer=world.operator, text="AI")
    assert (results.count(), results.capped, len(results)) == (2, False, 2)
    assert all(c.relevance > 0 for c in results[0:2])  # type: ignore[attr-defined]


def test_count_stops_at_the_cap(
    world: World, corpus: dict[str, Company], monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(4):
        make_company(f"(주)드론{index}", description="방제 드론")
    monkeypatch.setattr(search, "RESULT_CAP", 3)
    for sort in ("relevance", "name"):
        results = CompanyResults(viewer=world.operator, text="드론", sort=sort)
        assert (results.count(), results.capped) == (3, True)
        assert len(results[0:20]) == 3  # pages reach the first RESULT_CAP results
    browse = CompanyResults(viewer=world.operator)
    assert (browse.count(), browse.capped) == (3, True)


def test_every_word_before_any_word(
    world: World, corpus: dict[str, Company], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_company("(주)한빛영상", description="영상 편집")
    make_company("(주)누리의료", description="의료 기기 유통")
    make_company("(주)다온", description="의료 영상 저장 장치")
    # with room for only two candidates, the two companies holding both words are chosen
    monkeypatch.setattr(search, "RESULT_CAP", 2)
    top = CompanyResults(viewer=world.operator, text="의료 영상을")
    assert sorted(names(top[0:2])) == ["(주)다온", "(주)무등메디컬"]
    assert top.capped


def test_any_word_when_no_company_has_every_word(world: World, corpus: dict[str, Company]) -> None:
    # nobody is described with 김치 and 반도체 together: either word will do
    results = CompanyResults(viewer=world.operator, text="김치 반도체")
    assert sorted(names(results[0:20])) == ["(주)남도식품", "(주)영산테크"]
    assert results.count() == 2


def test_filters_sorting_and_visibility_with_text(world: World, corpus: dict[str, Company]) -> None:
    def found(viewer: object = None, **kwargs: object) -> list[str]:
        return names(CompanyResults(viewer=viewer or world.operator, **kwargs)[0:20])  # type: ignore[arg-type]

    assert found(text="AI", filters=SearchFilters(province="busan")) == []
    assert found(text="AI", filters=SearchFilters(technology="vision")) == ["(주)빛고을비전"]
    assert found(text="AI", filters=SearchFilters(chapter=world.chapter.pk)) == ["(주)무등메디컬"]
    Company.objects.filter(pk=corpus["vision"].pk).update(potential_score=80)
    Company.objects.filter(pk=corpus["medical"].pk).update(potential_score=20)
    assert found(text="AI", sort="potential") == ["(주)빛고을비전", "(주)무등메디컬"]
    # outsiders see public profiles only, whatever the text
    Company.objects.filter(pk=corpus["medical"].pk).update(is_public=True)
    assert found(world.outsider, text="AI") == ["(주)무등메디컬"]
    assert found(world.outsider, text="AI", sort="potential") == ["(주)무등메디컬"]


def test_list_page_says_when_the_count_is_capped(
    world: World, corpus: dict[str, Company], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RESULT_CAP", 1)
    client.force_login(world.operator)
    response = client.get(reverse("companies:list"), {"q": "AI"}, HTTP_HX_REQUEST="true")
    assert "1곳 이상" in response.content.decode()  # "More than 1 companies"
    body = client.get("/api/v1/companies", {"q": "AI"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (1, True, 1)
    monkeypatch.setattr(search, "RESULT_CAP", 300)
    body = client.get("/api/v1/companies", {"q": "AI"}).json()
    assert (body["count"], body["count_capped"]) == (2, False)


def test_list_page_pages_a_text_search(
    world: World, corpus: dict[str, Company], client: Client
) -> None:
    for index in range(25):
        make_company(f"(주)드론{index:02d}", description="방제 드론")
    client.force_login(world.operator)
    first = client.get(reverse("companies:list"), {"q": "드론"}).content.decode()
    second = client.get(reverse("companies:list"), {"q": "드론", "page": "2"}).content.decode()
    assert "25곳" in first  # "25 companies"
    shown = [f"(주)드론{index:02d}" for index in range(25)]
    assert sum(n in first for n in shown) == 20
    assert sum(n in second for n in shown) == 5
