"""The decision engine: exact allocation, assignment and selection solvers.

A pure library (no Django import): frozen dataclasses in, a result out, deterministic. Each
solver family is a subpackage:

- `problem`: the problem and result types and their validation (standard library only);
- the solvers, which import only `problem`, the family's own modules and OR-Tools (at the top);
- `solve`: the facade `solve_<family>(problem, ...)`, which imports the solvers at the top.

Families: `allocation` (GPU-hours of an allocation round), `assignment` (reviewers to
applications), `selection` (awards under a budget). Beside them: `io` (the JSON file formats of
docs/solvers.md), `status`, `notes`, `cli` (`bitgoeul solve ...`).

Importing a family or its `problem` is cheap. OR-Tools comes only with a `solve` facade, and
ruff's TID253 rule (pyproject.toml) forbids importing it, or a facade, at module level outside
this package: the apps import a facade inside the function that runs a solve, so Django
start-up never pays for OR-Tools (tests/optimize/test_cli.py checks both).
"""
