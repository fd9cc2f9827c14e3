"""The company page's score explanation: the peer group by the sector's name, the money behind
the investment signal, consistent decimals, and a breakdown table that phones can reach."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bitgoeul.companies.models import Company
from bitgoeul.companies.presenters import (
    breakdown_rows,
    investment_detail,
    money,
    peer_group_label,
)
from bitgoeul.companies.selectors import company_latest_score
from bitgoeul.companies.services.profile import investment_add
from bitgoeul.companies.services.scoring import score_recompute
from tests.companies.helpers import make_company
from tests.conftest import World


def _scored(world: World) -> Company:
    for i in range(5):
        make_company(f"(주)동료{i}", ksic_code="62010", founded_on=dt.date(2021, 1, 1), patents=i)
    company = make_company(
        "(주)점수확인", parent=world.chapter, ksic_code="62010", founded_on=dt.date(2021, 1, 1)
    )
    today = timezone.localdate()
    with transaction.atomic():
        # 12억 within three years (decayed, the signal is far less), 5억 long before
        for days, amount in ((400, 1_200_000_000), (2000, 500_000_000)):
            investment_add(
                company=company,
                actor=None,
                date=today - dt.timedelta(days=days),
                round="series_a",
                amount=amount,
                investors="",
            )
    score_recompute(actor=world.operator)
    return company


def test_money_reads_in_units() -> None:
    with translation.override("ko"):
        assert [money(1_200_000_000), money(150_000_000), money(35_000_000), money(5000)] == [
            "12억 원",
            "1.5억 원",
            "3,500만 원",
            "5,000원",
        ]
    with translation.override("en"):
        english = [money(1_200_000_000), money(35_000_000)]
    assert english == [
        "KRW 1.2 billion",
        "KRW 35 million",
    ]


def test_older_rounds_are_shown_as_older() -> None:
    with translation.override("ko"):
        assert investment_detail(0, 500_000_000) == "최근 3년 투자 없음(그 전 5억 원)"
        assert investment_detail(0, 0) == ""


def test_peer_group_is_named_by_its_section() -> None:
    with translation.override("ko"):
        assert peer_group_label("J|3-7") == "정보통신업, 업력 3~7년"
        assert peer_group_label("C|*").startswith("제조업, 업력 무관")
    with translation.override("en"):
        assert peer_group_label("J|15+") == (
            "Information and communication, founded 15 or more years ago"
        )


def test_investment_shows_money_raised_and_the_signal_apart(world: World) -> None:
    company = _scored(world)
    score = company_latest_score(company)
    assert score is not None
    with translation.override("ko"):
        row = next(
            r for r in breakdown_rows(score, company.investments.all()) if r["code"] == "investment"
        )
    value = score.breakdown["signals"]["investment"][0]
    assert (row["detail"], row["value"]) == ("최근 3년 투자 12억 원", f"신호 값 {value:.1f}")


def test_company_page_explains_the_score(world: World, client: Client) -> None:
    company = _scored(world)
    client.force_login(world.operator)
    page = client.get(reverse("companies:detail", args=[company.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    html = page.content.decode()
    assert "정보통신업, 업력" in html and "업종 J" not in html
    # no rounded "약 12억" (a word such as 협약 in the menu is no approximation)
    assert "최근 3년 투자 12억 원" in html and not re.search(r"약 \d", html)
    # one decimal for points, whole percent for weights
    rows = page.context["breakdown"]
    assert {len(r["points"].split(".")[1]) for r in rows} == {1}
    assert all(isinstance(r["weight"], int) for r in rows)
    # the table's scroll region is reachable and named (keyboard, screen readers)
    assert 'role="region" aria-labelledby="why-title" tabindex="0"' in html
    assert '<td data-label="점수">' in html
