"""Demo data of the events area: the city's briefing co-hosted by the 광주전남 chapter
(accepted), a training for the chapter's companies only, a demo day with a full house and a
waitlist, and a past investor meeting with its materials; a few registrations of demo users
(the demo founder holds a seat at the briefing, with a QR code to show).

Rows are written through the models (a demo needs neither notices nor audit events). Safe to
load again: an event that exists (by title) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Company
from bitgoeul.core.demo import demo_loader
from bitgoeul.programs.enums import CallState
from bitgoeul.programs.models import Call
from bitgoeul.promotion.enums import (
    Audience,
    CoHostState,
    EventKind,
    EventState,
    MaterialKind,
    RegistrationState,
    Topic,
)
from bitgoeul.promotion.models import Event, EventCoHost, EventMaterial, Registration

BRIEFING = "2027년 인공지능 집적단지 지원사업 통합 설명회"
TRAINING = "광주전남 회원사 생성형 AI 실무 교육"
DEMO_DAY = "빛고을 AI 스타트업 데모데이"
PAST = "AI 스타트업 투자 상담회"


def _at(days: int, hour: int) -> dt.datetime:
    """`days` from today at `hour` o'clock, Korea time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _event(organizer: Organization, title: str, **fields: Any) -> tuple[Event, bool]:
    existing = Event.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    event = Event.objects.create(
        organizer=organizer,
        title=title,
        state=EventState.PUBLISHED,
        published_at=now,
        created_at=now,
        updated_at=now,
        **fields,
    )
    return event, True


def _register(event: Event, user: User | None, state: str, minutes: int) -> None:
    if user is None or Registration.objects.filter(event=event, user=user).exists():
        return
    membership = user.memberships.filter(organization__kind="company").first()
    company = (
        Company.objects.filter(organization_id=membership.organization_id).first()
        if membership
        else None
    )
    Registration.objects.create(
        event=event,
        user=user,
        company=company,
        state=state,
        created_at=event.created_at + dt.timedelta(minutes=minutes),
    )


