"""Reads for the scheduler exports: the plan of accounts, users and GPU quotas
(`schedulers.Plan`) built from the approved, active grants, and what a grant's page says about
using it. Five queries whatever the number of grants."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone

from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.accounts.types import Viewer
from bitgoeul.compute import access
from bitgoeul.compute.enums import GrantState, RoundState
from bitgoeul.compute.forms_sched import ClusterLoginForm
from bitgoeul.compute.models import ClusterLogin, Grant, GrantPart, Pool, Round
from bitgoeul.compute.naming import chapter_account, company_account
from bitgoeul.compute.periods import period_of
from bitgoeul.compute.schedulers import (
    GPU_RESOURCE,
    ChapterPlan,
    CompanyPlan,
    Plan,
    gpu_minutes,
    nominal_gpus,
)


def exported_grants(round_id: int | None = None) -> Any:
    """Grants the schedulers enforce: active, and decided (a rolling grant, or one of an
    approved round); of one round when `round_id` is given."""
    grants = Grant.objects.filter(state=GrantState.ACTIVE).filter(
        Q(round__isnull=True) | Q(round__state=RoundState.APPROVED)
    )
    if round_id is not None:
        grants = grants.filter(round_id=round_id)
    return grants


def scheduler_plan(
    *, round_id: int | None = None, period: str | None = None, now: dt.datetime | None = None
) -> Plan:
    """The chapters, companies, their members' cluster logins and GPU quotas of the exported
    grants. GPU-minutes add up every period of the grants, net of reclaims; `nominalQuota` is
    for `period` (default: the current month in Asia/Seoul). Prospects (no number) have no
    account and are left out."""
    period = period or period_of(now or timezone.now())
    grants = exported_grants(round_id)
    hours: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    hours_now: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    parts = GrantPart.objects.filter(grant__in=grants).values_list(
        "grant__company_id", "pool__model", "period", "gpu_hours", "reclaimed_gpu_hours"
    )
    for company_id, model, part_period, granted, reclaimed in parts:
        net = max(0.0, granted - reclaimed)
        hours[company_id][model] += net
        if part_period == period:
            hours_now[company_id][model] += net
    logins: dict[int, set[str]] = defaultdict(set)
    for org_id, login in Membership.objects.filter(
        organization_id__in=list(hours), user__is_active=True, user__cluster_login__isnull=False
    ).values_list("organization_id", "user__cluster_login__login"):
        logins[org_id].add(login)
    companies = Organization.objects.filter(pk__in=list(hours)).select_related("parent")
    by_chapter: dict[str, tuple[str, list[CompanyPlan]]] = {}
    for org in companies:
        account = company_account(org)
        if account is None:
            continue
        chapter = chapter_account(org.parent)
        chapter_name = org.parent.name if org.parent else "-"
        by_chapter.setdefault(chapter, (chapter_name, []))[1].append(
            CompanyPlan(
                account=account,
                name=org.name,
                users=tuple(sorted(logins[org.pk])),
                gpu_minutes={m: gpu_minutes(h) for m, h in sorted(hours[org.pk].items())},
                gpus={m: nominal_gpus(h, period) for m, h in sorted(hours_now[org.pk].items())},
            )
        )
    chapters = tuple(
        ChapterPlan(account, name, tuple(sorted(members, key=lambda c: c.account)))
        for account, (name, members) in sorted(by_chapter.items())
    )
    source = "all active grants"
    if round_id is not None:
        found = Round.objects.filter(pk=round_id).values_list("name", flat=True).first()
        source = f"round {round_id}: {found}"
    models = tuple(sorted(Pool.objects.values_list("model", flat=True)))
    return Plan(models=models, period=period, chapters=chapters, source=source)


def grant_howto(grant: Grant, viewer: Viewer) -> dict[str, Any] | None:
    """What the grant's page says about using it (templates/compute/schedulers/_howto.html):
    the Slurm account and example flags, the Kueue namespace and queue label, and the viewer's
    own cluster login. None when the viewer may not see the grant's account (`account` is a
    PRIVATE field of `access.REQUEST_FIELDS`): members of the company and compute staff."""
    request = grant.request
    request.company = grant.company
    if not access.REQUEST_FIELDS.shows("account", access.request_view_level(viewer, request)):
        return None
    organization = grant.company.organization
    account = company_account(organization) or grant.account
    models = sorted(
        set(
            GrantPart.objects.filter(grant=grant)
            .exclude(gpu_hours__lte=0)
            .values_list("pool__model", flat=True)
        )
    )
    model = models[0] if models else "gpu-model"
    is_member = access.can_request_for(viewer, grant.company_id)
    login = (
        ClusterLogin.objects.filter(user=viewer).values_list("login", flat=True).first()
        if is_member and isinstance(viewer, User)
        else None
    )
    return {
        "account": account,
        "chapter_account": chapter_account(organization.parent),
        "models": models,
        "sbatch": f"sbatch -A {account} --gres=gpu:{model}:2 job.sh",
        "srun": f"srun -A {account} --gres=gpu:{model}:1 --pty bash",
        "namespace": account,
        "queue_label": f"kueue.x-k8s.io/queue-name: {account}",
        "gpu_limit": f"{GPU_RESOURCE}: 1",
        "is_member": is_member,
        "login": login,
        "form": ClusterLoginForm(initial={"login": login or ""}) if is_member else None,
    }
