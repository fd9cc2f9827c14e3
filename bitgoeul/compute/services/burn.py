"""Writes of the burn area: burn-down notices, reclaims of idle GPU-hours, and the grants that
reclaimed GPU-hours make for requests that wait (docs/compute.md, "Burn-down, notices and
reclaim").

- Notices: once per grant, period and kind (`GrantNotice`'s unique constraint). When a grant
  crosses several thresholds between two runs (40% → 85%), every crossed kind is recorded but
  the company is told once, of the highest.
- Idle: from mid-period, a grant whose use is below `COMPUTE_IDLE_SHARE` of its pro-rated
  GPU-hours at mid-period (half its net grant) is warned (kind IDLE) and appears in staff's
  idle grants list.
- Reclaim: only of a warned grant's part in the current period, at most
  `reclaimable_gpu_hours` (net − used − `COMPUTE_RECLAIM_MARGIN` × granted), under a row lock on
  the part. The freed GPU-hours go, in the engine's order (weight, highest first; ties: the
  earliest submitted), to rolling requests that wait and to the declined requests of the
  grant's round that accept the part's pool and period, each up to what it could use there
  (its GPUs × the period's hours, at most its demand) if that reaches its minimum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.compute import notification_kinds_burn as notices
from bitgoeul.compute.enums import GrantState, NoticeKind, RequestState
from bitgoeul.compute.models import ComputeRequest, Grant, GrantNotice, GrantPart, Reclaim
from bitgoeul.compute.periods import period_hours, period_of
from bitgoeul.compute.selectors_burn import (
    is_idle,
    mid_period_share,
    part_used_gpu_hours,
    period_use,
    reclaimable_gpu_hours,
    was_warned_idle,
)
from bitgoeul.compute.services.requests import request_grant_reclaimed

# (share of the net GPU-hours used, notice kind), lowest first
THRESHOLDS = ((0.5, NoticeKind.USED_50), (0.8, NoticeKind.USED_80), (1.0, NoticeKind.USED_100))
RECLAIM_REASON = "reclaim"  # Grant.reason of a grant made from reclaimed GPU-hours


class ReclaimRefused(Exception):
    """The reclaim cannot be made; the message says why, for the person who asked."""


@dataclass(frozen=True)
class NoticeRun:
    used: int  # notices of use (50/80/100%) recorded
    idle: int  # idle warnings recorded
    notified: int  # in-app notices written


def _record_notice(grant: Grant, period: str, kind: str, now: dt.datetime) -> bool:
    """Record the notice unless one exists; False when it was already sent."""
    _notice, created = GrantNotice.objects.get_or_create(
        grant=grant, period=period, kind=kind, defaults={"sent_at": now}
    )
    return created


@transaction.atomic
def grant_notices_send(*, now: dt.datetime | None = None) -> NoticeRun:
    """Send the burn-down notices due in the current period (`bitgoeul compute notices`, run
    by cron). Running it again sends nothing new."""
    now = now or timezone.now()
    period = period_of(now)
    used_count = idle_count = notified = 0
    already = {
        (grant_id, kind)
        for grant_id, kind in GrantNotice.objects.filter(period=period).values_list(
            "grant_id", "kind"
        )
    }
    for use in period_use(period):
        grant = use.grant
        crossed = [
            kind
            for share, kind in THRESHOLDS
            if use.net > 0 and use.used >= share * use.net and (grant.pk, kind) not in already
        ]
        new = [kind for kind in crossed if _record_notice(grant, period, kind, now)]
        if new:
            used_count += len(new)
            notified += notices.grant_used_notify(
                grant=grant, period=period, kind=new[-1], percent=round(100 * use.share)
            )
        idle = (grant.pk, NoticeKind.IDLE) not in already and is_idle(use, period, now)
        if idle and _record_notice(grant, period, NoticeKind.IDLE, now):
            idle_count += 1
            notified += notices.grant_idle_notify(
                grant=grant, period=period, used=use.used, prorated=mid_period_share(use)
            )
    return NoticeRun(used=used_count, idle=idle_count, notified=notified)


# --- reclaim -----------------------------------------------------------------------------------


def _waiting_requests(part: GrantPart) -> list[ComputeRequest]:
    """The requests that may receive the part's freed GPU-hours, in the engine's order."""
    grant = part.grant
    waiting = Q(state=RequestState.WAITING, round__isnull=True)
    if grant.round_id is not None:
        waiting |= Q(state=RequestState.DECLINED, round_id=grant.round_id)
    rows = (
        ComputeRequest.objects.filter(waiting, pools=part.pool)
        .exclude(pk=grant.request_id)
        .filter(grant__isnull=True)
        .select_related("company__organization")
        .order_by(F("weight").desc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "pk")
    )
    # the months a request accepts are a JSON list: filtered here, portably for every database
    return [r for r in rows if part.period in (r.periods or [])]


def _could_use(request: ComputeRequest, period: str) -> float:
    """What the request could still use in the period: its GPUs through the whole month, at
    most the GPU-hours it asked for (it has no grant yet, so all of them remain)."""
    return min(request.demand_gpu_hours, request.gpus * float(period_hours(period)))


@transaction.atomic
def grant_create_from_reclaim(
    *,
    request: ComputeRequest,
    part: GrantPart,
    gpu_hours: float,
    actor: Any,
    now: dt.datetime | None = None,
) -> Grant | None:
    """Grant `gpu_hours` of the reclaimed part's pool and period to a waiting request (the
    requests service writes the grant and the request's state) and tell its company. None when
    the request no longer waits (another reclaim got there first)."""
    grant = request_grant_reclaimed(
        actor=actor,
        request=request,
        pool=part.pool,
        period=part.period,
        gpu_hours=gpu_hours,
        reason=RECLAIM_REASON,
        now=now,
    )
    if grant is not None:
        notices.grant_reassigned_notify(
            grant=grant, pool=part.pool.name, period=part.period, hours=gpu_hours, actor=actor
        )
    return grant


@transaction.atomic
def grant_part_reclaim(
    *,
    part: GrantPart,
    gpu_hours: float,
    reason: str,
    actor: Any,
    now: dt.datetime | None = None,
) -> Reclaim:
    """Take `gpu_hours` of idle time back from a warned grant's part in the current period and
    give them to the requests that wait. Raises `ReclaimRefused` with the reason."""
    now = now or timezone.now()
    # lock the part's row only (PostgreSQL would otherwise lock the joined pool, grant and
    # company rows too, and serialise reclaims of unrelated grants on the same pool)
    locked = (
        GrantPart.objects.select_for_update(of=("self",))
        .select_related("pool", "grant__request", "grant__company__organization")
        .get(pk=part.pk)
    )
    grant = locked.grant
    if not reason.strip():
        raise ReclaimRefused(_("Write why the GPU-hours are reclaimed."))
    if locked.period != period_of(now):
        raise ReclaimRefused(_("Only this month's part of an allocation can be reclaimed."))
    if grant.state != GrantState.ACTIVE or not was_warned_idle(grant.pk, locked.period):
        raise ReclaimRefused(_("Only an allocation warned as idle this month can be reclaimed."))
    limit = reclaimable_gpu_hours(locked, part_used_gpu_hours(locked))
    if gpu_hours <= 0 or gpu_hours > limit + 1e-9:
        raise ReclaimRefused(
            _("Enter more than 0 and at most %(hours)s GPU-hours.") % {"hours": f"{limit:,.1f}"}
        )
    before = {"reclaimed_gpu_hours": locked.reclaimed_gpu_hours}
    locked.reclaimed_gpu_hours += gpu_hours
    locked.save(update_fields=["reclaimed_gpu_hours"])
    reclaim = Reclaim.objects.create(
        part=locked, gpu_hours=gpu_hours, reason=reason.strip(), created_by=_user(actor)
    )
    free = gpu_hours
    reassigned: list[dict[str, Any]] = []
    for request in _waiting_requests(locked):
        if free <= 1e-9:
            break
        give = min(free, _could_use(request, locked.period))
        if give <= 0 or give < request.minimum_gpu_hours:
            continue
        made = grant_create_from_reclaim(
            request=request, part=locked, gpu_hours=give, actor=actor, now=now
        )
        if made is None:
            continue
        free -= give
        reassigned.append({"request": request.pk, "grant": made.pk, "gpu_hours": give})
    reclaim.reassigned = reassigned
    reclaim.save(update_fields=["reassigned"])
    audit_record(
        actor=actor,
        action="compute.reclaim",
        obj=locked,
        before=before,
        after={
            "reclaimed_gpu_hours": locked.reclaimed_gpu_hours,
            "reason": reclaim.reason,
            "reassigned": ", ".join(f"#{r['request']}" for r in reassigned),
        },
    )
    notices.grant_reclaimed_notify(
        grant=grant,
        pool=locked.pool.name,
        period=locked.period,
        hours=gpu_hours,
        reason=reclaim.reason,
        actor=actor,
    )
    return reclaim


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