@demo_loader("promotion_events")
def load_events(rng: random.Random) -> str:
    orgs = {
        org.code: org
        for org in Organization.objects.filter(code__in=["city", "kova", "aica", "gwangju-jeonnam"])
    }
    if len(orgs) < 4:
        return "a demo organisation is missing: nothing to do"
    users = {
        user.email: user
        for user in User.objects.filter(email__in=["founder@bitgoeul.kr", "teammate@bitgoeul.kr"])
    }
    founder = users.get("founder@bitgoeul.kr")
    teammate = users.get("teammate@bitgoeul.kr")
    ceos = list(
        User.objects.filter(
            email__startswith="ceo", email__endswith="@company.bitgoeul.kr"
        ).order_by("email")[:6]
    )
    call = Call.objects.exclude(state=CallState.DRAFT).order_by("pk").first()
    made = 0

    briefing, new = _event(
        orgs["city"],
        BRIEFING,
        title_en="2027 AI cluster programmes: joint briefing",
        kind=EventKind.BRIEFING,
        topic=Topic.FUNDING,
        summary="광주광역시와 벤처기업협회 광주전남지회가 함께 여는 2027년 지원사업 설명회입니다.",
        description=(
            "GPU 자원 지원, 실증 지원, 기업 성장 지원 등 2027년 인공지능 집적단지 지원사업을 "
            "한자리에서 안내합니다. 설명회가 끝난 뒤 사업별 상담 부스를 운영합니다."
        ),
        starts_at=_at(10, 14),
        ends_at=_at(10, 17),
        venue="국가 AI 데이터센터 대강당",
        address="광주광역시 북구 첨단과기로 208-6",
        map_url="https://map.kakao.com/?q=%EA%B5%AD%EA%B0%80AI%EB%8D%B0%EC%9D%B4%ED%84%B0%EC%84%BC%ED%84%B0",
        online_url="https://meet.bitgoeul.kr/briefing-2027",
        capacity=120,
        questions=[
            {"key": "q1", "label": "관심 있는 지원사업", "required": True},
            {"key": "q2", "label": "미리 묻고 싶은 점", "required": False},
        ],
        linked_call=call,
    )
    if new:
        made += 1
        EventCoHost.objects.create(
            event=briefing,
            organization=orgs["gwangju-jeonnam"],
            state=CoHostState.ACCEPTED,
            decided_at=timezone.now(),
        )
        _register(briefing, founder, RegistrationState.CONFIRMED, 5)
        for n, ceo in enumerate(ceos[:3]):
            _register(briefing, ceo, RegistrationState.CONFIRMED, 10 + n)

    training, new = _event(
        orgs["gwangju-jeonnam"],
        TRAINING,
        title_en="Generative AI in practice, for the chapter's companies",
        kind=EventKind.TRAINING,
        topic=Topic.TRAINING,
        summary="광주전남지회 회원사 실무자를 위한 하루 교육입니다.",
        description="업무 문서 요약, 고객 응대 자동화 사례를 실습합니다. 노트북을 지참하세요.",
        starts_at=_at(14, 10),
        ends_at=_at(14, 17),
        venue="광주 AI 창업캠프 교육장",
        address="광주광역시 남구 송암로 60",
        capacity=30,
        audience=Audience.CHAPTER,
        audience_chapter=orgs["gwangju-jeonnam"],
    )
    if new:
        made += 1
        _register(training, teammate, RegistrationState.CONFIRMED, 3)

    demo_day, new = _event(
        orgs["aica"],
        DEMO_DAY,
        title_en="Bitgoeul AI start-up demo day",
        kind=EventKind.DEMO_DAY,
        topic=Topic.INVESTMENT,
        summary="입주 기업 10곳이 투자자 앞에서 제품을 시연합니다. 좌석이 모두 찼습니다.",
        starts_at=_at(20, 15),
        ends_at=_at(20, 18),
        venue="인공지능산업융합사업단 1층 쇼룸",
        address="광주광역시 북구 첨단과기로 176",
        capacity=3,
    )
    if new:
        made += 1
        for n, ceo in enumerate(ceos[:3]):
            _register(demo_day, ceo, RegistrationState.CONFIRMED, n)
        _register(demo_day, ceos[3] if len(ceos) > 3 else None, RegistrationState.WAITLISTED, 10)
        _register(demo_day, teammate, RegistrationState.WAITLISTED, 12)

    past, new = _event(
        orgs["kova"],
        PAST,
        title_en="AI start-up investor meeting",
        kind=EventKind.INVESTOR_MEETING,
        topic=Topic.INVESTMENT,
        summary="벤처캐피털 5곳과 AI 스타트업의 1:1 투자 상담회를 열었습니다.",
        starts_at=_at(-30, 14),
        ends_at=_at(-30, 18),
        venue="벤처기업협회 광주센터",
        address="광주광역시 서구 상무중앙로 110",
        capacity=40,
    )
    if new:
        made += 1
        EventCoHost.objects.create(
            event=past,
            organization=orgs["gwangju-jeonnam"],
            state=CoHostState.ACCEPTED,
            decided_at=timezone.now(),
        )
        for title, kind, url in (
            (
                "투자 유치 전략 발표 자료",
                MaterialKind.SLIDES,
                "https://bitgoeul.kr/demo/investor-meeting-slides.pdf",
            ),
            ("현장 사진", MaterialKind.PHOTO, "https://bitgoeul.kr/demo/investor-meeting-photos"),
        ):
            EventMaterial.objects.create(event=past, kind=kind, title=title, url=url)
        _register(past, founder, RegistrationState.CONFIRMED, 1)
        Registration.objects.filter(event=past).update(checked_in_at=past.starts_at)
    return f"{made} events"
