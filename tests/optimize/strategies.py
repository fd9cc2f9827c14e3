"""Hypothesis strategies for small random problems (brute force stays cheap)."""

from __future__ import annotations

from hypothesis import strategies as st

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

PERIODS = ("P1", "P2")
POOLS = ("H100", "A100")
GROUPS = ("g1", "g2")


@st.composite
def allocations(
    draw: st.DrawFn, policy: AllocationPolicy, minimums: bool = True, limits: bool = True
) -> AllocationProblem:
    periods = PERIODS[: draw(st.integers(1, 2))]
    pool_ids = POOLS[: draw(st.integers(1, 2))]
    pools = tuple(
        Pool(
            id=p,
            capacity={t: float(draw(st.integers(0, 12))) for t in periods if draw(st.booleans())},
        )
        for p in pool_ids
    )
    n = draw(st.integers(1, 5))
    requests = []
    for i in range(n):
        demand = float(draw(st.integers(0, 10)))
        minimum = (
            float(draw(st.integers(0, int(demand)))) if minimums and draw(st.booleans()) else 0.0
        )
        requests.append(
            Request(
                id=f"R{i}",
                company=draw(st.sampled_from(["C1", "C2", "C3"])),
                weight=float(draw(st.integers(1, 9))),
                demand=demand,
                minimum=minimum,
                pools=tuple(draw(st.lists(st.sampled_from(pool_ids), unique=True, max_size=2))),
                periods=tuple(draw(st.lists(st.sampled_from(periods), unique=True, max_size=2))),
                groups=tuple(draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=2))),
            )
        )
    cap = draw(st.sampled_from([None, 0.2, 0.5])) if limits else None
    floors = (
        draw(st.dictionaries(st.sampled_from(GROUPS), st.sampled_from([0.05, 0.1, 0.3])))
        if limits
        else {}
    )
    return AllocationProblem(
        policy=policy,
        periods=periods,
        pools=pools,
        requests=tuple(requests),
        company_cap=cap,
        group_floors=floors,
    )


@st.composite
def assignments(draw: st.DrawFn, policy: AssignmentPolicy) -> AssignmentProblem:
    n_apps = draw(st.integers(1, 4))
    n_revs = draw(st.integers(1, 4))
    k = draw(st.integers(0, 2))
    apps = tuple(
        Application(
            id=f"A{i}",
            company=draw(st.sampled_from(["C1", "C2", "C3"])),
            reviews=draw(st.one_of(st.none(), st.integers(0, 2))),
        )
        for i in range(n_apps)
    )
    revs = []
    for j in range(n_revs):
        high = draw(st.integers(0, 4))
        revs.append(
            Reviewer(
                id=f"V{j}",
                max_load=high,
                min_load=draw(st.integers(0, min(high, 1))),
                conflicts=tuple(draw(st.lists(st.sampled_from(["C1", "C2"]), unique=True))),
            )
        )
    pairs = [(a.id, r.id) for a in apps for r in revs]
    listed = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    affinity = tuple(
        Affinity(a, r, draw(st.sampled_from([-0.5, 0.0, 0.1, 0.25, 0.5, 0.8, 1.0])))
        for a, r in listed
    )
    banned = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2)) if pairs else []
    return AssignmentProblem(
        policy=policy,
        reviews_per_application=k,
        applications=apps,
        reviewers=tuple(revs),
        affinity=affinity,
        conflicts=tuple(Conflict(a, r) for a, r in banned),
    )


@st.composite
def selections(draw: st.DrawFn, policy: SelectionPolicy) -> SelectionProblem:
    n = draw(st.integers(0, 9))
    apps = tuple(
        Candidate(
            id=f"A{i}",
            score=draw(st.sampled_from([50.0, 60.5, 70.0, 70.5, 80.0, 90.25])),
            amount=draw(st.integers(0, 10)) * 10,
            groups=tuple(draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=2))),
        )
        for i in range(n)
    )
    return SelectionProblem(
        policy=policy,
        budget=draw(st.integers(0, 60)) * 5,
        applications=apps,
        group_floors=draw(st.dictionaries(st.sampled_from(GROUPS), st.sampled_from([0.1, 0.3]))),
        lottery=draw(
            st.one_of(
                st.none(), st.builds(Lottery, st.sampled_from([0.0, 5.0, 20.0]), st.integers(0, 3))
            )
        ),
    )
