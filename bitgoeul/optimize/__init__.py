"""The decision engine: exact allocation, assignment and selection solvers.

A pure library (no Django import): frozen dataclasses in, a result out, deterministic.
OR-Tools is imported only inside the functions that use it, so importing this package is cheap.

- `bitgoeul.optimize.allocation`: GPU-hours of an allocation round (`solve_allocation`);
- `bitgoeul.optimize.assignment`: reviewers to applications (`solve_assignment`);
- `bitgoeul.optimize.selection`: awards under a budget (`solve_selection`);
- `bitgoeul.optimize.io`: the JSON file formats of docs/solvers.md (parse and encode);
- `bitgoeul.optimize.cli`: `bitgoeul solve ...`.
"""
