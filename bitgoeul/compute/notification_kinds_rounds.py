"""The notification kinds of the rounds area (registered from `ready()`). `can_see` is the
compute app's one visibility rule, asked at send and again at display: a decision notice goes
to, and is shown to, only those who see the request privately (its company's members, staff)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.selectors import organization_users
from bitgoeul.compute import access
from bitgoeul.compute.enums import RequestState
from bitgoeul.compute.models import ComputeRequest
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify

DECIDED = "compute.request_decided"


def _link(request: ComputeRequest) -> str:
    return reverse("compute:request", args=[request.pk])


def _title(request: ComputeRequest) -> str:
    return request.project


def _can_see(user: Any, request: ComputeRequest) -> bool:
    return access.request_view_level(user, request) >= ViewLevel.PRIVATE


def _decided_text(request: ComputeRequest, params: dict[str, Any]) -> str:
    values = {"round": params.get("round", ""), "granted": params.get("granted", "0")}
    if params.get("state") == RequestState.GRANTED:
        return (
            _(
                "%(granted)s GPU-hours were granted to your request in the allocation round "
                "%(round)s."
            )
            % values
        )
    return _("Your request in the allocation round %(round)s was not granted.") % values


kind_register(
    Kind(
        code=DECIDED,
        label=gettext_lazy("A decision on your GPU request"),
        model="compute.computerequest",
        text=_decided_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=("company__organization", "round"),
        email_default=True,
    )
)


def round_decided_notify(*, requests: Sequence[ComputeRequest], actor: Any) -> int:
    """The members of each requesting company, one notice per request."""
    by_company: dict[int, list[ComputeRequest]] = defaultdict(list)
    for request in requests:
        by_company[request.company_id].append(request)
    sent = 0
    for company_id, rows in by_company.items():
        users = organization_users({company_id})
        for request in rows:
            granted = request.grant.gpu_hours if request.state == RequestState.GRANTED else 0
            sent += notify(
                recipients=users,
                kind=DECIDED,
                obj=request,
                params={
                    "state": request.state,
                    "round": request.round.name if request.round else "",
                    "granted": f"{granted:,.0f}",
                },
                actor=actor,
            )
    return sent
