"""Rows for the news, feeds, calendar and digest tests, written through the models (the events
area's services are not what these tests are about)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Technology
from bitgoeul.promotion.enums import Audience, EventKind, EventState, PostState, Topic
from bitgoeul.promotion.models import Event, NewsPost
from tests.factories import MembershipFactory


def staff_of(organization: Organization, role: str = MembershipRole.STAFF, **fields: Any) -> User:
    return MembershipFactory.create(organization=organization, role=role, **fields).user


def technology(code: str = "vision", name: str = "비전", name_en: str = "Vision") -> Technology:
    tech, _ = Technology.objects.get_or_create(
        code=code, defaults={"name": name, "name_en": name_en}
    )
    return tech


def make_event(
    organizer: Organization,
    *,
    title: str = "AI 설명회",
    starts_at: dt.datetime | None = None,
    hours: int = 2,
    state: str = EventState.PUBLISHED,
    audience: str = Audience.PUBLIC,
    **fields: Any,
) -> Event:
    starts = starts_at or timezone.now() + dt.timedelta(days=3)
    defaults: dict[str, Any] = {
        "kind": EventKind.BRIEFING,
        "topic": Topic.FUNDING,
        "venue": "광주 AI 창업캠프",
        "published_at": timezone.now() if state != EventState.DRAFT else None,
        "created_at": timezone.now() - dt.timedelta(days=1),
        "updated_at": timezone.now() - dt.timedelta(days=1),
    }
    defaults.update(fields)
    return Event.objects.create(
        organizer=organizer,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        state=state,
        audience=audience,
        **defaults,
    )


def make_post(
    organization: Organization,
    *,
    title: str = "인공지능 실증 지원사업 공고",
    state: str = PostState.PUBLISHED,
    author: User | None = None,
    published_at: dt.datetime | None = None,
    **fields: Any,
) -> NewsPost:
    now = timezone.now()
    defaults: dict[str, Any] = {
        "topic": Topic.FUNDING,
        "summary": "요약",
        "body": "본문입니다.",
        "created_at": now - dt.timedelta(days=2),
        "updated_at": now - dt.timedelta(days=1),
    }
    defaults.update(fields)
    if state == PostState.PUBLISHED and published_at is None:
        published_at = now - dt.timedelta(days=1)
    return NewsPost.objects.create(
        organization=organization,
        title=title,
        state=state,
        author=author,
        published_at=published_at,
        **defaults,
    )
