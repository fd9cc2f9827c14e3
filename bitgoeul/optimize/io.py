"""The edge between JSON files and the solvers: parse (with one-line errors) and encode.

    problem = parse_allocation(text)          # str, bytes or an already-decoded dict
    result = solve_allocation(problem)
    data = encode_allocation(result)           # a dict in the contract's output format

`parse_*` raise `ProblemError` whose text is `JSON path: problem` (`requests[3].demand: must be
>= 0`). The output follows the contract exactly: notes' parameters and other Python-only fields
are not written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bitgoeul.optimize.allocation.problem import (
    AllocationPolicy,
    AllocationProblem,
    AllocationResult,
    Pool,
    Request,
    validate_allocation,
)
from bitgoeul.optimize.assignment.problem import (
    Affinity,
    Application,
    AssignmentPolicy,
    AssignmentProblem,
    AssignmentResult,
    Conflict,
    Reviewer,
    validate_assignment,
)
from bitgoeul.optimize.schemas import AllocationIn, AssignmentIn, SelectionIn
from bitgoeul.optimize.selection.problem import (
    Candidate,
    Lottery,
    SelectionPolicy,
    SelectionProblem,
    SelectionResult,
    validate_selection,
)
from bitgoeul.optimize.status import ProblemError, Status

Source = str | bytes | Mapping[str, Any]
M = TypeVar("M", bound=BaseModel)

MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown key",
    "string_type": "must be a string",
    "float_type": "must be a number",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "finite_number": "must be a finite number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _load(model: type[M], source: Source) -> M:
    try:
        if isinstance(source, str | bytes):
            return model.model_validate_json(source, strict=True)
        return model.model_validate(source, strict=True)
    except ValidationError as error:
        errors = error.errors(include_url=False)
        # A misspelt key shows up as a missing one too: name the misspelling.
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        kind = first["type"]
        loc = tuple(part for part in first["loc"] if not _is_union_tag(part))
        if kind == "json_invalid":
            raise ProblemError("(top level)", f"invalid JSON: {first['ctx']['error']}") from None
        if kind == "literal_error":
            message = f"must be {first['ctx']['expected']}"
        else:
            message = MESSAGES.get(kind, str(first["msg"]).lower())
        raise ProblemError(_path(loc), message) from None


def _is_union_tag(part: int | str) -> bool:
    """pydantic names the union branch in the path (`lottery.LotteryIn.band`); drop it."""
    return isinstance(part, str) and part[:1].isupper()


def _money(path: str, value: float) -> int:
    if value != int(value):
        raise ProblemError(path, "must be a whole number of KRW")
    return int(value)


def parse_allocation(source: Source) -> AllocationProblem:
    data = _load(AllocationIn, source)
    problem = AllocationProblem(
        policy=AllocationPolicy(data.policy),
        periods=tuple(data.periods),
        pools=tuple(Pool(id=p.id, capacity=dict(p.capacity)) for p in data.pools),
        requests=tuple(
            Request(
                id=r.id,
                company=r.company,
                weight=r.weight,
                demand=r.demand,
                minimum=r.minimum,
                pools=tuple(r.pools),
                periods=tuple(r.periods),
                groups=tuple(r.groups),
            )
            for r in data.requests
        ),
        company_cap=data.company_cap,
        group_floors=dict(data.group_floors),
    )
    validate_allocation(problem)
    return problem


def parse_assignment(source: Source) -> AssignmentProblem:
    data = _load(AssignmentIn, source)
    problem = AssignmentProblem(
        policy=AssignmentPolicy(data.policy),
        reviews_per_application=data.reviews_per_application,
        applications=tuple(
            Application(id=a.id, company=a.company, reviews=a.reviews) for a in data.applications
        ),
        reviewers=tuple(
            Reviewer(
                id=r.id, max_load=r.max_load, min_load=r.min_load, conflicts=tuple(r.conflicts)
            )
            for r in data.reviewers
        ),
        affinity=tuple(
            Affinity(application=a.application, reviewer=a.reviewer, score=a.score)
            for a in data.affinity
        ),
        conflicts=tuple(
            Conflict(application=c.application, reviewer=c.reviewer) for c in data.conflicts
        ),
    )
    validate_assignment(problem)
    return problem


def parse_selection(source: Source) -> SelectionProblem:
    data = _load(SelectionIn, source)
    problem = SelectionProblem(
        policy=SelectionPolicy(data.policy),
        budget=_money("budget", data.budget),
        applications=tuple(
            Candidate(
                id=a.id,
                score=a.score,
                amount=_money(f"applications[{i}].amount", a.amount),
                groups=tuple(a.groups),
            )
            for i, a in enumerate(data.applications)
        ),
        group_floors=dict(data.group_floors),
        lottery=None if data.lottery is None else Lottery(data.lottery.band, data.lottery.seed),
    )
    validate_selection(problem)
    return problem


def number(value: float) -> float:
    """12 significant digits: solver noise (1440.0000000002) is not part of the answer."""
    rounded = float(f"{value:.12g}")
    return 0.0 if rounded == 0 else rounded


def _head(status: Status, seconds: float) -> dict[str, Any]:
    return {"status": status.value, "seconds": round(seconds, 3)}


def encode_allocation(result: AllocationResult) -> dict[str, Any]:
    out = _head(result.status, result.seconds)
    if result.status is Status.INFEASIBLE:
        out["reason"] = result.reason
        return out
    assert result.objective is not None and result.bound is not None
    out["objective"] = number(result.objective)
    out["bound"] = number(result.bound)
    out["grants"] = [
        {
            "request": g.request,
            "granted": number(g.granted),
            "reason": g.reason.value,
            "note": g.note,
            "parts": [
                {"pool": p.pool, "period": p.period, "gpu_hours": number(p.gpu_hours)}
                for p in g.parts
            ],
        }
        for g in result.grants
    ]
    out["pools"] = [
        {
            "pool": u.pool,
            "period": u.period,
            "capacity": u.capacity,
            "granted": number(u.granted),
            "shadow_price": number(u.shadow_price),
        }
        for u in result.pools
    ]
    return out


def encode_assignment(result: AssignmentResult) -> dict[str, Any]:
    out = _head(result.status, result.seconds)
    if result.status is Status.INFEASIBLE:
        out["reason"] = result.reason
        return out
    assert result.objective is not None and result.bound is not None
    assert result.min_application_score is not None
    out["objective"] = number(result.objective)
    out["min_application_score"] = number(result.min_application_score)
    out["bound"] = number(result.bound)
    out["assignments"] = [
        {"application": a.application, "reviewer": a.reviewer, "score": a.score}
        for a in result.assignments
    ]
    return out


def encode_selection(result: SelectionResult) -> dict[str, Any]:
    out = _head(result.status, result.seconds)
    if result.status is Status.INFEASIBLE:
        out["reason"] = result.reason
        return out
    assert result.objective is not None
    out["objective"] = number(result.objective)
    out["spent"] = result.spent
    if result.bound is not None:
        out["bound"] = number(result.bound)
    out["decisions"] = [
        {"application": d.application, "selected": d.selected, "reason": d.reason.value}
        for d in result.decisions
    ]
    return out
