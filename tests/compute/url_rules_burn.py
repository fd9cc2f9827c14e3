"""The burn area's rows of the URL × role table (tests/test_url_access.py).

A grant of the Gwangju company (a rolling request: not public) is seen by its members and
operator staff privately, and by the Gwangju chapter's staff at the RECORD level; everyone else
gets 404. Only operator staff reclaim (those who see the grant otherwise: 403). Statements are
the company's members' and staff's (charges are private: chapter staff get 404 like strangers);
staff's totals of every company are staff only."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bitgoeul.compute.enums import NoticeKind
from bitgoeul.compute.models import Grant, GrantNotice
from bitgoeul.compute.periods import period_of
from tests.compute.factories import add_usage, company_of, make_grant, make_pool
from tests.conftest import World
from tests.test_url_access import Rule, only, signed_in


def _grant(w: World) -> Grant:
    period = period_of(timezone.now())
    pool = make_pool("h100")
    grant = make_grant(w.company, {(pool, period): 744.0})
    add_usage(grant, pool, 5.0, period=period, kwh=1.5)
    return grant


def _grant_id(w: World) -> dict[str, Any]:
    return {"grant_id": _grant(w).pk}


def _warned_part(w: World) -> dict[str, Any]:
    grant = _grant(w)
    GrantNotice.objects.create(grant=grant, period=period_of(timezone.now()), kind=NoticeKind.IDLE)
    return {"part_id": grant.parts.get().pk}


def _reclaim(w: World) -> dict[str, Any]:
    part_id = Grant.objects.get().parts.get().pk
    return {f"part{part_id}-gpu_hours": "10", f"part{part_id}-reason": "중순까지 사용이 적음"}


def _company(w: World) -> dict[str, Any]:
    return {"company": company_of(w.company).pk}


SEE = only({"owner": 200, "teammate": 200, "chapter_staff": 200, "operator": 200}, otherwise=404)
CHARGES = only({"owner": 200, "teammate": 200, "operator": 200}, otherwise=404)

RULES: dict[str, Rule] = {
    "compute:grant_list": Rule(signed_in(200)),
    "compute:grant_detail": Rule(SEE, kwargs=_grant_id),
    "compute:grant_reclaim": Rule(
        only({"operator": 302, "owner": 403, "teammate": 403, "chapter_staff": 403}, otherwise=404),
        method="post",
        kwargs=_warned_part,
        data=_reclaim,
    ),
    "compute:statement": Rule(CHARGES, data=_company),
    "compute:statement_xlsx": Rule(CHARGES, data=_company),
    "compute:statement_totals": Rule(only({"operator": 200}, otherwise=403)),
    # the API: 401 for anonymous visitors, otherwise as the pages
    "api-1:compute_grant_usage": Rule({**SEE, "anonymous": 401}, kwargs=_grant_id),
    "api-1:compute_statement": Rule({**CHARGES, "anonymous": 401}, data=_company),
}
