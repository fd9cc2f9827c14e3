"""One chart spec for every app. A view builds it with `chart_spec`, the template writes it with
`json_script` beside `<canvas data-chart="ID">`, and `static/js/bitgoeul.js` (`drawChart`)
draws it with Chart.js. No app carries chart code of its own.

What every chart keeps, whatever the app: the value axis starts at zero (a scale from 90 to 100
makes a one-point change look like a leap), counts get whole-number ticks, amounts of money are
written in the units people read (억원, M KRW), a chart with nothing to draw says so instead of
showing an empty grid, the legend shows only when there is more than one series, and the page
keeps the same figures in a table (the chart is drawn for the eye, the table is what screen
readers and print read).

The spec (JSON):

    {"label": "…", "labels": ["2026-12", …], "axis": "GPU-hours", "kind": "count",
     "stacked": false, "horizontal": false,
     "series": [{"label": "…", "values": [1, null, …], "style": "bar", "tone": "primary",
                 "tones": ["ok", "oversold", …]}]}

`style`: "bar", "line" (a measurement over time), or "dashed" (a reference to compare with: a
target, a pro-rated share). `tone` names the series' colour; `tones`, where given, one colour
per point (a month drawn red where it is oversold). Labels come translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

KINDS = ("count", "number", "money")  # whole numbers; any number; amounts in won
STYLES = ("bar", "line", "dashed")
# the palette bitgoeul.js draws with (KRDS colours): a series' colour and a point's status
TONES = ("primary", "muted", "success", "warning", "danger")
POINT_TONES = ("ok", "close", "oversold")

Value = int | float | Decimal | None


@dataclass(frozen=True)
class Series:
    label: str | Promise
    values: Sequence[Value]
    style: str = "bar"
    tone: str = ""  # "" : the next colour of the palette, in the series' order
    tones: Sequence[str] = ()  # one per point, or none


def _number(value: Value) -> int | float | None:
    # a Decimal (a KPI's measurement) as a JSON number, not the string Django's encoder writes
    if value is None or isinstance(value, int):
        return value
    return float(value)


def chart_spec(
    *,
    label: str | Promise,
    labels: Sequence[str],
    series: Sequence[Series],
    axis: str | Promise = "",
    kind: str = "count",
    stacked: bool = False,
    horizontal: bool = False,
) -> dict[str, Any]:
    """The spec `drawChart` draws; raises ValueError on a series whose length or style does not
    fit (a programming error, caught by the view's tests)."""
    if kind not in KINDS:
        raise ValueError(f"unknown chart kind {kind!r}")
    out = []
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"series {one.label!s} has {len(one.values)} values for {len(labels)}")
        if one.style not in STYLES:
            raise ValueError(f"unknown chart style {one.style!r}")
        if one.tone and one.tone not in TONES:
            raise ValueError(f"unknown chart tone {one.tone!r}")
        if one.tones and (
            len(one.tones) != len(labels) or any(t not in POINT_TONES for t in one.tones)
        ):
            raise ValueError(f"series {one.label!s}: one known tone per point expected")
        entry: dict[str, Any] = {
            "label": str(one.label),
            "values": [_number(v) for v in one.values],
            "style": one.style,
        }
        if one.tone:
            entry["tone"] = one.tone
        if one.tones:
            entry["tones"] = list(one.tones)
        out.append(entry)
    return {
        "label": str(label),
        "labels": [str(item) for item in labels],
        "axis": str(axis),
        "kind": kind,
        "stacked": stacked,
        "horizontal": horizontal,
        "series": out,
    }
