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
