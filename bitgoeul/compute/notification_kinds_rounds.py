"""The notification kinds of the rounds area (registered from `ready()`). `can_see` asks the
compute app's visibility rule at send and again at display: a round's decision is told to the
members of the companies that requested in it (and staff), each with its own company's figures.

One notice per company and round, not per request: a company with several requests reads one
summary, and a round of 20,000 requests sends a notice per company, not 20,000.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.selectors import organization_users_by_organization
from bitgoeul.compute import access
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import ComputeRequest, Round
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify_each

DECIDED = "compute.round_decided"


def _link(rnd: Round) -> str:
    return reverse("compute:home")


def _title(rnd: Round) -> str:
    return rnd.name


def _can_see(user: Any, rnd: Round) -> bool:
    if access.is_compute_staff(user):
        return True
    return (
        rnd.state == RoundState.APPROVED
        and ComputeRequest.objects.filter(
            round=rnd, company_id__in=access.member_company_ids(user)
        ).exists()
    )


def _decided_text(rnd: Round, params: dict[str, Any]) -> str:
    values = {
        "round": rnd.name,
        "granted": params.get("granted", 0),
        "requests": params.get("requests", 0),
        "gpu_hours": params.get("gpu_hours", "0"),
    }
    if values["granted"]:
        return (
            _(
                "Allocation round %(round)s is decided: %(granted)s of your company's "
                "%(requests)s requests were granted, %(gpu_hours)s GPU-hours in all."
            )
            % values
        )
    return (
        _(
            "Allocation round %(round)s is decided: none of your company's %(requests)s "
            "requests was granted."
        )
        % values
    )


kind_register(
    Kind(
        code=DECIDED,
        label=gettext_lazy("A decision on your GPU requests"),
        model="compute.round",
        text=_decided_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        email_default=True,
    )
)


def round_decided_notify(*, rnd: Round, requests: Sequence[ComputeRequest], actor: Any) -> int:
    """The members of each requesting company: how many of its requests were granted and the
    GPU-hours in all. Returns the number of notices written."""
    by_company: dict[int, list[ComputeRequest]] = defaultdict(list)
    for request in requests:
        by_company[request.company_id].append(request)
    members = organization_users_by_organization(list(by_company))
    each = []
    for company_id, rows in sorted(by_company.items()):
        granted = [r for r in rows if r.state == RequestState.GRANTED]
        params = {
            "granted": len(granted),
            "requests": len(rows),
            "gpu_hours": f"{sum(r.grant.gpu_hours for r in granted):,.0f}",
        }
        each.append((members.get(company_id, []), params))
    return notify_each(kind=DECIDED, obj=rnd, each=each, actor=actor)
