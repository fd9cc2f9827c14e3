"""Seeded instances for the solver benchmark (and the real trace in ../shared/data when present)."""

from __future__ import annotations

import csv
import itertools
import math
import random
from collections import defaultdict
from pathlib import Path

from bitgoeul.optimize.allocation.problem import AllocationPolicy, AllocationProblem, Pool, Request
from bitgoeul.optimize.assignment.problem import (
    Affinity,
    Application,
    AssignmentPolicy,
    AssignmentProblem,
    Conflict,
    Reviewer,
)
from bitgoeul.optimize.selection.problem import (
    Candidate,
    Lottery,
    SelectionPolicy,
    SelectionProblem,
)

CHAPTERS = ["광주전남", "경남", "대구경북", "부산", "전북", "울산", "제주"]
# GPUs of the National AI Data Center (public reports) and three more models for wider rounds.
GPU_COUNTS = {"H100": 880, "A100": 796, "T4": 384, "L40S": 256, "A10": 320, "V100": 192}
HOURS_PER_PERIOD = 720


def allocation_instance(
    requests: int,
    pools: int,
    periods: int,
    *,
    seed: int,
    oversubscription: float = 2.69,
    policy: AllocationPolicy = AllocationPolicy.PRIORITY,
) -> AllocationProblem:
    """A round like the data center's: GPUs × 720 h per month, demand 2.69× the capacity.

    Requests ask for one pool (60%), two (25%) or any (15%), for 1–4 consecutive months; weights are
    review scores 40–100 (one decimal); half have a minimum of 25–50% of the demand; companies
    have 1–8 requests, each capped at three times the average company's share of the round;
    every request belongs to one of the seven chapters, 30% are startups and 10% are newcomers
    (scored 20 points lower); floors: 3% for two chapters, 10% for startups, 5% for newcomers.
    """
    rng = random.Random(seed)
    names = list(GPU_COUNTS)[:pools]
    months = [f"2026-{m + 1:02d}" if m < 12 else f"2027-{m - 11:02d}" for m in range(periods)]
    pool_list = tuple(
        Pool(id=name, capacity={m: float(GPU_COUNTS[name] * HOURS_PER_PERIOD) for m in months})
        for name in names
    )
    capacity = sum(GPU_COUNTS[name] for name in names) * HOURS_PER_PERIOD * periods
    raw = [rng.lognormvariate(0.0, 1.0) for _ in range(requests)]
    scale = oversubscription * capacity / sum(raw)
    out = []
    company = 0
    left_in_company = 0
    for i in range(requests):
        if left_in_company == 0:
            company += 1
            left_in_company = rng.randint(1, 8)
        left_in_company -= 1
        demand = float(max(1, round(raw[i] * scale)))
        kind = rng.random()
        if kind < 0.6 or pools == 1:
            chosen = [rng.choice(names)]
        elif kind < 0.85:
            chosen = rng.sample(names, 2)
        else:
            chosen = list(names)
        length = min(rng.randint(1, 4), periods)
        start = rng.randint(0, periods - length)
        minimum = float(round(demand * rng.uniform(0.25, 0.5))) if rng.random() < 0.5 else 0.0
        groups = [f"chapter:{rng.choice(CHAPTERS)}"]
        if rng.random() < 0.3:
            groups.append("startup")
        weight = round(rng.uniform(40, 100), 1)
        if rng.random() < 0.1:
            groups.append("newcomer")
            weight = round(weight - 20, 1)
        out.append(
            Request(
                id=f"R-{i + 1:05d}",
                company=f"C-{company:04d}",
                weight=weight,
                demand=demand,
                minimum=minimum,
                pools=tuple(chosen),
                periods=tuple(months[start : start + length]),
                groups=tuple(groups),
            )
        )
    return AllocationProblem(
        policy=policy,
        periods=tuple(months),
        pools=pool_list,
        requests=tuple(out),
        company_cap=round(3 / company, 6),
        group_floors={
            "chapter:부산": 0.03,
            "chapter:제주": 0.03,
            "startup": 0.10,
            "newcomer": 0.05,
        },
    )


