"""The public side of calls: the notice board (search, filters, paging, D-day), a call's page,
attachments, the Atom feed, and the safe text of a notice."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone, translation

from bitgoeul.programs.enums import CallState, EligibilityKind
from bitgoeul.programs.models import Call, CallAttachment, EligibilityRule
from bitgoeul.programs.selectors import BoardState, call_board, call_deadline
from bitgoeul.programs.text import plain, render
from tests.conftest import World
from tests.programs.calls_helpers import NOW, pdf_bytes, seoul
from tests.programs.factories import CallFactory, CriterionFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client: Client) -> Iterator[None]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


ATOM = "{http://www.w3.org/2005/Atom}"


# --- D-day -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "label"),
    [
        (seoul(2026, 12, 1, 17, 59, 59), "Closes today"),  # one second before 18:00
        (seoul(2026, 12, 1, 0, 0, 0), "Closes today"),  # the first second of the last day
        (seoul(2026, 11, 30, 23, 59, 59), "D-1"),  # the last second of the day before
        (seoul(2026, 11, 28, 9), "D-3"),
        (seoul(2026, 12, 1, 18, 0, 0), "Closed"),  # the closing second itself
        (seoul(2026, 11, 1, 8, 59, 59), "Opening soon"),
    ],
)
def test_deadline_badge_counts_days_in_seoul(now: dt.datetime, label: str) -> None:
    call = CallFactory.build(
        state=CallState.PUBLISHED,
        opens_at=seoul(2026, 11, 1, 9),
        closes_at=seoul(2026, 12, 1, 18),
    )
    assert call_deadline(call, now).label == label


def test_deadline_badge_uses_seoul_dates_not_utc() -> None:
    """00:30 on 2 December in Seoul is still 1 December in UTC: the call closing on the 2nd at
    18:00 Seoul time closes today."""
    call = CallFactory.build(
        state=CallState.PUBLISHED, opens_at=seoul(2026, 11, 1), closes_at=seoul(2026, 12, 2, 18)
    )
    now = seoul(2026, 12, 2, 0, 30).astimezone(dt.UTC)
    assert now.date() == dt.date(2026, 12, 1)
    assert call_deadline(call, now).label == "Closes today"


def test_deadline_badge_of_a_call_in_review_is_closed() -> None:
    call = CallFactory.build(state=CallState.REVIEW, closes_at=NOW + dt.timedelta(days=3))
    assert call_deadline(call, NOW).label == "Closed"


def test_deadline_badge_in_korean() -> None:
    call = CallFactory.build(
        state=CallState.PUBLISHED, opens_at=seoul(2026, 11, 1), closes_at=seoul(2026, 12, 1, 18)
    )
    with translation.override("ko"):
        labels = [
            call_deadline(call, now).label for now in (seoul(2026, 12, 1, 9), seoul(2026, 12, 2))
        ]
    assert labels == ["오늘 마감", "마감"]


# --- the board's selector ----------------------------------------------------------------------


def _titles(calls: object) -> list[str]:
    return [call.title for call in calls]  # type: ignore[attr-defined]


def test_board_filters_by_state_at_fixed_times(world: World) -> None:
    def make(title: str, opens: dt.datetime, closes: dt.datetime, **kwargs: object) -> None:
        CallFactory.create(
            title=title, opens_at=opens, closes_at=closes, published_at=opens, **kwargs
        )

    make("접수중", NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=20))
    make("마감임박", NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=7))
    make("마감", NOW - dt.timedelta(days=30), NOW)  # closed at this very second
    make("예정", NOW + dt.timedelta(seconds=1), NOW + dt.timedelta(days=30))
    make("평가중", NOW - dt.timedelta(days=30), NOW + dt.timedelta(days=1), state=CallState.REVIEW)
    make("작성중", NOW - dt.timedelta(days=3), NOW + dt.timedelta(days=5), state=CallState.DRAFT)

    def titles(state: str) -> list[str]:
        return sorted(_titles(call_board(state=state, now=NOW)))

    assert titles(BoardState.OPEN) == ["마감임박", "접수중"]
    assert titles(BoardState.CLOSING_SOON) == ["마감임박"]
    assert titles(BoardState.UPCOMING) == ["예정"]
    assert titles(BoardState.CLOSED) == ["마감", "평가중"]
    assert titles("") == ["마감", "마감임박", "예정", "접수중", "평가중"]  # never the draft


def test_board_search_finds_every_word_in_title_or_body(world: World) -> None:
    CallFactory.create(title="AI 실증사업 공고", body="드론 실증을 지원합니다.")
    CallFactory.create(title="데이터 바우처", title_en="Data voucher", body="데이터 구매 비용")
    CallFactory.create(title="실증 작성중", state=CallState.DRAFT)
    assert _titles(call_board(text="실증")) == ["AI 실증사업 공고"]
    assert _titles(call_board(text="드론 실증")) == ["AI 실증사업 공고"]
    assert _titles(call_board(text="드론 바우처")) == []
    assert _titles(call_board(text="voucher")) == ["데이터 바우처"]


def test_board_filters_by_organiser_or_co_organiser(world: World) -> None:
    own = CallFactory.create(title="광주 공고", organizer=world.operator_org)
    co = CallFactory.create(title="협회 공고", organizer=world.association)
    co.co_organizers.add(world.chapter)
    CallFactory.create(title="다른 공고", organizer=world.association)
    assert _titles(call_board(organizer=world.chapter.pk)) == ["협회 공고"]
    assert _titles(call_board(organizer=world.operator_org.pk)) == [own.title]


# --- pages -------------------------------------------------------------------------------------


def test_board_page_pages_and_hides_drafts(client: Client, world: World) -> None:
    for n in range(23):
        CallFactory.create(
            title=f"공고 {n:02d}", published_at=timezone.now() - dt.timedelta(hours=n)
        )
    CallFactory.create(title="초안 공고", state=CallState.DRAFT)
    first = client.get("/calls/")
    second = client.get("/calls/", {"page": 2})
    assert (first.status_code, len(first.context["page"].object_list)) == (200, 20)
    assert _titles(second.context["page"].object_list) == ["공고 20", "공고 21", "공고 22"]
    assert "초안 공고" not in first.content.decode() + second.content.decode()


def test_board_page_shows_d_day_and_filters(client: Client, world: World) -> None:
    now = timezone.now()
    CallFactory.create(title="곧 마감", closes_at=now + dt.timedelta(days=3, hours=1))
    CallFactory.create(
        title="지난 공고",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    response = client.get("/calls/", {"state": "open"})
    page = response.content.decode()
    assert _titles(response.context["page"].object_list) == ["곧 마감"]
    days = (
        (now + dt.timedelta(days=3, hours=1)).astimezone(dt.timezone(dt.timedelta(hours=9))).date()
        - now.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    ).days
    assert f"D-{days}" in page
    closed = client.get("/calls/", {"state": "closed"})
    assert _titles(closed.context["page"].object_list) == ["지난 공고"]


def test_board_page_with_htmx_answers_the_results_only(client: Client, world: World) -> None:
    CallFactory.create(title="AI 실증")
    response = client.get("/calls/", {"q": "실증"}, headers={"HX-Request": "true"})
    assert response.templates[0].name == "programs/calls/_board_results.html"


def test_board_page_queries_do_not_grow_with_calls(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    CallFactory.create()
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        client.get("/calls/")
    for _ in range(15):
        CallFactory.create()
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        client.get("/calls/")


def test_call_page_shows_notice_rules_stages_and_apply_link(client: Client, world: World) -> None:
    call = CallFactory.create(
        body="**지원 내용**\n\n- 실증 비용\n- 컨설팅\n\n<script>alert(1)</script>"
    )
    stage = StageFactory.create(call=call)
    CriterionFactory.create(stage=stage, name="기술성", weight=60, description="독창성")
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.MAX_AGE_YEARS, params={"years": 7}
    )
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.REGION, params={"provinces": ["gwangju"]}
    )
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "<p><strong>지원 내용</strong></p><ul><li>실증 비용</li><li>컨설팅</li></ul>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Founded no more than 7 years ago" in page
    assert "Companies located in Gwangju" in page
    assert f'href="/calls/{call.pk}/apply/"' in page
    assert "독창성" in page


def test_call_page_has_no_apply_link_once_closed(client: Client, world: World) -> None:
    call = CallFactory.create(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert f"/calls/{call.pk}/apply/" not in client.get(f"/calls/{call.pk}/").content.decode()


def test_draft_call_page_is_404_except_for_its_staff(client: Client, world: World) -> None:
    call = CallFactory.create(state=CallState.DRAFT, organizer=world.chapter)
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    client.force_login(world.owner)
    assert client.get(f"/calls/{call.pk}/").status_code == 404
    client.force_login(world.chapter_staff)
    assert client.get(f"/calls/{call.pk}/").status_code == 200


def _attachment(call: Call) -> CallAttachment:
    attachment = CallAttachment(call=call, name="공고문.pdf", kind="pdf", size=len(pdf_bytes()))
    attachment.file.save("공고문.pdf", ContentFile(pdf_bytes()), save=True)
    return attachment


def test_attachment_downloads_with_its_name_when_the_call_is_visible(
    client: Client, world: World
) -> None:
    attachment = _attachment(CallFactory.create())
    response = client.get(f"/calls/{attachment.call_id}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert "attachment;" in response["Content-Disposition"]


def test_attachment_of_a_draft_is_404_and_of_another_call_too(client: Client, world: World) -> None:
    draft = _attachment(CallFactory.create(state=CallState.DRAFT))
    assert client.get(f"/calls/{draft.call_id}/attachments/{draft.pk}/").status_code == 404
    other = CallFactory.create()
    assert client.get(f"/calls/{other.pk}/attachments/{draft.pk}/").status_code == 404


# --- the Atom feed -----------------------------------------------------------------------------


def test_feed_is_atom_with_published_calls_newest_first(client: Client, world: World) -> None:
    CallFactory.create(
        title="먼저 공고",
        published_at=NOW - dt.timedelta(days=2),
        closes_at=seoul(2026, 12, 20, 18),
    )
    later = CallFactory.create(
        title="나중 공고", published_at=NOW, closes_at=seoul(2026, 12, 24, 18)
    )
    CallFactory.create(title="초안", state=CallState.DRAFT)
    response = client.get("/feeds/calls.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # our own output
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["나중 공고", "먼저 공고"]
    summary = entries[0].findtext(f"{ATOM}summary") or ""
    assert "2026-12-24 18:00" in summary
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"http://testserver/calls/{later.pk}/"
    assert all(e.findtext(f"{ATOM}id") for e in entries)
    assert all(e.findtext(f"{ATOM}updated") for e in entries)


# --- safe text ---------------------------------------------------------------------------------


def test_render_escapes_everything_but_its_marks() -> None:
    assert render("<b onclick=x>hi</b>") == "<p>&lt;b onclick=x&gt;hi&lt;/b&gt;</p>"
    assert render("a\nb\n\nc") == "<p>a<br>b</p><p>c</p>"
    assert render("1. 첫째\n2. 둘째") == "<ol><li>첫째</li><li>둘째</li></ol>"
    assert render("**굵게** 보통") == "<p><strong>굵게</strong> 보통</p>"


def test_render_links_only_http_with_nofollow() -> None:
    assert render("[신청](https://example.kr/a?b=1&c=2)") == (
        '<p><a href="https://example.kr/a?b=1&amp;c=2" rel="nofollow noopener">신청</a></p>'
    )
    assert render("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"
    assert render('[x](https://a.kr/"onmouseover=alert(1))') == (
        '<p><a href="https://a.kr/&quot;onmouseover=alert(1" rel="nofollow noopener">x</a>)</p>'
    )
    assert render("문의: https://bitgoeul.kr.") == (
        '<p>문의: <a href="https://bitgoeul.kr" rel="nofollow noopener">https://bitgoeul.kr</a>.</p>'
    )


def test_plain_drops_marks_and_shortens() -> None:
    assert plain("**지원**\n- [안내](https://a.kr)\n- 둘") == "지원 안내 둘"
    assert plain("가" * 400, limit=10) == "가" * 9 + "…"


def test_pages_in_korean_name_rules_and_badges_in_korean(client: Client, world: World) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    call = CallFactory.create(
        title="지난 공고",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.MAX_AGE_YEARS, params={"years": 7}
    )
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.REGION, params={"provinces": ["gwangju", "jeonnam"]}
    )
    board = client.get("/calls/").content.decode()
    assert '<span class="badge dday muted">마감</span>' in board
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "<li>창업 7년 이내 기업</li>" in page
    assert "<li>광주광역시, 전라남도 소재 기업</li>" in page


@pytest.mark.parametrize(
    ("kind", "params", "expected_en", "expected_ko"),
    [
        (
            "region",
            {"provinces": ["gwangju"]},
            "Companies located in Gwangju",
            "광주광역시 소재 기업",
        ),
        ("max_age_years", {"years": 1}, "Founded no more than 1 year ago", "창업 1년 이내 기업"),
        ("min_employees", {"count": 5}, "At least 5 employees", "상시 근로자 5명 이상"),
        ("max_employees", {"count": 1}, "At most 1 employee", "상시 근로자 1명 이하"),
        (
            "certification",
            {"kinds": ["venture", "tips"]},
            "Holds one of these certifications: Venture certification, TIPS",
            "다음 인증 중 하나 이상 보유: 벤처기업 확인, TIPS",
        ),
        (
            "no_award_since",
            {"years": 3},
            "No award from any call in the last 3 years",
            "최근 3년 동안 지원사업에 선정된 적이 없는 기업",
        ),
    ],
)
def test_each_rule_in_words_in_both_languages(
    kind: str, params: dict[str, object], expected_en: str, expected_ko: str
) -> None:
    from bitgoeul.programs.rule_words import rule_sentence

    rule = EligibilityRule(kind=kind, params=params)
    with translation.override("ko"):
        in_korean = rule_sentence(rule)
    assert (rule_sentence(rule), in_korean) == (expected_en, expected_ko)


def test_chapter_rule_in_words_names_the_chapters(world: World) -> None:
    from bitgoeul.programs.rule_words import rule_sentences

    rule = EligibilityRule(kind="chapter", params={"chapters": [world.chapter.pk]})
    with translation.override("ko"):
        assert rule_sentences([rule]) == [(rule, "광주전남지회 소속 기업")]


def test_api_list_queries_do_not_grow(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    CallFactory.create()
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        client.get("/api/v1/calls")
    for _ in range(10):
        CallFactory.create()
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        assert len(client.get("/api/v1/calls").json()["results"]) == 11


def test_the_apply_button_is_shown_to_those_who_can_apply(client: Client, world: World) -> None:
    """Anonymous visitors (sent to log in) and company members get the button; a signed-in
    user without a company (staff, a reviewer) gets a sentence instead of a link to a 403."""
    call = CallFactory.create()
    url = f"/calls/{call.pk}/"
    button = f'href="/calls/{call.pk}/apply/"'
    shown = {}
    for role in ("anonymous", "owner", "reviewer", "chapter_staff"):
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        shown[role] = button in client.get(url).content.decode()
    assert shown == {"anonymous": True, "owner": True, "reviewer": False, "chapter_staff": False}
