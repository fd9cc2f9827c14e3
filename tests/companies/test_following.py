"""Nominations, watchlists and the notices to watchers."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company, Nomination, WatchlistEntry
from bitgoeul.companies.notification_kinds import APPLIED
from bitgoeul.companies.services.nominations import nomination_create, nomination_set_state
from bitgoeul.companies.services.profile import company_set_chapter_consent
from bitgoeul.companies.services.watchlists import watchers_notify, watchlist_add
from bitgoeul.notifications.models import Notification
from tests.companies.helpers import company_record
from tests.conftest import World


@pytest.fixture
def company(world: World) -> Company:
    return company_record(world.company)


def test_chapter_staff_nominate_and_operators_decide(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.chapter_staff)
    response = client.post(
        reverse("companies:nominate", args=[company.pk]),
        {"reason": "2년 연속 매출 두 배", "evidence": "재무제표", "programme": "AI 실증 지원"},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.chapter, nomination.nominated_by, nomination.state) == (
        world.chapter,
        world.chapter_staff,
        "pending",
    )
    client.force_login(world.operator)
    client.post(
        reverse("companies:nomination_decide", args=[nomination.pk]),
        {"decision": "declined", "note": "실증 실적 보완 후 재추천 바랍니다", "confirm": "yes"},
    )
    nomination.refresh_from_db()
    assert (nomination.state, nomination.decided_by, nomination.decision_note) == (
        "declined",
        world.operator,
        "실증 실적 보완 후 재추천 바랍니다",
    )
    actions = list(
        AuditEvent.objects.filter(object_type="companies.nomination")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["nomination.create", "nomination.set_state"]


def test_a_decision_needs_a_note(world: World, company: Company, client: Client) -> None:
    nomination = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="성장"
    )
    client.force_login(world.operator)
    client.post(
        reverse("companies:nomination_decide", args=[nomination.pk]), {"decision": "accepted"}
    )
    nomination.refresh_from_db()
    assert nomination.state == "pending"


def test_decided_nominations_stay_decided(world: World, company: Company) -> None:
    nomination = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="성장"
    )
    nomination_set_state(nomination=nomination, state="accepted", actor=world.operator, note="좋음")
    with pytest.raises(ValueError):
        nomination_set_state(nomination=nomination, state="declined", actor=world.operator)


def test_chapter_staff_see_their_chapters_nominations(
    world: World, company: Company, client: Client
) -> None:
    nomination_create(company=company, chapter=world.chapter, actor=world.chapter_staff, reason="r")
    client.force_login(world.chapter_staff)
    page = client.get(reverse("companies:nominations")).content.decode()
    assert world.company.name in page


def test_watchers_hear_about_nominations_and_applications(world: World, company: Company) -> None:
    watchlist_add(user=world.operator, company=company, note="투자 유치 확인")
    nomination_create(company=company, chapter=world.chapter, actor=world.chapter_staff, reason="r")
    with transaction.atomic():
        watchers_notify(company=company, kind=APPLIED, params={"what": "2026 AI 실증 공고"})
    assert list(Notification.objects.order_by("pk").values_list("recipient", "kind")) == [
        (world.operator.pk, "companies.nominated"),
        (world.operator.pk, "companies.applied"),
    ]


def test_watchlist_page_and_notifications(world: World, company: Company, client: Client) -> None:
    company_set_chapter_consent(company=company, actor=world.owner, consent=True)
    client.force_login(world.chapter_staff)
    client.post(reverse("companies:watch", args=[company.pk]), {"note": "후속 투자 확인"})
    assert WatchlistEntry.objects.get().note == "후속 투자 확인"
    page = client.get(reverse("companies:watchlist")).content.decode()
    assert "후속 투자 확인" in page
    with transaction.atomic():
        watchers_notify(company=company, kind=APPLIED, params={"what": "GPU 지원"})
    assert "GPU" in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    client.post(reverse("companies:unwatch", args=[company.pk]), {"next": "watchlist"})
    assert WatchlistEntry.objects.count() == 0


@pytest.mark.parametrize("count", [1, 20])
def test_watchlist_query_count(
    world: World, client: Client, count: int, django_assert_max_num_queries: object
) -> None:
    from tests.companies.helpers import make_company

    for index in range(count):
        watchlist_add(user=world.operator, company=make_company(f"(주)관심{index}"))
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(reverse("companies:watchlist")).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_nominations_query_count(
    world: World,
    company: Company,
    client: Client,
    count: int,
    django_assert_max_num_queries: object,
) -> None:
    for _ in range(count):
        nomination_create(
            company=company, chapter=world.chapter, actor=world.chapter_staff, reason="r"
        )
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(reverse("companies:nominations")).status_code == 200


def test_the_company_page_shows_the_viewers_own_watchlist_note(
    world: World, company: Company, client: Client
) -> None:
    """The note is read with the company (one query): each staff member sees their own."""
    with transaction.atomic():
        watchlist_add(user=world.operator, company=company, note="투자 유치 후 다시 보기")
    client.force_login(world.operator)
    page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert ("투자 유치 후 다시 보기" in page, "관심기업 해제" in page, "메모 저장" in page) == (
        True,
        True,
        True,
    )
    client.force_login(world.chapter_staff)  # follows the company's chapter, watches nothing
    page = client.get(reverse("companies:detail", args=[company.pk])).content.decode()
    assert (
        "투자 유치 후 다시 보기" in page,
        "관심기업 해제" in page,
        "관심기업으로 등록" in page,
    ) == (
        False,
        False,
        True,
    )
