"""Demo data of the usage ledger: this month's jobs of the decided demo round's grants, as the
data centre's Slurm reported them (one job per grant, pool and day so far, each ended before the
demo is loaded), the GPU agent's measurements of the first grant's jobs (SM-weighted GPU-hours
and energy), and two jobs of an account that matches no grant, for staff to assign. Written
through `usage_ingest`, as the sacct and agent ingestions write; job ids are fixed, so loading
again adds nothing.

Each grant uses its share at its own pace (`PACE`): one little, so that its burn-down shows the
idle warning; one at its share; one above it.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.compute.enums import RoundState, UsageSource
from bitgoeul.compute.models import GrantPart, Round, UsageEntry
from bitgoeul.compute.periods import period_bounds, period_hours, period_of
from bitgoeul.compute.services.usage import UsageIn, usage_ingest
from bitgoeul.core.demo import demo_loader

CLUSTER = "gwangju-aidc"
PACE = [0.35, 1.0, 1.25]  # share of the pro-rated GPU-hours each grant uses, in turn
UNMATCHED = "lab-gist-vision"


@demo_loader("compute_usage")
def load_usage(_rng: random.Random) -> str:
    rnd = Round.objects.filter(state=RoundState.APPROVED).order_by("pk").first()
    operator = User.objects.filter(email="operator@bitgoeul.kr").first()
    if rnd is None or operator is None:
        return "no decided round or no operator: nothing to do"
    now = timezone.now()
    month = period_of(now)
    start, _end = period_bounds(month)
    days = (now - start).days  # whole days of this month so far
    if days < 1:
        return "the month has just begun: no finished day of use yet"
    parts = list(
        GrantPart.objects.filter(grant__round=rnd, period=month)
        .select_related("grant", "pool")
        .order_by("grant_id", "pool__model")
    )
    slurm: list[UsageIn] = []
    agent: list[UsageIn] = []
    grant_ids = sorted({part.grant_id for part in parts})
    for part in parts:
        if not part.grant.account:
            continue
        pace = PACE[grant_ids.index(part.grant_id) % len(PACE)]
        per_day = part.gpu_hours / (period_hours(month) / 24) * pace
        for day in range(days):
            job = f"demo-{part.grant_id}-{part.pool.model}-{day + 1:02d}"
            # drawn from the job's own seed: a job loaded again is reported the same
            draw = random.Random(job)  # nosec B311  # demo figures, not a secret
            gpu_hours = per_day * draw.uniform(0.6, 1.4)
            # up to 16 hours, from a start before 06:00: every job ended within its day
            gpus = max(1, math.ceil(gpu_hours / 16))
            began = start + dt.timedelta(days=day, hours=draw.randint(0, 6))
            seconds = round(gpu_hours * 3600 / gpus) * gpus
            ended = began + dt.timedelta(seconds=seconds / gpus)
            slurm.append(
                UsageIn(
                    job=job,
                    account=part.grant.account,
                    model=part.pool.model,
                    started_at=began,
                    ended_at=ended,
                    gpu_seconds=float(seconds),
                    state="COMPLETED",
                    user="demo",
                )
            )
            if part.grant_id == grant_ids[0]:  # the agent runs on this grant's nodes
                agent.append(
                    UsageIn(
                        job=f"gpu-node-{day % 8 + 1:02d}:{job}",
                        account=part.grant.account,
                        model=part.pool.model,
                        started_at=began,
                        ended_at=ended,
                        gpu_seconds=float(seconds) * 0.97,
                        sm_gpu_seconds=float(seconds) * draw.uniform(0.55, 0.8),
                        energy_wh=float(seconds) / 3600 * draw.uniform(280, 420),
                        state="COMPLETED",
                    )
                )
    for n in range(2):
        began = start + dt.timedelta(days=min(n, days - 1), hours=10)
        slurm.append(
            UsageIn(
                job=f"demo-{UNMATCHED}-{n + 1}",
                account=UNMATCHED,
                model="a100",
                started_at=began,
                ended_at=began + dt.timedelta(hours=3),
                gpu_seconds=2 * 3 * 3600.0,
                state="COMPLETED",
                user="park",
            )
        )
    written = 0
    for source, entries in ((UsageSource.SACCT, slurm), (UsageSource.AGENT, agent)):
        known = set(
            UsageEntry.objects.filter(
                source=source, cluster=CLUSTER, job__in=[e.job for e in entries]
            ).values_list("job", flat=True)
        )
        fresh = [entry for entry in entries if entry.job not in known]
        if fresh:  # a day already loaded is not ingested (nor audited) again
            written += usage_ingest(
                source=source, cluster=CLUSTER, entries=fresh, actor=operator
            ).lines
    return f"{written} usage lines" if written else "usage lines already there"
