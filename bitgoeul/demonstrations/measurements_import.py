"""Measurements from an Excel file (XLSX): read and check every row before anything is written.

The sheet's first row names the columns (`KPI`, `Date`, `Value`, `Note`; Korean headers
`성과지표`, `측정일`, `측정값`, `비고` too). A KPI is named as on the project page (Korean or
English name). Each problem names its row and column; one bad row refuses the whole file, so
that a half-imported series never misleads a chart.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from bitgoeul.core.cells import FORMULA_STARTS
from bitgoeul.demonstrations.models import Kpi

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024
HEADERS = {
    "kpi": ("kpi", "indicator", "성과지표", "지표"),
    "date": ("date", "measured on", "측정일", "날짜"),
    "value": ("value", "측정값", "값"),
    "note": ("note", "비고", "메모"),
}
REQUIRED = {"kpi": "KPI", "date": "Date", "value": "Value"}  # as the message names them


@dataclass(frozen=True)
class Row:
    kpi: Kpi
    measured_on: dt.date
    value: Decimal
    note: str


class ImportRefused(ValueError):
    """The file, or some of its rows, cannot be imported; `problems` says what to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _kpi_name(value: Any) -> str:
    """The name as typed; a name the template wrote behind an apostrophe (so that Excel would
    not run it as a formula) without it."""
    text = _text(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace(".", "-").replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(_text(value).replace(",", ""))
        except InvalidOperation:
            return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        return None
    return number.quantize(Decimal("0.0001"))


def read_rows(data: bytes, kpis: list[Kpi], *, starts_on: dt.date, ends_on: dt.date) -> list[Row]:
    """Every row of the file as a measurement of one of `kpis`, or `ImportRefused`."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise ImportRefused([_("The file is larger than 2 MB. Split it and upload each part.")])
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRefused([_("The file is not an Excel (XLSX) file. Save it as XLSX.")])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            [_("The Excel file cannot be opened (%(error)s).") % {"error": exc}]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # type: ignore[union-attr]  # a declared size is not trusted
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    finally:
        workbook.close()
    if len(rows) > MAX_ROWS + 1:
        raise ImportRefused(
            [_("The file has more than %(limit)d rows. Split it.") % {"limit": MAX_ROWS}]
        )
    if not rows:
        raise ImportRefused([_("The file is empty.")])
    header = [_text(cell).lower() for cell in rows[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, heading in enumerate(header):
            if heading in names:
                columns[key] = index
                break
    missing = [REQUIRED[key] for key in REQUIRED if key not in columns]
    if missing:
        raise ImportRefused(
            [
                _("The first row must name the columns KPI, Date and Value. Missing: %(names)s.")
                % {"names": ", ".join(missing)}
            ]
        )
    by_name: dict[str, Kpi] = {}
    for each in kpis:
        for name in (each.name, each.name_en):
            if name:
                by_name.setdefault(name.strip().lower(), each)

    problems: list[str] = []
    out: list[Row] = []
    for number, cells in enumerate(rows[1:], start=2):
        values = list(cells)
        if not any(_text(v) for v in values):
            continue  # blank rows between blocks are common; they say nothing

        def cell(key: str, values: list[Any] = values) -> Any:
            index = columns.get(key)
            return values[index] if index is not None and index < len(values) else None

        def problem(key: str, message: str, number: int = number) -> None:
            problems.append(
                _("Row %(row)d, column %(column)s: %(message)s")
                % {"row": number, "column": _column_letter(columns[key]), "message": message}
            )

        kpi = by_name.get(_kpi_name(cell("kpi")).lower())
        if kpi is None:
            problem(
                "kpi",
                _("“%(name)s” is not a KPI of this project.") % {"name": _text(cell("kpi"))}
                if _text(cell("kpi"))
                else _("the KPI is missing."),
            )
        measured_on = _date(cell("date"))
        if measured_on is None:
            problem("date", _("write the date as YYYY-MM-DD."))
        elif not starts_on <= measured_on <= ends_on:
            problem(
                "date",
                _("the date is outside the project's period (%(start)s to %(end)s).")
                % {"start": starts_on.isoformat(), "end": ends_on.isoformat()},
            )
        value = _decimal(cell("value"))
        if value is None:
            problem("value", _("write a number."))
        note = _text(cell("note"))[:300]
        if kpi is not None and measured_on is not None and value is not None and not problems:
            out.append(Row(kpi, measured_on, value, note))
        if len(problems) >= 50:
            problems.append(_("More problems are not listed. Fix these and upload the file again."))
            break
    if problems:
        raise ImportRefused(problems)
    if not out:
        raise ImportRefused([_("The file has no measurement rows.")])
    return out