def assignment_instance(
    applications: int,
    reviewers: int,
    *,
    seed: int,
    reviews: int = 3,
    candidates: int = 50,
    conflict_rate: float = 0.02,
    slack: float = 1.1,
    policy: AssignmentPolicy = AssignmentPolicy.TOTAL,
) -> AssignmentProblem:
    """Applications and reviewers in 20 topics; each application lists `candidates` reviewers, 80%
    from its own topic, drawn in proportion to a Zipf-like popularity (popular experts are wanted
    by many, and score higher); scores are `0.4·topic match + 0.4·expertise + 0.2·uniform`
    rounded to 3 decimals, where expertise grows with popularity. Loads: max `slack`× the average
    need, min 0. Conflicts: `conflict_rate` of the candidate pairs, half as listed pairs and half
    because the reviewer names the application's company.
    """
    rng = random.Random(seed)
    topics = 20
    rev_topic = [rng.randrange(topics) for _ in range(reviewers)]
    popularity = [1.0 / (1 + rng.random() * 9) ** 1.2 for _ in range(reviewers)]
    top = max(popularity)
    expertise = [(p / top) ** 0.5 for p in popularity]
    by_topic: dict[int, list[int]] = defaultdict(list)
    for v, topic in enumerate(rev_topic):
        by_topic[topic].append(v)
    everyone = list(range(reviewers))
    cumulative = {
        key: list(itertools.accumulate(popularity[v] for v in members))
        for key, members in [*by_topic.items(), (-1, everyone)]
    }
    companies = max(1, applications // 3)
    apps = []
    affinity = []
    conflicts = []
    company_conflicts: dict[int, set[str]] = defaultdict(set)
    for a in range(applications):
        topic = rng.randrange(topics)
        company = f"C-{rng.randrange(companies):05d}"
        apps.append(Application(id=f"A-{a + 1:05d}", company=company))
        own = by_topic[topic]
        chosen: set[int] = set()
        while len(chosen) < min(candidates, reviewers):
            key = topic if own and rng.random() < 0.8 else -1
            pool = own if key >= 0 else everyone
            v = rng.choices(pool, cum_weights=cumulative[key])[0]
            chosen.add(v)
        for v in sorted(chosen):
            match = 1.0 if rev_topic[v] == topic else 0.0
            score = round(0.4 * match + 0.4 * expertise[v] + 0.2 * rng.random(), 3)
            roll = rng.random()
            if roll < conflict_rate / 2:
                conflicts.append(Conflict(application=apps[-1].id, reviewer=f"V-{v + 1:04d}"))
            elif roll < conflict_rate:
                company_conflicts[v].add(company)
            affinity.append(
                Affinity(application=apps[-1].id, reviewer=f"V-{v + 1:04d}", score=score)
            )
    load = math.ceil(slack * applications * reviews / reviewers)
    revs = tuple(
        Reviewer(
            id=f"V-{v + 1:04d}",
            max_load=load,
            min_load=0,
            conflicts=tuple(sorted(company_conflicts[v])),
        )
        for v in range(reviewers)
    )
    return AssignmentProblem(
        policy=policy,
        reviews_per_application=reviews,
        applications=tuple(apps),
        reviewers=revs,
        affinity=tuple(affinity),
        conflicts=tuple(conflicts),
    )


def selection_instance(
    applications: int,
    *,
    seed: int,
    policy: SelectionPolicy = SelectionPolicy.OPTIMAL,
    oversubscription: float = 2.69,
) -> SelectionProblem:
    """Applications scored 50–95 (one decimal), asking 20–300 million KRW (whole millions); the
    budget funds about 1/oversubscription of the asked total. Groups: region (Gwangju 40%, the
    other chapters' regions 60%, `region:outside`), 25% `stage:early`, 10% `first-time`; floors:
    30% for outside regions, 20% for early stage, 8% for first-time applicants; lottery band 1.0.
    """
    rng = random.Random(seed)
    out = []
    for i in range(applications):
        groups = ["region:gwangju" if rng.random() < 0.4 else "region:outside"]
        score = round(rng.uniform(50, 95), 1)
        if rng.random() < 0.25:
            groups.append("stage:early")
            score = round(score - 5, 1)
        if rng.random() < 0.1:
            groups.append("first-time")
            score = round(score - 8, 1)
        amount = rng.randint(20, 300) * 1_000_000
        out.append(Candidate(id=f"A-{i + 1:05d}", score=score, amount=amount, groups=tuple(groups)))
    budget = int(sum(c.amount for c in out) / oversubscription) // 1_000_000 * 1_000_000
    return SelectionProblem(
        policy=policy,
        budget=budget,
        applications=tuple(out),
        group_floors={"region:outside": 0.3, "stage:early": 0.2, "first-time": 0.08},
        lottery=Lottery(band=1.0, seed=seed),
    )


def dense_assignment_instance(
    applications: int, reviewers: int, *, seed: int, reviews: int = 3, slack: float = 1.2
) -> AssignmentProblem:
    """Every pair listed (like a conference's full affinity matrix): a score of
    `0.6·topic match + 0.4·uniform` over 8 topics, rounded to 3 decimals; no conflicts."""
    rng = random.Random(seed)
    app_topic = [rng.randrange(8) for _ in range(applications)]
    rev_topic = [rng.randrange(8) for _ in range(reviewers)]
    affinity = tuple(
        Affinity(
            application=f"A-{a + 1:04d}",
            reviewer=f"V-{v + 1:04d}",
            score=round(0.6 * (app_topic[a] == rev_topic[v]) + 0.4 * rng.random(), 3),
        )
        for a in range(applications)
        for v in range(reviewers)
    )
    load = math.ceil(slack * applications * reviews / reviewers)
    return AssignmentProblem(
        policy=AssignmentPolicy.FAIR,
        reviews_per_application=reviews,
        applications=tuple(
            Application(id=f"A-{a + 1:04d}", company=f"C-{a + 1:04d}") for a in range(applications)
        ),
        reviewers=tuple(Reviewer(id=f"V-{v + 1:04d}", max_load=load) for v in range(reviewers)),
        affinity=affinity,
    )


TRACE_PODS = "openb_pod_list_gpuspec33.csv"
TRACE_NODES = "openb_node_list_gpu_node.csv"
PERIOD_SECONDS = 30 * 24 * 3600


def trace_round(
    data: Path,
    *,
    seed: int,
    oversubscription: float = 2.69,
    policy: AllocationPolicy = AllocationPolicy.PRIORITY,
) -> AllocationProblem | None:
    """An allocation round built from the Alibaba GPU trace in `data` (None if it is missing).

    Pools: one per GPU model of the node list. Periods: the trace's 149 days cut into 30-day
    periods. Requests: the tasks that use GPUs, asking `num_gpu × gpu_milli/1000 × lifetime`
    GPU-hours (lifetime = deletion − creation), eligible for the models in `gpu_spec` (any when
    empty) in the periods their lifetime spans. The trace's tasks use a small part of the cluster,
    so each pool's capacity (GPUs × hours of the period) is scaled by one common factor that makes
    the round `oversubscription`× oversubscribed; the split between models and periods is real.
    Drawn with `seed` (not in the trace): companies (1–20 tasks each), weights by QoS class
    (LS/Guaranteed 60–100, Burstable 50–90, BE 30–70), a minimum of half the demand for 30% of the
    tasks, a chapter for each task and 30% startups; a company cap of three average shares and a 3%
    floor for two chapters.
    """
    pods_file, nodes_file = data / TRACE_PODS, data / TRACE_NODES
    if not pods_file.exists() or not nodes_file.exists():
        return None
    rng = random.Random(seed)
    gpus: dict[str, int] = defaultdict(int)
    with nodes_file.open(newline="") as f:
        for row in csv.DictReader(f):
            gpus[row["model"]] += int(row["gpu"])
    with pods_file.open(newline="") as f:
        pods = [row for row in csv.DictReader(f) if int(row["num_gpu"]) > 0]
    pods.sort(key=lambda row: (int(row["creation_time"]), row["name"]))
    end = max(int(row["deletion_time"]) for row in pods)
    n_periods = math.ceil(end / PERIOD_SECONDS)
    periods = tuple(f"day{p * 30 + 1:03d}-{(p + 1) * 30:03d}" for p in range(n_periods))
    models = sorted(gpus)
    requests = []
    company, left_in_company = 0, 0
    weights = {"LS": (60, 100), "Guaranteed": (60, 100), "Burstable": (50, 90), "BE": (30, 70)}
    for row in pods:
        if left_in_company == 0:
            company += 1
            left_in_company = rng.randint(1, 20)
        left_in_company -= 1
        start, stop = int(row["creation_time"]), int(row["deletion_time"])
        demand = int(row["num_gpu"]) * int(row["gpu_milli"]) / 1000 * (stop - start) / 3600
        spec = [m for m in row["gpu_spec"].split("|") if m] or models
        first, last = start // PERIOD_SECONDS, max(start, stop - 1) // PERIOD_SECONDS
        low, high = weights.get(row["qos"], (30, 70))
        groups = [f"chapter:{rng.choice(CHAPTERS)}"]
        if rng.random() < 0.3:
            groups.append("startup")
        requests.append(
            Request(
                id=row["name"],
                company=f"C-{company:04d}",
                weight=round(rng.uniform(low, high), 1),
                demand=round(demand, 3),
                minimum=round(demand / 2, 3) if rng.random() < 0.3 else 0.0,
                pools=tuple(m for m in models if m in spec),
                periods=periods[first : last + 1],
                groups=tuple(groups),
            )
        )
    total_demand = sum(r.demand for r in requests)
    hours = {p: min(PERIOD_SECONDS, end - i * PERIOD_SECONDS) / 3600 for i, p in enumerate(periods)}
    full = sum(gpus[m] * h for m in models for h in hours.values())
    scale = total_demand / oversubscription / full
    pools = tuple(
        Pool(id=m, capacity={p: round(gpus[m] * h * scale, 3) for p, h in hours.items()})
        for m in models
    )
    return AllocationProblem(
        policy=policy,
        periods=periods,
        pools=pools,
        requests=tuple(requests),
        company_cap=round(3 / company, 6),
        group_floors={"chapter:부산": 0.03, "chapter:제주": 0.03},
    )


PRODUCTION_POOLS = {"A100": 796, "H100": 880}
WEEK_HOURS = 168.0
# The trace's task shapes when its file is absent: GPUs per task and GPU share (gpu_milli) with
# their frequencies in openb_pod_list_gpuspec33.csv, and a log-normal fitted to its lifetimes
# (median 0.15 h, 90th percentile 1.7 h, 99th 32 h).
FALLBACK_GPUS = {1: 6989, 2: 16, 4: 15, 8: 44}
FALLBACK_MILLI = {1000: 3986, 810: 1078, 470: 750, 320: 328, 650: 253, 230: 140, 460: 128}
FALLBACK_QOS = {"LS": 4011, "BE": 2948, "Burstable": 99, "Guaranteed": 6}


def _trace_shapes(data: Path | None) -> list[tuple[int, int, float, str, bool]] | None:
    """(GPUs, gpu_milli, lifetime in hours, QoS, has a GPU-model constraint) of every GPU task of
    the trace, or None when its file is absent."""
    pods_file = None if data is None else data / TRACE_PODS
    if pods_file is None or not pods_file.exists():
        return None
    with pods_file.open(newline="") as f:
        return [
            (
                int(row["num_gpu"]),
                int(row["gpu_milli"]),
                (int(row["deletion_time"]) - int(row["creation_time"])) / 3600,
                row["qos"],
                bool(row["gpu_spec"]),
            )
            for row in csv.DictReader(f)
            if int(row["num_gpu"]) > 0
        ]


def production_trace_round(
    *,
    seed: int,
    data: Path | None = None,
    requests: int = 19_000,
    tenants: int = 15,
    weeks: int = 17,
    oversubscription: float = 2.7,
    policy: AllocationPolicy = AllocationPolicy.PRIORITY,
) -> AllocationProblem:
    """A round shaped like a production trace: many small GPU tasks of a few tenants, by the week.

    - Periods: `weeks` ISO weeks `2026-W01`…; pools: A100 (796 GPUs) and H100 (880 GPUs), each
      week's capacity GPUs × 168 h scaled by one common factor so that the total demand is
      `oversubscription` × the total capacity.
    - Task shape: each request draws a task of the Alibaba openb trace (`data/TRACE_PODS` when
      present, with replacement; otherwise GPUs, GPU share and QoS from the trace's frequencies
      and a log-normal lifetime fitted to it, median 0.15 h, σ 1.9): demand =
      `num_gpu × gpu_milli/1000 × lifetime` GPU-hours, the lifetime at least one minute and at
      most the hours of the weeks it may run in, rounded to 0.01 (at least 0.01).
    - Weeks: 85% of the requests may run in one week only, 15% in 2–4 consecutive weeks (start
      uniform). Pools: a task with a GPU-model constraint in the trace (about a third; with the
      fallback, a third at random) asks one pool at random, the others either.
    - Every request has a minimum: 30% all-or-nothing (minimum = demand), the others
      25–100% of the demand (uniform, rounded to 0.01).
    - Tenants: `tenants` companies `T-01`… of Zipf sizes (a request's tenant is drawn with
      probability ∝ 1/rank, so the largest has about 30% of the requests and the three largest
      ask more than the cap); `company_cap` 0.30 of the round.
    - Weights by the task's QoS class: LS and Guaranteed 60–100, Burstable 50–90, BE 30–70
      (uniform, one decimal).
    - Two group floors over tenants: `startup` (ranks 9–15) 15% and `chapter:광주전남` (ranks
      4, 6, 10 and 13) 12% of the round.
    """
    rng = random.Random(seed)
    shapes = _trace_shapes(data)
    periods = tuple(f"2026-W{w + 1:02d}" for w in range(weeks))
    names = [f"T-{t + 1:02d}" for t in range(tenants)]
    zipf = [1 / (t + 1) for t in range(tenants)]
    groups_of = {
        name: tuple(
            group
            for group, ranks in (("chapter:광주전남", {4, 6, 10, 13}), ("startup", range(9, 16)))
            if t + 1 in ranks
        )
        for t, name in enumerate(names)
    }
    qos_ranges = {"LS": (60, 100), "Guaranteed": (60, 100), "Burstable": (50, 90), "BE": (30, 70)}
    pools = list(PRODUCTION_POOLS)
    out = []
    for i in range(requests):
        if shapes is not None:
            gpus, milli, hours, qos, constrained = rng.choice(shapes)
        else:
            gpus = rng.choices(list(FALLBACK_GPUS), weights=list(FALLBACK_GPUS.values()))[0]
            milli = rng.choices(list(FALLBACK_MILLI), weights=list(FALLBACK_MILLI.values()))[0]
            hours = rng.lognormvariate(math.log(0.15), 1.9)
            qos = rng.choices(list(FALLBACK_QOS), weights=list(FALLBACK_QOS.values()))[0]
            constrained = rng.random() < 1 / 3
        span = 1 if rng.random() < 0.85 else rng.randint(2, 4)
        start = rng.randrange(weeks - span + 1)
        hours = min(max(hours, 1 / 60), WEEK_HOURS * span)
        demand = max(0.01, round(gpus * milli / 1000 * hours, 2))
        minimum = (
            demand if rng.random() < 0.3 else max(0.01, round(demand * rng.uniform(0.25, 1.0), 2))
        )
        tenant = rng.choices(names, weights=zipf)[0]
        chosen = (rng.choice(pools),) if constrained else tuple(pools)
        low, high = qos_ranges.get(qos, (30, 70))
        out.append(
            Request(
                id=f"J-{i + 1:05d}",
                company=tenant,
                weight=round(rng.uniform(low, high), 1),
                demand=demand,
                minimum=min(minimum, demand),
                pools=chosen,
                periods=periods[start : start + span],
                groups=groups_of[tenant],
            )
        )
    total_demand = sum(r.demand for r in out)
    gpus_total = sum(PRODUCTION_POOLS.values())
    per_gpu_week = total_demand / oversubscription / (gpus_total * weeks)
    pool_list = tuple(
        Pool(id=name, capacity={p: round(count * per_gpu_week, 2) for p in periods})
        for name, count in PRODUCTION_POOLS.items()
    )
    return AllocationProblem(
        policy=policy,
        periods=periods,
        pools=pool_list,
        requests=tuple(out),
        company_cap=0.30,
        group_floors={"startup": 0.15, "chapter:광주전남": 0.12},
    )
