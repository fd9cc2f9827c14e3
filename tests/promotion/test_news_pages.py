"""News pages, organisation pages, the calendar and the news API: what they show, to whom,
and within a query budget that does not grow with rows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from bitgoeul.promotion.enums import Audience, EventKind, EventState, PostState, Topic
from bitgoeul.promotion.models import CrossPost, EventCoHost, NewsPost
from bitgoeul.promotion.services import news as services
from tests.conftest import World
from tests.promotion.factories_news import make_event, make_post, staff_of, technology

SEOUL = ZoneInfo("Asia/Seoul")


def _titles(html: str, titles: list[str]) -> list[str]:
    return [t for t in titles if t in html]


def test_news_list_filters_by_organisation_including_what_it_shares(
    world: World, client: Client
) -> None:
    city = make_post(world.operator_org, title="시 공지")
    make_post(world.chapter, title="지회 소식")
    make_post(world.other_chapter, title="부산 소식")
    make_post(world.chapter, title="지회 초안", state=PostState.DRAFT)
    services.crosspost_create(actor=world.chapter_staff, post=city, organization=world.chapter)
    names = ["시 공지", "지회 소식", "부산 소식", "지회 초안"]
    page = client.get(reverse("promotion:news_list"), {"organization": world.chapter.pk})
    assert _titles(page.content.decode(), names) == ["시 공지", "지회 소식"]
    page = client.get(reverse("promotion:news_list"))
    assert _titles(page.content.decode(), names) == ["시 공지", "지회 소식", "부산 소식"]


def test_news_list_filters_by_topic_technology_and_words(world: World, client: Client) -> None:
    vision = technology()
    tagged = make_post(world.operator_org, title="비전 검사 실증", topic=Topic.DEMONSTRATION)
    tagged.technologies.set([vision])
    make_post(world.operator_org, title="투자 설명회 안내", topic=Topic.INVESTMENT, body="투자")
    names = ["비전 검사 실증", "투자 설명회 안내"]
    url = reverse("promotion:news_list")
    assert _titles(client.get(url, {"topic": Topic.INVESTMENT}).content.decode(), names) == [
        "투자 설명회 안내"
    ]
    assert _titles(client.get(url, {"technology": vision.pk}).content.decode(), names) == [
        "비전 검사 실증"
    ]
    assert _titles(client.get(url, {"q": "검사"}).content.decode(), names) == ["비전 검사 실증"]


def test_news_list_queries_do_not_grow_with_posts(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    make_post(world.operator_org)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("promotion:news_list")).status_code == 200
    vision = technology()
    for n in range(15):
        post = make_post(world.chapter, title=f"소식 {n}")
        post.technologies.set([vision])
        CrossPost.objects.create(post=post, organization=world.operator_org)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("promotion:news_list")).status_code == 200


def test_post_page_shows_attribution_of_shares_and_hides_review_notes_from_the_public(
    world: World, client: Client
) -> None:
    post = make_post(world.operator_org, title="시 공지", review_note="내부 검토 메모")
    services.crosspost_create(actor=world.chapter_staff, post=post, organization=world.chapter)
    page = client.get(reverse("promotion:news_detail", args=[post.pk])).content.decode()
    assert ("광주전남지회" in page, "내부 검토 메모" in page, "게시됨" in page) == (
        True,
        False,
        False,
    )


def test_draft_is_unknown_outside_its_organisation(world: World, client: Client) -> None:
    post = make_post(world.operator_org, state=PostState.DRAFT)
    client.force_login(world.chapter_staff)
    assert client.get(reverse("promotion:news_detail", args=[post.pk])).status_code == 404
    client.force_login(world.operator)
    assert client.get(reverse("promotion:news_detail", args=[post.pk])).status_code == 200


def test_write_submit_and_review_through_the_pages(world: World, client: Client) -> None:
    colleague = staff_of(world.operator_org)
    client.force_login(world.operator)
    response = client.post(
        reverse("promotion:news_create"),
        {
            "organization": world.operator_org.pk,
            "title": "새 공고 안내",
            "body": "본문",
            "topic": Topic.FUNDING,
        },
    )
    post = NewsPost.objects.get()
    assert (response.status_code, post.state, post.author) == (302, PostState.DRAFT, world.operator)
    client.post(reverse("promotion:news_submit", args=[post.pk]))
    # the author may not review their own post
    assert client.post(reverse("promotion:news_review", args=[post.pk])).status_code == 403
    client.force_login(colleague)
    empty_note = client.post(
        reverse("promotion:news_review", args=[post.pk]), {"decision": "return", "note": ""}
    )
    post.refresh_from_db()
    assert (empty_note.status_code, post.state) == (302, PostState.IN_REVIEW)
    client.post(reverse("promotion:news_review", args=[post.pk]), {"decision": "publish"})
    post.refresh_from_db()
    assert (post.state, post.reviewed_by) == (PostState.PUBLISHED, colleague)


def test_share_through_the_page_and_stop_sharing(world: World, client: Client) -> None:
    post = make_post(world.operator_org)
    client.force_login(world.chapter_staff)
    page = client.get(reverse("promotion:news_detail", args=[post.pk])).content.decode()
    assert reverse("promotion:news_share", args=[post.pk]) in page
    client.post(
        reverse("promotion:news_share", args=[post.pk]),
        {"organization": world.chapter.pk, "note": "회원사 필독"},
    )
    crosspost = CrossPost.objects.get()
    assert (crosspost.organization, crosspost.note, crosspost.shared_by) == (
        world.chapter,
        "회원사 필독",
        world.chapter_staff,
    )
    client.post(reverse("promotion:crosspost_withdraw", args=[crosspost.pk]))
    assert CrossPost.objects.get().withdrawn_at is not None


def test_organization_page_shows_own_shared_and_cohosted(world: World, client: Client) -> None:
    city = make_post(world.operator_org, title="시 공지")
    make_post(world.chapter, title="지회 소식")
    services.crosspost_create(
        actor=world.chapter_staff, post=city, organization=world.chapter, note="꼭 읽어 주세요"
    )
    make_event(world.chapter, title="지회 교육")
    cohosted = make_event(world.operator_org, title="시 설명회")
    EventCoHost.objects.create(event=cohosted, organization=world.chapter, state="accepted")
    make_event(world.operator_org, title="회원 전용", audience=Audience.MEMBERS)
    page = client.get(reverse("promotion:organization", args=[world.chapter.pk])).content.decode()
    found = _titles(page, ["시 공지", "지회 소식", "지회 교육", "시 설명회", "회원 전용"])
    assert found == ["시 공지", "지회 소식", "지회 교육", "시 설명회"]
    assert "꼭 읽어 주세요" in page
    assert f"{world.operator_org.name} 작성 · {world.chapter.name} 공유" in page


def test_organization_page_of_a_company_is_not_found(world: World, client: Client) -> None:
    assert client.get(reverse("promotion:organization", args=[world.company.pk])).status_code == 404


def test_organization_page_queries_do_not_grow(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        post = make_post(world.operator_org, title=f"시 공지 {n}")
        CrossPost.objects.create(post=post, organization=world.chapter)
        make_event(world.chapter, title=f"행사 {n}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("promotion:organization", args=[world.chapter.pk]))
    assert page.status_code == 200


def test_calendar_month_shows_visible_events_on_their_seoul_day(
    world: World, client: Client
) -> None:
    # 23:30 in Seoul on 9 December is still 9 December there (14:30 UTC)
    make_event(
        world.operator_org,
        title="심야 해커톤",
        kind=EventKind.HACKATHON,
        starts_at=dt.datetime(2026, 12, 9, 23, 30, tzinfo=SEOUL),
    )
    make_event(
        world.operator_org,
        title="회원 설명회",
        audience=Audience.MEMBERS,
        starts_at=dt.datetime(2026, 12, 10, 10, tzinfo=SEOUL),
    )
    make_event(
        world.operator_org,
        title="초안",
        state=EventState.DRAFT,
        starts_at=dt.datetime(2026, 12, 11, 10, tzinfo=SEOUL),
    )
    url = reverse("promotion:calendar")
    page = client.get(url, {"month": "2026-12"}).content.decode()
    assert _titles(page, ["심야 해커톤", "회원 설명회", "초안"]) == ["심야 해커톤"]
    day = page.split('datetime="2026-12-09"')[1].split("</td>")[0]
    assert "심야 해커톤" in day
    client.force_login(world.owner)
    page = client.get(url, {"month": "2026-12", "kind": EventKind.HACKATHON}).content.decode()
    assert _titles(page, ["심야 해커톤", "회원 설명회"]) == ["심야 해커톤"]
    page = client.get(url, {"month": "2026-12"}).content.decode()
    assert _titles(page, ["심야 해커톤", "회원 설명회"]) == ["심야 해커톤", "회원 설명회"]


def test_calendar_ignores_a_bad_month(world: World, client: Client) -> None:
    assert client.get(reverse("promotion:calendar"), {"month": "2026-13"}).status_code == 200


def test_news_api_lists_published_posts_with_shares_and_no_private_fields(
    world: World, client: Client
) -> None:
    post = make_post(world.operator_org, title="시 공지", review_note="메모")
    make_post(world.operator_org, title="초안", state=PostState.DRAFT)
    services.crosspost_create(actor=world.chapter_staff, post=post, organization=world.chapter)
    body = client.get("/api/v1/news").json()
    (item,) = body["items"]
    assert (body["count"], item["title"], item["state"], item["review_note"]) == (
        1,
        "시 공지",
        None,
        None,
    )
    assert [s["organization"] for s in item["shared_by"]] == [world.chapter.name]
    client.force_login(world.operator)
    (item,) = client.get("/api/v1/news", {"organization": world.chapter.pk}).json()["items"]
    assert (item["state"], item["review_note"]) == (PostState.PUBLISHED, "메모")


def test_calendar_ours_and_organisation_pages_queries_do_not_grow(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.operator)
    start = dt.datetime(2026, 12, 1, 10, tzinfo=SEOUL)
    pages = [
        (reverse("promotion:calendar"), {"month": "2026-12"}),
        (reverse("promotion:news_mine"), {}),
        (reverse("promotion:organization", args=[world.operator_org.pk]), {}),
    ]

    def add(n: int) -> None:
        for i in range(n):
            make_event(
                world.operator_org, title=f"행사 {i}", starts_at=start + dt.timedelta(days=i)
            )
            make_post(world.operator_org, title=f"글 {i}", state=PostState.IN_REVIEW)
            make_post(world.operator_org, title=f"공지 {i}")

    add(1)
    for url, query in pages:
        with django_assert_max_num_queries(14):
            assert client.get(url, query).status_code == 200
    add(12)
    for url, query in pages:
        with django_assert_max_num_queries(14):
            assert client.get(url, query).status_code == 200
