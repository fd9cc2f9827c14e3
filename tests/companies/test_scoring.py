from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company, CompanyScore, ScoreWeights
from bitgoeul.companies.selectors import companies_risen, weights_current
from bitgoeul.companies.services.profile import company_metric_set
from bitgoeul.companies.services.scoring import score_recompute, score_weights_create
from bitgoeul.companies.services.watchlists import watchlist_add
from bitgoeul.notifications.models import Notification
from tests.companies.helpers import make_company
from tests.conftest import World


def _peers(count: int = 5) -> list[Company]:
    return [
        make_company(f"(주)동료{i}", ksic_code="62010", founded_on=dt.date(2021, 1, 1), patents=i)
        for i in range(count)
    ]


def test_recompute_scores_every_company_and_keeps_history(world: World) -> None:
    companies = _peers()
    first = score_recompute(actor=world.operator)
    Company.objects.filter(pk=companies[0].pk).update(patents=10)
    second = score_recompute(actor=world.operator)
    assert (first.companies, second.companies) == (5, 5)
    history = list(
        CompanyScore.objects.filter(company=companies[0])
        .order_by("run_id")
        .values_list("score", flat=True)
    )
    companies[0].refresh_from_db()
    assert history[0] < history[1] == companies[0].potential_score
    breakdown = CompanyScore.objects.get(run=second, company=companies[0]).breakdown
    assert (breakdown["version"], breakdown["group"], breakdown["peers"]) == (1, "J|3-7", 5)
    assert breakdown["signals"]["patents"][1] == 0.9  # the top of five: mid-rank 4.5 / 5
    assert AuditEvent.objects.filter(action="score.recompute").count() == 2


def test_weights_versions_are_never_edited(world: World) -> None:
    with transaction.atomic():
        created = score_weights_create(
            actor=world.operator, weights={"patents": 1}, jump_threshold=5, note="특허만"
        )
    assert (created.version, weights_current()) == (2, created)
    assert ScoreWeights.objects.get(version=1).weights["revenue_growth"] == 20
    with pytest.raises(ValueError):
        score_weights_create(actor=world.operator, weights={"luck": 1}, jump_threshold=5, note="")


def test_a_score_jump_notifies_watchers(world: World) -> None:
    companies = _peers()
    score_recompute(actor=world.operator)
    watchlist_add(user=world.operator, company=companies[0])
    Company.objects.filter(pk=companies[0].pk).update(patents=99)
    score_recompute(actor=world.operator)
    notice = Notification.objects.get()
    assert (notice.recipient, notice.object_type, notice.object_id, notice.kind) == (
        world.operator,
        "companies.company",
        str(companies[0].pk),
        "companies.score_jump",
    )
    assert notice.params["after"] > notice.params["before"]


def test_companies_that_rose_most(world: World) -> None:
    companies = _peers()
    score_recompute(actor=world.operator)
    middle = timezone.now()
    Company.objects.filter(pk=companies[0].pk).update(patents=99)
    score_recompute(actor=world.operator)
    risen = companies_risen(since=middle, until=timezone.now())
    assert [(r["company"], r["change"] > 0) for r in risen] == [(companies[0], True)]


def test_growth_signals_come_from_yearly_figures(world: World) -> None:
    companies = _peers()
    for year, revenue in ((2021, 100), (2023, 400)):
        company_metric_set(
            company=companies[1],
            actor=world.owner,
            year=year,
            employees=None,
            revenue=revenue,
            rnd_spend=None,
            investment=None,
        )
    companies[1].refresh_from_db()
    assert companies[1].growth == 1.0
    run = score_recompute(actor=None)
    signals = CompanyScore.objects.get(run=run, company=companies[1]).breakdown["signals"]
    assert signals["revenue_growth"][:2] == [1.0, 0.5]  # the only one with figures
    assert signals["employee_growth"][1] is None  # no data: left out


def test_company_page_shows_why_this_score(world: World, client: Client) -> None:
    _peers()
    company = make_company("(주)점수확인", parent=world.chapter, ksic_code="62010")
    score_recompute(actor=world.operator)
    client.force_login(world.operator)
    page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert "Why this score" in page or "점수 근거" in page
    assert "v1" in page or "1" in page


def test_scoring_page_saves_a_new_version(world: World, client: Client) -> None:
    client.force_login(world.operator)
    data = {s: 1 for s in weights_current().weights} | {"jump_threshold": 7, "note": "균등"}
    response = client.post(reverse("companies:scoring"), data)
    assert response.status_code == 302
    assert (weights_current().version, weights_current().jump_threshold) == (2, 7)


def test_recompute_runs_as_a_background_job(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _peers()
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("companies:rescore"))
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert Company.objects.filter(potential_score__isnull=True).count() == 0
