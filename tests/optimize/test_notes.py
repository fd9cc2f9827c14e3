"""Notes are built from a key and parameters; the English text names pools and period ranges."""

from __future__ import annotations

from bitgoeul.optimize.notes import cells_text, names, period_ranges, quantity, render

ORDER = ["2026-01", "2026-02", "2026-03", "2026-04"]


def test_consecutive_periods_collapse_into_ranges() -> None:
    assert period_ranges(["2026-04", "2026-01", "2026-02"], ORDER) == "2026-01..2026-02, 2026-04"
    assert period_ranges(["2026-03"], ORDER) == "2026-03"


def test_cells_group_pools_with_the_same_periods() -> None:
    cells = [["H100", "2026-01"], ["A100", "2026-01"], ["T4", "2026-03"]]
    assert cells_text(cells, ORDER) == "H100 and A100 in 2026-01; T4 in 2026-03"


def test_names_and_quantities_read_naturally() -> None:
    assert (names(["a"]), names(["a", "b", "c"])) == ("a", "a, b and c")
    assert (quantity(1440.0), quantity(12.5), quantity(1234567.25)) == (
        "1,440",
        "12.5",
        "1,234,567.25",
    )


def test_render_uses_the_key_in_the_parameters() -> None:
    params = {
        "key": "allocation.capacity",
        "cells": [["H100", "2026-01"], ["H100", "2026-02"]],
        "periods": ORDER,
        "by": "higher_weight",
    }
    assert render(params) == "H100 in 2026-01..2026-02 were full with higher-weight requests"
