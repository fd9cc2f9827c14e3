"""The file formats: what is accepted, and one line per invalid input naming path and problem."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from bitgoeul.optimize.allocation.problem import AllocationPolicy
from bitgoeul.optimize.allocation.solve import solve_allocation
from bitgoeul.optimize.assignment.solve import solve_assignment
from bitgoeul.optimize.io import (
    encode_allocation,
    encode_assignment,
    encode_selection,
    parse_allocation,
    parse_assignment,
    parse_selection,
)
from bitgoeul.optimize.selection.solve import solve_selection
from bitgoeul.optimize.status import ProblemError

ALLOCATION: dict[str, Any] = {
    "policy": "priority",
    "periods": ["2026-01", "2026-02", "2026-03"],
    "pools": [
        {"id": "H100", "capacity": {"2026-01": 640000, "2026-02": 580000, "2026-03": 640000}},
        {"id": "A100", "capacity": {"2026-01": 570000, "2026-02": 570000, "2026-03": 570000}},
    ],
    "requests": [
        {
            "id": "R-0001",
            "company": "C-017",
            "groups": ["chapter:busan", "startup"],
            "weight": 87.5,
            "demand": 5760,
            "minimum": 1440,
            "pools": ["H100", "A100"],
            "periods": ["2026-01", "2026-02"],
        }
    ],
    "company_cap": 0.05,
    "group_floors": {"chapter:busan": 0.03},
}
ASSIGNMENT: dict[str, Any] = {
    "policy": "total",
    "reviews_per_application": 1,
    "applications": [{"id": "A-1", "company": "C-3"}, {"id": "A-7", "company": "C-4"}],
    "reviewers": [
        {"id": "V-1", "max_load": 4, "min_load": 0, "conflicts": ["C-3"]},
        {"id": "V-2", "max_load": 4},
    ],
    "affinity": [{"application": "A-1", "reviewer": "V-1", "score": 0.82}],
    "conflicts": [{"application": "A-7", "reviewer": "V-2"}],
}
SELECTION: dict[str, Any] = {
    "policy": "rank",
    "budget": 1500000000,
    "applications": [
        {"id": "A-1", "score": 87.3, "amount": 100000000, "groups": ["region:gwangju"]}
    ],
    "group_floors": {"region:outside": 0.3},
    "lottery": {"band": 1.0, "seed": 42},
}


def changed(base: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> str:
    data = copy.deepcopy(base)
    edit(data)
    return json.dumps(data)


def test_contract_examples_parse_and_solve_to_the_output_format() -> None:
    allocation = encode_allocation(solve_allocation(parse_allocation(json.dumps(ALLOCATION))))
    assert list(allocation) == ["status", "seconds", "objective", "bound", "grants", "pools"]
    assert list(allocation["grants"][0]) == ["request", "granted", "reason", "note", "parts"]
    assert list(allocation["pools"][0]) == ["pool", "period", "capacity", "granted", "shadow_price"]
    assert allocation["grants"][0]["reason"] == "full"
    assert len(allocation["pools"]) == 6
    assignment = encode_assignment(solve_assignment(parse_assignment(json.dumps(ASSIGNMENT))))
    # V-1 names A-1's company and V-2 is in conflict with A-7: the listed 0.82 cannot be used.
    assert assignment["assignments"] == [
        {"application": "A-1", "reviewer": "V-2", "score": 0.0},
        {"application": "A-7", "reviewer": "V-1", "score": 0.0},
    ]
    assert list(assignment) == [
        "status",
        "seconds",
        "objective",
        "min_application_score",
        "bound",
        "assignments",
    ]
    selection = encode_selection(solve_selection(parse_selection(json.dumps(SELECTION))))
    assert selection["decisions"] == [
        {"application": "A-1", "selected": True, "reason": "selected"}
    ]
    assert list(selection) == ["status", "seconds", "objective", "spent", "decisions"]


def test_a_parsed_dict_gives_the_same_problem_as_its_text() -> None:
    assert parse_allocation(ALLOCATION) == parse_allocation(json.dumps(ALLOCATION))
    assert parse_allocation(ALLOCATION).policy is AllocationPolicy.PRIORITY


def set_(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def drop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


ALLOCATION_ERRORS = [
    (set_(["extra"], 1), "extra: unknown key"),
    (set_(["requests", 0, "wieght"], 1), "requests[0].wieght: unknown key"),
    (set_(["pools", 1, "size"], 1), "pools[1].size: unknown key"),
    (drop(["requests", 0, "demand"]), "requests[0].demand: required"),
    (set_(["requests", 0, "demand"], -5), "requests[0].demand: must be >= 0"),
    (set_(["requests", 0, "demand"], "5760"), "requests[0].demand: must be a number"),
    (set_(["requests", 0, "demand"], True), "requests[0].demand: must be a number"),
    (set_(["requests", 0, "id"], 1), "requests[0].id: must be a string"),
    (set_(["requests", 0, "minimum"], 6000), "requests[0].minimum: must be <= 5760"),
    (set_(["requests", 0, "weight"], 0), "requests[0].weight: must be > 0"),
    (set_(["requests", 0, "pools"], ["H200"]), "requests[0].pools[0]: unknown pool 'H200'"),
    (
        set_(["requests", 0, "periods"], ["2026-01", "2026-01"]),
        "requests[0].periods[1]: duplicate period '2026-01'",
    ),
    (set_(["pools", 1, "id"], "H100"), "pools[1].id: duplicate pool 'H100'"),
    (set_(["pools", 0, "capacity", "2026-04"], 1), "pools[0].capacity.2026-04: unknown period"),
    (set_(["policy"], "greedy"), "policy: must be 'priority' or 'fair'"),
    (set_(["company_cap"], 1.5), "company_cap: must be <= 1"),
    (set_(["group_floors", "x"], -0.1), "group_floors.x: must be >= 0"),
    (set_(["periods"], "2026-01"), "periods: must be a list"),
]


@pytest.mark.parametrize(("edit", "message"), ALLOCATION_ERRORS)
def test_invalid_allocation_names_path_and_problem(
    edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(ProblemError) as error:
        parse_allocation(changed(ALLOCATION, edit))
    assert str(error.value) == message


ASSIGNMENT_ERRORS = [
    (set_(["reviewers", 0, "max_load"], 2.5), "reviewers[0].max_load: must be an integer"),
    (set_(["reviewers", 0, "min_load"], 5), "reviewers[0].min_load: must be <= max_load"),
    (set_(["reviews_per_application"], -1), "reviews_per_application: must be >= 0"),
    (
        set_(["affinity", 0, "reviewer"], "V-9"),
        "affinity[0].reviewer: unknown reviewer 'V-9'",
    ),
    (
        set_(["conflicts", 0, "application"], "A-9"),
        "conflicts[0].application: unknown application 'A-9'",
    ),
    (set_(["applications", 1, "id"], "A-1"), "applications[1].id: duplicate application 'A-1'"),
    (set_(["affinity", 0, "weight"], 1), "affinity[0].weight: unknown key"),
    (set_(["policy"], "max"), "policy: must be 'total' or 'fair'"),
]


@pytest.mark.parametrize(("edit", "message"), ASSIGNMENT_ERRORS)
def test_invalid_assignment_names_path_and_problem(
    edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(ProblemError) as error:
        parse_assignment(changed(ASSIGNMENT, edit))
    assert str(error.value) == message


SELECTION_ERRORS = [
    (set_(["budget"], 1.5), "budget: must be a whole number of KRW"),
    (set_(["applications", 0, "amount"], -1), "applications[0].amount: must be >= 0"),
    (set_(["lottery", "seed"], "42"), "lottery.seed: must be an integer"),
    (set_(["lottery", "band"], -1), "lottery.band: must be >= 0"),
    (set_(["lottery", "width"], 1), "lottery.width: unknown key"),
    (set_(["group_floors", "x"], 2), "group_floors.x: must be between 0 and 1"),
]


@pytest.mark.parametrize(("edit", "message"), SELECTION_ERRORS)
def test_invalid_selection_names_path_and_problem(
    edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(ProblemError) as error:
        parse_selection(changed(SELECTION, edit))
    assert str(error.value) == message


def test_invalid_json_and_wrong_top_level_are_reported() -> None:
    with pytest.raises(ProblemError) as error:
        parse_selection('{"policy": "rank",')
    assert str(error.value).startswith("(top level): invalid JSON: EOF while parsing")
    with pytest.raises(ProblemError) as error:
        parse_selection("[1]")
    assert str(error.value) == "(top level): must be an object"
