"""Pages and API of the demonstrations app: the showcase (search through bitgoeul.search,
domain filter, what the public sees), the project page per role, the API's redaction and
measurements, home sections and query budgets."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.demonstrations.enums import Domain, ProjectState
from bitgoeul.demonstrations.models import Measurement, Project, Site
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.demonstrations.factories import SiteFactory, add_photo, make_project, measure

pytestmark = pytest.mark.django_db


def _titles(response: Any) -> list[str]:
    return [p.title for p in response.context["page"]]


def _published(world: World, site: Site, title: str, **fields: Any) -> Project:
    return make_project(
        world.company, site=site, state=ProjectState.CLOSED, public=True, title=title, **fields
    )


def test_showcase_finds_korean_words_by_morpheme_and_filters_by_domain(
    client: Client, world: World, site: Site
) -> None:
    _published(world, site, "재활로봇 보행 훈련 실증")
    _published(world, site, "자율주행 셔틀 실증", domain=Domain.MOBILITY)
    make_project(world.company, site=site, title="재활로봇 미공개 실증")  # a draft: never shown
    url = reverse("demonstrations:showcase")
    assert sorted(_titles(client.get(url))) == ["자율주행 셔틀 실증", "재활로봇 보행 훈련 실증"]
    assert _titles(client.get(url, {"q": "재활로봇을"})) == ["재활로봇 보행 훈련 실증"]
    assert _titles(client.get(url, {"q": "셔틀"})) == ["자율주행 셔틀 실증"]
    assert _titles(client.get(url, {"q": "shuttle"})) == []
    assert _titles(client.get(url, {"domain": "mobility"})) == ["자율주행 셔틀 실증"]
    assert _titles(client.get(url, {"q": "실증", "domain": "energy"})) == []


def test_showcase_finds_the_company_by_part_of_its_name(
    client: Client, world: World, site: Site
) -> None:
    _published(world, site, "흉부 X선 판독 실증")
    response = client.get(reverse("demonstrations:showcase"), {"q": "에이아이"})
    assert _titles(response) == ["흉부 X선 판독 실증"]


def test_the_showcase_page_shows_results_against_targets_and_nothing_private(
    client: Client, world: World, site: Site
) -> None:
    project = _published(world, site, "흉부 X선 판독 실증", risks="비공개 위험 요소")
    kpi = project.kpis.get()
    measure(kpi, "91", days_ago=5)
    measure(kpi, "97.5", days_ago=1)
    add_photo(project)
    response = client.get(reverse("demonstrations:showcase_detail", args=[project.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.result.latest, row.result.mean, row.result.achieved) == (
        Decimal("97.5000"),
        Decimal("94.25"),
        True,
    )
    assert "목표 달성" in page and "비공개 위험 요소" not in page
    measured, target = response.context["charts"][0]["data"]["series"]
    assert (measured["values"], measured["style"]) == ([91.0, 97.5], "line")
    assert target["style"] == "dashed" and set(target["values"]) == {float(kpi.target)}


def test_an_unpublished_project_is_not_in_the_showcase_even_for_its_company(
    client: Client, world: World, site: Site
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.CLOSED)
    client.force_login(world.owner)
    assert (
        client.get(reverse("demonstrations:showcase_detail", args=[project.pk])).status_code == 404
    )


def test_the_project_page_sends_public_viewers_to_the_showcase(
    client: Client, world: World, site: Site
) -> None:
    project = _published(world, site, "공개 실증")
    client.force_login(world.outsider)
    response = client.get(reverse("demonstrations:detail", args=[project.pk]))
    assert response["Location"] == reverse("demonstrations:showcase_detail", args=[project.pk])


def test_the_project_page_offers_each_role_its_own_acts(
    client: Client, world: World, site: Site, host: User
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    url = reverse("demonstrations:detail", args=[project.pk])
    client.force_login(host)
    as_host = client.get(url).context
    assert (as_host["approve_as"], as_host["decision_form"] is not None) == ("host", True)
    client.force_login(world.operator)
    assert client.get(url).context["approve_as"] == "operator"
    client.force_login(world.owner)
    as_owner = client.get(url).context
    assert (as_owner["decision_form"], as_owner["kpi_form"], as_owner["can_submit"]) == (
        None,
        None,
        False,
    )


def test_a_full_flow_through_the_pages(
    client: Client, world: World, site: Site, host: User
) -> None:
    """Propose, add a KPI, submit, both approve, record, report, review: each step by its role."""
    today = timezone.localdate()
    company_record(world.company)
    client.force_login(world.owner)
    client.post(
        reverse("demonstrations:create"),
        {
            "company": world.company.pk,
            "title": "스마트 병동 실증",
            "site": site.pk,
            "domain": "healthcare",
            "product": "낙상 예측",
            "goal": "낙상 감소",
            "starts_on": (today - dt.timedelta(days=10)).isoformat(),
            "ends_on": (today + dt.timedelta(days=10)).isoformat(),
            "gpu_hours": 5,
        },
    )
    project = Project.objects.get()
    client.post(
        reverse("demonstrations:kpi_create", args=[project.pk]),
        {"name": "낙상 건수", "unit": "건", "target": "2", "direction": "lower"},
    )
    client.post(reverse("demonstrations:submit", args=[project.pk]))
    for user in (host, world.operator):
        client.force_login(user)
        client.post(reverse("demonstrations:decide", args=[project.pk]), {"decision": "approve"})
    assert Project.objects.get().state == ProjectState.APPROVED
    client.force_login(world.teammate)
    client.post(
        reverse("demonstrations:measurement_create", args=[project.pk]),
        {"kpi": project.kpis.get().pk, "measured_on": today.isoformat(), "value": "1"},
    )
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("1.0000")]


def test_api_detail_nulls_what_the_level_does_not_show(
    client: Client, world: World, site: Site
) -> None:
    project = _published(world, site, "공개 실증", risks="내부 위험", gpu_hours=12)
    measure(project.kpis.get(), "96")
    url = reverse("api-1:demonstration_detail", args=[project.pk])
    public = client.get(url).json()
    assert (public["title"], public["risks"], public["gpu_hours"], public["state"]) == (
        "공개 실증",
        None,
        None,
        None,
    )
    assert [(k["latest"], k["achieved"]) for k in public["kpis"]] == [("96.0000", True)]
    client.force_login(world.owner)
    private = client.get(url).json()
    assert (private["risks"], private["gpu_hours"], private["state"]) == ("내부 위험", 12, "closed")


def test_api_measurements_are_all_or_none_and_refused_outside_the_period(
    client: Client, world: World, site: Site
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    kpi = project.kpis.get()
    url = reverse("api-1:demonstration_measurements", args=[project.pk])
    client.force_login(world.owner)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    long_ago = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    body = {
        "measurements": [
            {"kpi": kpi.pk, "measured_on": yesterday, "value": "90"},
            {"kpi": kpi.pk, "measured_on": long_ago, "value": "91"},
        ]
    }
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid")
    assert Measurement.objects.count() == 0
    body["measurements"] = body["measurements"][:1]
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201
    assert [(m["kpi"], m["value"]) for m in created.json()] == [(kpi.pk, "90.0000")]
    other = make_project(world.company, site=site, state=ProjectState.APPROVED)
    foreign = {
        "measurements": [{"kpi": other.kpis.get().pk, "measured_on": yesterday, "value": "1"}]
    }
    wrong_kpi = client.post(url, json.dumps(foreign), content_type="application/json")
    assert (wrong_kpi.status_code, wrong_kpi.json()["error"]["field"]) == (
        422,
        "measurements.0.kpi",
    )


def test_api_measurements_on_a_closed_project_conflict(
    client: Client, world: World, site: Site
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.CLOSED)
    client.force_login(world.owner)
    body = {
        "measurements": [{"kpi": project.kpis.get().pk, "measured_on": "2026-01-01", "value": "1"}]
    }
    response = client.post(
        reverse("api-1:demonstration_measurements", args=[project.pk]),
        json.dumps(body),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")


@pytest.mark.parametrize("count", [1, 8])
def test_list_pages_keep_their_query_budget(
    client: Client, world: World, site: Site, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        _published(world, SiteFactory.create(host=site.host), f"실증 {n}")
        add_photo(Project.objects.latest("pk"))
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("demonstrations:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("demonstrations:showcase")).status_code == 200


def test_home_shows_the_host_their_decisions_and_the_company_its_projects(
    client: Client, world: World, site: Site, host: User
) -> None:
    make_project(world.company, site=site, state=ProjectState.SUBMITTED, title="판독 실증")
    make_project(world.company, site=site, state=ProjectState.APPROVED, title="셔틀 실증")
    client.force_login(host)
    assert "결정을 기다리는 실증 프로젝트" in client.get(reverse("web:home")).content.decode()
    client.force_login(world.owner)
    page = client.get(reverse("web:home")).content.decode()
    assert ("우리 기업의 실증 프로젝트" in page, "셔틀 실증" in page, "판독 실증" in page) == (
        True,
        True,
        False,
    )


def test_host_staff_answers_per_url(client: Client, world: World, site: Site, host: User) -> None:
    """The URL × role table has no host institution: its staff's answers, here."""
    submitted = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    running = make_project(world.company, site=site, state=ProjectState.APPROVED)
    elsewhere = make_project(
        world.company,
        site=SiteFactory.create(host__name="광주테크노파크"),
        state=ProjectState.SUBMITTED,
    )
    client.force_login(host)
    answers = {
        "detail": client.get(reverse("demonstrations:detail", args=[submitted.pk])).status_code,
        "decide": client.post(
            reverse("demonstrations:decide", args=[submitted.pk]), {"decision": "approve"}
        ).status_code,
        "elsewhere": client.post(
            reverse("demonstrations:decide", args=[elsewhere.pk]), {"decision": "approve"}
        ).status_code,
        "edit": client.get(reverse("demonstrations:edit", args=[submitted.pk])).status_code,
        "record": client.post(
            reverse("demonstrations:measurement_create", args=[running.pk]), {}
        ).status_code,
        "review": client.post(
            reverse("demonstrations:review", args=[running.pk]), {"decision": "accept"}
        ).status_code,
        "sites": client.get(reverse("demonstrations:sites")).status_code,
    }
    assert answers == {
        "detail": 200,
        "decide": 302,
        "elsewhere": 404,
        "edit": 403,
        "record": 403,
        "review": 403,
        "sites": 200,
    }
    submitted.refresh_from_db()
    assert (submitted.host_approved_by, submitted.operator_approved_at) == (host, None)
