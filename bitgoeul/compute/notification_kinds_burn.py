"""The burn area's notification kinds, registered from `ready()`: a grant's use reached 50, 80
or 100% of its month, it sat idle by mid-month, part of it was reclaimed, or a request was
granted GPU-hours that a reclaim freed. Each kind's `can_see` is the compute rule: the notice is
sent to, and shown to, only those who see the grant privately (its company's members, staff)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.selectors import organization_users
from bitgoeul.compute.access import request_view_level
from bitgoeul.compute.enums import NoticeKind
from bitgoeul.compute.models import Grant
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify

USED = "compute.grant_used"
IDLE = "compute.grant_idle"
RECLAIMED = "compute.grant_reclaimed"
REASSIGNED = "compute.grant_from_reclaim"
RELATED = ("request", "company__organization", "round")


def _link(grant: Grant) -> str:
    return reverse("compute:grant_detail", args=[grant.pk])


def _title(grant: Grant) -> str:
    return grant.request.project


def _can_see(user: Any, grant: Grant) -> bool:
    request = grant.request
    request.company = grant.company
    return request_view_level(user, request) >= ViewLevel.PRIVATE


def _used_text(grant: Grant, params: dict[str, Any]) -> str:
    values = {"period": params.get("period", ""), "percent": params.get("percent", "")}
    if params.get("kind") == NoticeKind.USED_100:
        return _("Your GPU allocation for %(period)s is used up (%(percent)s%%).") % values
    return _("%(percent)s%% of your GPU allocation for %(period)s is used.") % values


def _idle_text(grant: Grant, params: dict[str, Any]) -> str:
    return _(
        "By mid-month your GPU allocation for %(period)s used %(used)s of the %(prorated)s "
        "GPU-hours due so far. Idle GPU-hours may be reclaimed for companies that wait."
    ) % {
        "period": params.get("period", ""),
        "used": params.get("used", ""),
        "prorated": params.get("prorated", ""),
    }


def _reclaimed_text(grant: Grant, params: dict[str, Any]) -> str:
    return _(
        "%(hours)s idle GPU-hours of your GPU allocation (%(pool)s, %(period)s) were reclaimed. "
        "Reason: %(reason)s"
    ) % {
        "hours": params.get("hours", ""),
        "pool": params.get("pool", ""),
        "period": params.get("period", ""),
        "reason": params.get("reason", ""),
    }


def _reassigned_text(grant: Grant, params: dict[str, Any]) -> str:
    return _(
        "Your request was granted %(hours)s GPU-hours (%(pool)s, %(period)s) reclaimed from an "
        "idle allocation."
    ) % {
        "hours": params.get("hours", ""),
        "pool": params.get("pool", ""),
        "period": params.get("period", ""),
    }


for kind in (
    Kind(
        code=USED,
        label=gettext_lazy("Use of a GPU allocation reached 50, 80 or 100%"),
        model="compute.grant",
        text=_used_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=IDLE,
        label=gettext_lazy("A GPU allocation sits idle by mid-month"),
        model="compute.grant",
        text=_idle_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=RECLAIMED,
        label=gettext_lazy("Idle GPU-hours of an allocation were reclaimed"),
        model="compute.grant",
        text=_reclaimed_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=REASSIGNED,
        label=gettext_lazy("A request was granted reclaimed GPU-hours"),
        model="compute.grant",
        text=_reassigned_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
):
    kind_register(kind)


def _hours(value: float) -> str:
    return f"{value:,.0f}"


def company_members(grant: Grant) -> list[Any]:
    return organization_users({grant.company_id})


def grant_used_notify(*, grant: Grant, period: str, kind: str, percent: int) -> int:
    return notify(
        recipients=company_members(grant),
        kind=USED,
        obj=grant,
        params={"period": period, "kind": kind, "percent": percent},
    )


def grant_idle_notify(*, grant: Grant, period: str, used: float, prorated: float) -> int:
    return notify(
        recipients=company_members(grant),
        kind=IDLE,
        obj=grant,
        params={"period": period, "used": _hours(used), "prorated": _hours(prorated)},
    )


def grant_reclaimed_notify(
    *, grant: Grant, pool: str, period: str, hours: float, reason: str, actor: Any
) -> int:
    return notify(
        recipients=company_members(grant),
        kind=RECLAIMED,
        obj=grant,
        params={"pool": pool, "period": period, "hours": _hours(hours), "reason": reason},
        actor=actor,
    )


def grant_reassigned_notify(
    *, grant: Grant, pool: str, period: str, hours: float, actor: Any
) -> int:
    return notify(
        recipients=company_members(grant),
        kind=REASSIGNED,
        obj=grant,
        params={"pool": pool, "period": period, "hours": _hours(hours)},
        actor=actor,
    )
