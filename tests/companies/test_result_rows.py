"""`presenters.result_rows`: the company list's cells, worked out once per row for the viewer
(the list template only writes them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bitgoeul.companies.models import Company
from bitgoeul.companies.presenters import PRODUCTS_SHOWN, RESULT_COLUMNS, ResultRow, result_rows
from bitgoeul.companies.search import CompanyResults
from bitgoeul.companies.services.profile import company_set_chapter_consent, company_set_public
from tests.companies.helpers import make_company
from tests.conftest import World

PRODUCTS = "불량 검사 비전 시스템, " * 8  # longer than PRODUCTS_SHOWN


def _listed(world: World) -> Company:
    """The company as the list reads it (with `technology_list`)."""
    company = make_company(
        "(주)무등비전",
        parent=world.chapter,
        technologies=("vision",),
        province="gwangju",
        district="북구",
        products=PRODUCTS,
    )
    Company.objects.filter(pk=company.pk).update(
        potential_score=65.5, growth=0.126, needs_review=True
    )
    return next(c for c in CompanyResults(viewer=world.operator)[:20] if c.pk == company.pk)


def test_operator_rows_carry_scores_and_the_cells_as_the_page_writes_them(world: World) -> None:
    company = _listed(world)
    with translation.override("ko"):
        [row] = result_rows([company], world.operator, watched={company.pk}, can_see_scores=True)
    assert (row.url, row.name, row.watched, row.needs_review) == (
        reverse("companies:detail", args=[company.pk]),
        "(주)무등비전",
        True,
        True,
    )
    assert (row.region, row.chapter) == ("광주광역시 북구", "광주전남지회")
    assert row.technologies == ["비전"]
    assert row.products == PRODUCTS[: PRODUCTS_SHOWN - 1] + "…"
    assert (row.potential, row.growth_percent) == (65.5, "13")  # 0.126 as a whole percentage


def test_rows_in_english_and_without_scores_for_those_who_may_not_see_them(
    world: World,
) -> None:
    company = _listed(world)
    with translation.override("en"):
        [row] = result_rows([company], None, watched=set(), can_see_scores=False)
    assert (row.region, row.technologies, row.watched) == ("Gwangju 북구", ["Vision"], False)
    assert (row.potential, row.growth_percent, row.needs_review) == (None, "", False)


def test_the_operator_list_shows_the_rows_cells(client: Client, world: World) -> None:
    company = _listed(world)
    client.force_login(world.operator)
    page = client.get(reverse("companies:list"), {"q": "무등비전"}).content.decode()
    row = page[page.index(f'<a href="/companies/{company.pk}/">') :]
    row = row[: row.index("</tr>")]
    assert "<td>광주광역시 북구</td>\n<td>광주전남지회</td>" in row
    assert '<span class="tag">비전</span>' in row
    assert "<td>65.5</td><td>13%</td>" in row


@pytest.mark.parametrize("role", ["anonymous", "owner", "chapter_staff", "operator"])
@pytest.mark.parametrize("text", ["무등비전", ""])
def test_rows_read_with_only_the_list_columns_are_the_same_without_more_queries(
    world: World, role: str, text: str, django_assert_num_queries: Any
) -> None:
    """The list reads its page's rows with only `RESULT_COLUMNS`: the rows come out as from
    the full rows, and working them out reads nothing more (no deferred column loaded)."""
    company = _listed(world)
    with transaction.atomic():
        company_set_public(company=company, actor=None, is_public=True)
        company_set_chapter_consent(company=company, actor=None, consent=True)
    make_company("(주)무등비전테크", parent=world.chapter, description="비전 검사")  # private
    viewer = world.user(role)

    def rows(page: list[Company]) -> list[ResultRow]:
        # with the scores whoever the viewer is, so that every grant of the visibility rule
        # reads its columns (the page passes only operators' `can_see_scores`)
        return result_rows(page, viewer, watched=set(), can_see_scores=True, language="ko")

    full = rows(CompanyResults(viewer=viewer, text=text)[:20])
    page = CompanyResults(viewer=viewer, text=text, columns=RESULT_COLUMNS)[:20]
    with django_assert_num_queries(0):
        narrow = rows(page)
    assert narrow == full
    public = [("(주)무등비전", None)]
    shared = [("(주)무등비전", 65.5), ("(주)무등비전테크", None)]  # the second has no score yet
    expected = shared if role in ("chapter_staff", "operator") else public
    assert [(row.name, row.potential) for row in full] == expected
