"""GPU requests: a company's members write a draft, submit it to an open round or as a rolling
request, and may withdraw it; staff set its priority.

Request flow (`TRANSITIONS`): DRAFT → SUBMITTED (in a round) → GRANTED / DECLINED when the round
is approved (services/rounds.py). A rolling request (no round) goes from DRAFT straight to
GRANTED when it is small (settings.COMPUTE_ROLLING), the company's rolling quota holds in each
month and its pools have capacity left; otherwise to WAITING for the next round, with the
reason code saved. DRAFT, SUBMITTED and WAITING may be WITHDRAWN. A WAITING or DECLINED
request may still be GRANTED GPU-hours reclaimed from an idle grant (`request_grant_reclaimed`).

The rolling grant locks the company row and then its pools (in id order, so two requests cannot
deadlock) before it reads what is free: two requests at once cannot oversell a pool or a quota.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.models import ComputeRequest, Grant, GrantPart, Pool, Round
from bitgoeul.compute.naming import company_account
from bitgoeul.compute.periods import is_period, period_hours
from bitgoeul.compute.selectors_rounds import (
    company_age_years,
    current_period,
    free_capacity,
)
from bitgoeul.programs.models import Award

TRANSITIONS: dict[str, set[str]] = {
    RequestState.DRAFT: {
        RequestState.SUBMITTED,
        RequestState.GRANTED,
        RequestState.WAITING,
        RequestState.WITHDRAWN,
    },
    RequestState.SUBMITTED: {RequestState.GRANTED, RequestState.DECLINED, RequestState.WITHDRAWN},
    # GPU-hours reclaimed from an idle grant go to waiting and declined requests
    # (`request_grant_reclaimed`, called by the reclaim in services/burn.py)
    RequestState.WAITING: {RequestState.GRANTED, RequestState.WITHDRAWN},
    RequestState.GRANTED: set(),
    RequestState.DECLINED: {RequestState.GRANTED},
    RequestState.WITHDRAWN: set(),
}
EDITABLE = (RequestState.DRAFT,)
FIELDS = (
    "project",
    "purpose",
    "gpus",
    "periods",
    "minimum_gpu_hours",
    "justification",
    "data_needs",
    "security_needs",
    "award_id",
)
# why a rolling request waits (ComputeRequest.reason)
TOO_LARGE = "too_large"
QUOTA = "quota"
NO_CAPACITY = "no_capacity"


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a request in state {current!r} cannot move to {wanted!r}")
        self.current, self.wanted = current, wanted


def rolling_limits() -> dict[str, int]:
    return dict(settings.COMPUTE_ROLLING)


def demand_of(gpus: int, periods: Sequence[str]) -> float:
    """GPUs × the hours of its months."""
    return float(gpus * sum(period_hours(p) for p in periods))


def _check(
    *, company: Company, rnd: Round | None, data: dict[str, Any], pools: Sequence[Pool]
) -> None:
    """Every rule a request must meet, each failure saying what to fix (by field)."""
    errors: dict[str, str] = {}
    periods = list(data["periods"])
    if not company.organization.brn:
        errors["__all__"] = _(
            "Your company needs a business registration number on its profile before it can "
            "receive GPU-hours (the scheduler account is named after it)."
        )
    if not periods or not all(is_period(p) for p in periods):
        errors["periods"] = _("Choose at least one month.")
    elif len(set(periods)) != len(periods):
        errors["periods"] = _("Choose each month once.")
    if not pools:
        errors["pools"] = _("Choose at least one GPU model.")
    if rnd is not None:
        offered = set(rnd.pools.values_list("pk", flat=True))
        if any(p.pk not in offered for p in pools):
            errors["pools"] = _("Choose only GPU models this round offers.")
        if "periods" not in errors and any(p not in rnd.periods for p in periods):
            errors["periods"] = _("Choose only months inside the round (%(months)s).") % {
                "months": ", ".join(rnd.periods)
            }
        chapters = set(rnd.eligible_chapters.values_list("pk", flat=True))
        if chapters and company.organization.parent_id not in chapters:
            errors["__all__"] = _(
                "This round is open only to companies of certain chapters, and your company's "
                "chapter is not one of them."
            )
        if rnd.max_company_age_years is not None:
            age = company_age_years(company, timezone.localdate())
            if age is None:
                errors["__all__"] = _(
                    "This round is for companies founded at most %(years)s years ago: add your "
                    "company's founding date to its profile first."
                ) % {"years": rnd.max_company_age_years}
            elif age > rnd.max_company_age_years:
                errors["__all__"] = _(
                    "This round is for companies founded at most %(years)s years ago; your "
                    "company is older."
                ) % {"years": rnd.max_company_age_years}
    else:
        if any(not p.is_active for p in pools):
            errors["pools"] = _("Choose only GPU models that are in service.")
        if "periods" not in errors and min(periods) < current_period():
            errors["periods"] = _("Choose this month or later months.")
    if "periods" not in errors:
        demand = demand_of(data["gpus"], periods)
        if data["minimum_gpu_hours"] < 0:
            errors["minimum_gpu_hours"] = _("The minimum cannot be negative.")
        elif data["minimum_gpu_hours"] > demand:
            errors["minimum_gpu_hours"] = _(
                "The minimum cannot exceed what you request (%(demand)s GPU-hours): lower it, or "
                "ask for more GPUs or months."
            ) % {"demand": f"{demand:,.0f}"}
    award_id = data.get("award_id")
    if award_id and not Award.objects.filter(pk=award_id, application__company=company).exists():
        errors["award"] = _("Link only one of your company's own programme awards.")
    if errors:
        raise ValidationError(errors)


def _window_check(rnd: Round) -> None:
    now = timezone.now()
    if rnd.state != RoundState.OPEN:
        raise ValidationError(_("This round does not take requests now."))
    if rnd.opens_at and now < rnd.opens_at:
        raise ValidationError(
            _("This round takes requests from %(date)s.")
            % {"date": timezone.localtime(rnd.opens_at).strftime("%Y-%m-%d %H:%M")}
        )
    if rnd.closes_at and now >= rnd.closes_at:
        raise ValidationError(
            _("This round stopped taking requests on %(date)s.")
            % {"date": timezone.localtime(rnd.closes_at).strftime("%Y-%m-%d %H:%M")}
        )


def _values(request: ComputeRequest) -> dict[str, Any]:
    values = {name: getattr(request, name) for name in FIELDS}
    values["pools"] = sorted(request.pools.values_list("model", flat=True))
    values["round"] = request.round_id
    return values


def _set_state(request: ComputeRequest, state: str) -> str:
    before = request.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    request.state = state
    return before


def _locked(request: ComputeRequest) -> ComputeRequest:
    return (
        ComputeRequest.objects.select_for_update(of=("self",))
        .select_related("company__organization", "round")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_create(
    *,
    actor: Any,
    company: Company,
    rnd: Round | None,
    data: dict[str, Any],
    pools: Sequence[Pool],
) -> ComputeRequest:
    """A draft request of `company` in `rnd` (None: rolling); `data` holds `FIELDS`."""
    _check(company=company, rnd=rnd, data=data, pools=pools)
    request = ComputeRequest(
        company=company,
        round=rnd,
        submitted_by=actor,
        demand_gpu_hours=demand_of(data["gpus"], data["periods"]),
        **data,
    )
    request.save()
    request.pools.set(pools)
    audit_record(actor=actor, action="compute.request_create", obj=request, after=_values(request))
    return request


@transaction.atomic
def request_update(
    *, actor: Any, request: ComputeRequest, data: dict[str, Any], pools: Sequence[Pool]
) -> ComputeRequest:
    """Change a draft; the audit lists only what changed."""
    request = _locked(request)
    if request.state not in EDITABLE:
        raise ValidationError(_("Only a draft can be changed."))
    _check(company=request.company, rnd=request.round, data=data, pools=pools)
    before = _values(request)
    for name, value in data.items():
        setattr(request, name, value)
    request.demand_gpu_hours = demand_of(request.gpus, request.periods)
    request.save()
    request.pools.set(pools)
    after = _values(request)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=actor,
            action="compute.request_update",
            obj=request,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return request


@transaction.atomic
def request_submit(*, actor: Any, request: ComputeRequest) -> ComputeRequest:
    """Submit a draft: to its round (window open, rules met), or as a rolling request, which is
    granted at once or left WAITING with its reason (`reason`)."""
    request = _locked(request)
    pools = list(request.pools.all())
    data = {name: getattr(request, name) for name in FIELDS}
    _check(company=request.company, rnd=request.round, data=data, pools=pools)
    if request.round is not None:
        _window_check(request.round)
        before = _set_state(request, RequestState.SUBMITTED)
    else:
        return _rolling(actor, request, pools)
    request.submitted_at = timezone.now()
    request.submitted_by = actor
    request.save(update_fields=["state", "submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="compute.request_submit",
        obj=request,
        before={"state": before},
        after={"state": request.state},
    )
    return request


def _rolling(actor: Any, request: ComputeRequest, pools: list[Pool]) -> ComputeRequest:
    """Grant a small rolling request within the quota and free capacity, else make it wait."""
    limits = rolling_limits()
    reason = ""
    parts: list[tuple[Pool, str, float]] = []
    if request.gpus > limits["max_gpus"] or len(request.periods) > limits["max_months"]:
        reason = TOO_LARGE
    else:
        # lock order: the company, then its pools by id (every rolling grant takes them so)
        Company.objects.select_for_update(of=("self",)).filter(pk=request.company_id).first()
        pools = list(
            Pool.objects.select_for_update(of=("self",)).filter(pk__in=[p.pk for p in pools])
        )
        pools.sort(key=lambda p: p.pk)
        free = free_capacity(pools, list(request.periods))
        used = _rolling_used(request.company_id, list(request.periods))
        for period in sorted(request.periods):
            need = float(request.gpus * period_hours(period))
            if used.get(period, 0.0) + need > limits["quota_gpu_hours_per_period"]:
                reason = QUOTA
                break
            # the whole month from one pool, the first acceptable one with room for it
            pool = next((p for p in pools if free.get((p.pk, period), 0.0) >= need), None)
            if pool is None:
                reason = NO_CAPACITY
                break
            parts.append((pool, period, need))
    now = timezone.now()
    state = RequestState.WAITING if reason else RequestState.GRANTED
    before = _set_state(request, state)
    request.reason = reason
    request.submitted_at = now
    request.submitted_by = actor
    if not reason:
        request.decided_at = now
    request.save(update_fields=["state", "reason", "submitted_at", "submitted_by", "decided_at"])
    after: dict[str, Any] = {"state": state, "reason": reason}
    if not reason:
        grant = Grant.objects.create(
            request=request,
            company_id=request.company_id,
            gpu_hours=sum(h for _, _, h in parts),
            reason="full",
            account=company_account(request.company.organization) or "",
        )
        GrantPart.objects.bulk_create(
            GrantPart(grant=grant, pool=pool, period=period, gpu_hours=hours)
            for pool, period, hours in parts
        )
        after["grant"] = grant.pk
        after["parts"] = [[p.model, period, hours] for p, period, hours in parts]
    audit_record(
        actor=actor,
        action="compute.request_rolling",
        obj=request,
        before={"state": before},
        after=after,
    )
    return request


@transaction.atomic
def request_grant_reclaimed(
    *,
    actor: Any,
    request: ComputeRequest,
    pool: Pool,
    period: str,
    gpu_hours: float,
    reason: str,
    now: dt.datetime | None = None,
) -> Grant | None:
    """Grant a waiting or declined request `gpu_hours` of one pool and period reclaimed from an
    idle grant: a new Grant and GrantPart, the request GRANTED. Under a row lock on the request;
    None when it can no longer take them (another reclaim got there first, or it was withdrawn)."""
    now = now or timezone.now()
    locked = ComputeRequest.objects.select_for_update(of=("self",)).filter(pk=request.pk).first()
    if (
        locked is None
        or locked.state not in (RequestState.WAITING, RequestState.DECLINED)
        or Grant.objects.filter(request_id=locked.pk).exists()
    ):
        return None
    grant = Grant.objects.create(
        request=locked,
        company_id=locked.company_id,
        round_id=locked.round_id,
        gpu_hours=gpu_hours,
        reason=reason,
        account=company_account(request.company.organization) or "",
        created_at=now,
    )
    GrantPart.objects.create(grant=grant, pool=pool, period=period, gpu_hours=gpu_hours)
    before = _set_state(locked, RequestState.GRANTED)
    locked.decided_at = now
    locked.save(update_fields=["state", "decided_at"])
    audit_record(
        actor=actor,
        action="compute.grant_from_reclaim",
        obj=locked,
        before={"state": before},
        after={"state": locked.state, "grant": grant.pk, "gpu_hours": round(gpu_hours, 1)},
    )
    grant.request = locked
    grant.company = request.company
    return grant


def _rolling_used(company_id: int, periods: list[str]) -> dict[str, float]:
    """The company's rolling grants (no round), net, per period."""
    rows = (
        GrantPart.objects.filter(
            grant__company_id=company_id, grant__round__isnull=True, period__in=periods
        )
        .values("period")
        .annotate(net=Sum(F("gpu_hours") - F("reclaimed_gpu_hours")))
    )
    return {row["period"]: float(row["net"] or 0.0) for row in rows}


@transaction.atomic
def request_withdraw(*, actor: Any, request: ComputeRequest) -> ComputeRequest:
    request = _locked(request)
    before = _set_state(request, RequestState.WITHDRAWN)
    request.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="compute.request_withdraw",
        obj=request,
        before={"state": before},
        after={"state": request.state},
    )
    return request


@transaction.atomic
def request_set_priority(*, actor: Any, request: ComputeRequest, priority: int) -> ComputeRequest:
    """Staff priority (0–10), one term of the weight; fixed once the request is decided."""
    if not 0 <= priority <= 10:
        raise ValidationError({"staff_priority": _("Give a priority from 0 to 10.")})
    request = _locked(request)
    if request.state not in (RequestState.SUBMITTED, RequestState.WAITING):
        raise ValidationError(_("Priority can be set only on a submitted or waiting request."))
    before = request.staff_priority
    if before == priority:
        return request
    request.staff_priority = priority
    request.save(update_fields=["staff_priority"])
    audit_record(
        actor=actor,
        action="compute.request_priority",
        obj=request,
        before={"staff_priority": before},
        after={"staff_priority": priority},
    )
    return request
