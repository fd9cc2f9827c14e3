"""The matchmaking app's rows of the URL × role table (tests/test_url_access.py).

In the world, the requesting company is `company` (owner: administrator, teammate: member);
`other_company` (outsider: administrator) is an AI supplier invited to the need; chapter staff
follow the requester's chapter and the operator follows everything (both see the need
privately, and act on nothing); the reviewer has no part (404 on a need)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bitgoeul.matchmaking.enums import InvitationState, NeedState
from bitgoeul.matchmaking.models import Meeting
from tests.conftest import World
from tests.matchmaking.factories import make_invitation, make_need, record, supplierise
from tests.test_url_access import Rule, everyone, only, signed_in


def _need(w: World, state: str = NeedState.OPEN) -> Any:
    need = make_need(w.company, state=state)
    make_invitation(need, supplierise(w.other_company))
    return need


def _need_id(state: str = NeedState.OPEN) -> Any:
    return lambda w: {"need_id": _need(w, state).pk}


def _invitation_id(state: str) -> Any:
    def build(w: World) -> dict[str, Any]:
        need = make_need(w.company)
        return {
            "invitation_id": make_invitation(need, supplierise(w.other_company), state=state).pk
        }

    return build


def _meeting_id(w: World) -> dict[str, Any]:
    need = make_need(w.company)
    invitation = make_invitation(need, supplierise(w.other_company), state=InvitationState.ACCEPTED)
    start = timezone.now() + dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        invitation=invitation, starts_at=start, ends_at=start + dt.timedelta(hours=1), place="본사"
    )
    return {"meeting_id": meeting.pk}


def _records(w: World) -> dict[str, Any]:
    """The company records of the world's two companies (a factory makes only organisations)."""
    record(w.company)
    record(w.other_company)
    return {}


def _invite_data(w: World) -> dict[str, Any]:
    return {"supplier": supplierise(w.other_company).pk, "message": "상의드리고 싶습니다."}


def _meeting_data(w: World) -> dict[str, Any]:
    start = timezone.localtime() + dt.timedelta(days=3)
    end = start + dt.timedelta(hours=1)
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "place": "광주 본사 회의실",
    }


def _api_need(w: World) -> dict[str, Any]:
    return {
        "company": w.company.pk,
        "title": "불량 검사 자동화",
        "description": "카메라로 불량을 찾고 싶습니다.",
        "sector": "manufacturing",
    }


REQUESTER_ACT = only({"owner": 302, "teammate": 302, "chapter_staff": 403, "operator": 403}, 404)
SEE_NEED = only(
    {"owner": 200, "teammate": 200, "outsider": 200, "chapter_staff": 200, "operator": 200}, 404
)

RULES: dict[str, Rule] = {
    "matchmaking:need_list": Rule(signed_in(200, reviewer=403)),
    "matchmaking:need_create": Rule(
        only({"owner": 200, "teammate": 200, "outsider": 200}, otherwise=403)
    ),
    "matchmaking:need_detail": Rule(SEE_NEED, kwargs=_need_id()),
    "matchmaking:need_edit": Rule(
        only({"owner": 200, "teammate": 200, "chapter_staff": 403, "operator": 403}, 404),
        kwargs=_need_id(),
    ),
    "matchmaking:need_state": Rule(
        REQUESTER_ACT,
        method="post",
        kwargs=_need_id(NeedState.DRAFT),
        data=lambda w: {"state": NeedState.OPEN},
    ),
    "matchmaking:invite": Rule(
        REQUESTER_ACT,
        method="post",
        kwargs=lambda w: {"need_id": make_need(w.company).pk},
        data=_invite_data,
    ),
    "matchmaking:invitation_answer": Rule(
        only(
            {
                "outsider": 302,
                "owner": 403,
                "teammate": 403,
                "chapter_staff": 403,
                "operator": 403,
            },
            404,
        ),
        method="post",
        kwargs=_invitation_id(InvitationState.INVITED),
        data=lambda w: {"state": "accepted", "answer": "관심 있습니다."},
    ),
    "matchmaking:invitation_withdraw": Rule(
        {**REQUESTER_ACT, "outsider": 403},
        method="post",
        kwargs=_invitation_id(InvitationState.INVITED),
    ),
    "matchmaking:meeting_create": Rule(
        {**REQUESTER_ACT, "outsider": 302},
        method="post",
        kwargs=_invitation_id(InvitationState.ACCEPTED),
        data=_meeting_data,
    ),
    "matchmaking:meeting_cancel": Rule(
        {**REQUESTER_ACT, "outsider": 302}, method="post", kwargs=_meeting_id
    ),
    "matchmaking:outcome_create": Rule(
        {**REQUESTER_ACT, "outsider": 403},
        method="post",
        kwargs=_invitation_id(InvitationState.ACCEPTED),
        data=lambda w: {"kind": "contract", "amount_krw": "50000000", "note": "1차 계약"},
    ),
    "matchmaking:supplier_profile": Rule(
        only({"owner": 200, "outsider": 200}, otherwise=403), kwargs=_records
    ),
    "matchmaking:pipeline": Rule(only({"chapter_staff": 200, "operator": 200}, otherwise=403)),
    "api-1:matchmaking_needs": Rule(everyone(200, anonymous=401)),
    "api-1:matchmaking_need_suppliers": Rule(
        {
            **only(
                {
                    "owner": 200,
                    "teammate": 200,
                    "outsider": 403,
                    "chapter_staff": 403,
                    "operator": 403,
                },
                404,
            ),
            "anonymous": 401,
        },
        kwargs=_need_id(),
    ),
}
