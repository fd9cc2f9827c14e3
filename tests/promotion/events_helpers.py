"""Helpers of the events tests: events made directly (the services are what the tests test),
and a company profile for the world's companies (the registration's company)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.promotion.enums import CoHostState, EventKind, EventState, Topic
from bitgoeul.promotion.models import Event, EventCoHost


def make_event(organizer: Organization, **fields: Any) -> Event:
    starts = fields.pop("starts_at", timezone.now() + dt.timedelta(days=7))
    values: dict[str, Any] = {
        "kind": EventKind.BRIEFING,
        "topic": Topic.FUNDING,
        "title": "인공지능 지원사업 설명회",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "venue": "광주 인공지능 데이터센터 대강당",
        "online_url": "https://meet.example.kr/briefing",
        "state": EventState.PUBLISHED,
        **fields,
    }
    return Event.objects.create(organizer=organizer, **values)


def cohost(
    event: Event, organization: Organization, state: str = CoHostState.ACCEPTED
) -> EventCoHost:
    return EventCoHost.objects.create(event=event, organization=organization, state=state)


def company_profile(organization: Organization) -> Company:
    return Company.objects.get_or_create(organization=organization)[0]
