"""Search ranking as people expect it: the company named as typed first, then names that start
with it; for an AI search, companies where AI is central before those that only mention it;
and a live search's address without the empty filters. Runs on SQLite (FTS5) and PostgreSQL
(tsvector) alike."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from bitgoeul.companies.search import CompanyResults, name_key, name_match
from tests.companies.helpers import make_company, names
from tests.conftest import World

LONG_LOGISTICS = (
    "냉장 식품 배송과 물류 창고 운영, 화물 운송, 재고 관리, 반품 처리, 상자 포장, 지게차 임대, "
    "택배 집하, 냉동 보관, 항만 하역, 통관 대행을 합니다. 배차에는 인공지능을 활용한 도구도 "
    "시험하고 있습니다."
)


def ranked(world: World, text: str) -> list[str]:
    results = CompanyResults(viewer=world.operator, text=text)
    return names(results[: results.count()])


def test_name_keys_ignore_legal_forms_and_spaces() -> None:
    assert name_key("(주) 무등 비전랩") == "무등비전랩"
    assert [
        name_match(["(주)무등비전랩", ""], "무등비전랩"),
        name_match(["무등비전랩스"], "무등비전랩"),
    ] == [0, 1]
    assert name_match(["광주비전랩"], "무등비전랩") == 2


def test_the_exact_name_comes_first_then_prefixes(world: World) -> None:
    # a rival whose description repeats the words of the name scores higher in BM25
    make_company(
        "(주)무등비전",
        description="무등 비전랩 무등비전랩 협력 무등 비전 랩 비전랩 무등비전랩 공동 연구",
    )
    make_company("광주비전랩", description="무등비전랩 출신이 세운 회사")
    make_company("(주)무등비전랩스", description="영상 장비")
    make_company("(주)무등비전랩", description="영상 분석")
    found = ranked(world, "무등비전랩")
    assert found[:2] == ["(주)무등비전랩", "(주)무등비전랩스"]
    assert sorted(found[2:]) == ["(주)무등비전", "광주비전랩"]


def test_an_ai_search_puts_companies_built_on_ai_first(world: World) -> None:
    make_company("(주)남도물류", description=LONG_LOGISTICS)
    make_company(
        "(주)딥메디", technologies=("vision",), description="딥러닝 의료영상 판독 소프트웨어"
    )
    make_company("(주)빛고을AI", description="고객 상담 서비스")
    for text in ("인공지능을 활용한", "AI"):
        found = ranked(world, text)
        assert (sorted(found[:2]), found[2:]) == (
            ["(주)딥메디", "(주)빛고을AI"],
            ["(주)남도물류"],
        ), text


def test_name_matches_survive_the_candidate_cap(world: World, monkeypatch: object) -> None:
    """More companies match than the cap: the one named as typed is still found, and first."""
    import bitgoeul.companies.search as search

    monkeypatch.setattr(search, "RESULT_CAP", 3)  # type: ignore[attr-defined]
    for index in range(6):
        make_company(f"(주)비전{index}호", description="비전 검사 장비 비전")
    make_company("(주)비전랩", description="장비")
    results = CompanyResults(viewer=world.operator, text="비전랩")
    assert (names(results[:3])[0], results.capped) == ("(주)비전랩", True)


def test_live_search_pushes_an_address_without_empty_filters(world: World, client: Client) -> None:
    make_company("(주)무등비전랩", description="영상 분석")
    client.force_login(world.operator)
    url = reverse("companies:list")
    form = {"q": "무등", "chapter": "", "province": "", "section": "", "sort": "relevance"}
    response = client.get(url, form, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == f"{url}?q=%EB%AC%B4%EB%93%B1&sort=relevance"
    empty = client.get(url, {"q": "", "province": ""}, HTTP_HX_REQUEST="true")
    assert empty["HX-Push-Url"] == url


def test_a_search_without_javascript_lands_on_the_clean_address(
    world: World, client: Client
) -> None:
    client.force_login(world.operator)
    url = reverse("companies:list")
    response = client.get(url, {"q": "무등", "province": "", "stage": ""})
    assert (response.status_code, response["Location"]) == (302, f"{url}?q=%EB%AC%B4%EB%93%B1")
    assert client.get(url, {"q": "무등"}).status_code == 200


def test_pages_link_without_empty_filters(world: World, client: Client) -> None:
    for index in range(25):
        make_company(f"(주)드론{index:02d}", description="드론 방제")
    client.force_login(world.operator)
    response = client.get(
        reverse("companies:list"), {"q": "드론", "province": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.context["query"] == "q=%EB%93%9C%EB%A1%A0"


def test_an_export_of_a_search_keeps_the_order_of_the_list(
    world: World, monkeypatch: object
) -> None:
    """The export lists what the page lists, in its order (re-ranked: the name typed first,
    AI-central companies before mentions), then the matches beyond the page's cap."""
    import bitgoeul.companies.search as search
    from bitgoeul.companies.exports import export_ids
    from bitgoeul.companies.models import Company
    from bitgoeul.companies.search import SearchFilters

    make_company("(주)남도물류", description=LONG_LOGISTICS)
    make_company(
        "(주)딥메디", technologies=("vision",), description="딥러닝 의료영상 판독 소프트웨어"
    )
    make_company("(주)빛고을AI", description="고객 상담 서비스")
    ids = export_ids(viewer=world.operator, text="AI", filters=SearchFilters(), sort="relevance")
    exported = [Company.objects.get(pk=pk).organization.name for pk in ids]
    assert exported == ranked(world, "AI")
    assert exported[2:] == ["(주)남도물류"]

    monkeypatch.setattr(search, "RESULT_CAP", 1)  # type: ignore[attr-defined]
    ids = export_ids(viewer=world.operator, text="AI", filters=SearchFilters(), sort="relevance")
    assert len(ids) == 3 and len(set(ids)) == 3  # the page's one, then every other match
    assert Company.objects.get(pk=ids[0]).organization.name == ranked(world, "AI")[0]
