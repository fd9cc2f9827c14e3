"""Cells written to spreadsheets and CSV files people open in Excel: text that a spreadsheet
would read as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with
an apostrophe, so that it shows as the text it is (OWASP "CSV injection")."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """The value to write: numbers, dates and None unchanged; text that could run as a formula
    behind an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values: list[Any]) -> list[Any]:
    return [neutralise_cell(v) for v in values]
