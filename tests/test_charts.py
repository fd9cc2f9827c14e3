"""The one chart spec (`bitgoeul.core.charts`) that `static/js/bitgoeul.js` draws for every app."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy, override

from bitgoeul.core.charts import Series, chart_spec

ROOT = Path(__file__).resolve().parents[1]


def test_a_spec_holds_labels_series_and_how_to_draw_them() -> None:
    spec = chart_spec(
        label="GPU-hours",
        labels=["2026-11", "2026-12"],
        series=[
            Series("Deliverable", [100, 200], tone="muted"),
            Series("Granted", [50, 250], tones=["ok", "oversold"]),
            Series("Target", [Decimal("97.5"), None], style="dashed"),
        ],
        axis="GPU-hours",
        stacked=True,
    )
    assert spec["labels"] == ["2026-11", "2026-12"]
    assert spec["stacked"] is True and spec["horizontal"] is False and spec["kind"] == "count"
    deliverable, granted, target = spec["series"]
    assert deliverable == {
        "label": "Deliverable",
        "values": [100, 200],
        "style": "bar",
        "tone": "muted",
    }
    assert granted["tones"] == ["ok", "oversold"] and "tone" not in granted
    # a Decimal is a JSON number (the page's json_script would write "97.5" as a string)
    assert target["values"] == [97.5, None]
    assert json.loads(json.dumps(spec)) == spec


def test_labels_are_translated_when_the_spec_is_built() -> None:
    with override("ko"):
        spec = chart_spec(
            label=gettext_lazy("GPU-hours"),
            labels=["A100"],
            series=[Series(gettext_lazy("Granted (GPU-hours)"), [1])],
        )
    assert spec["label"] == "GPU 시간" and spec["series"][0]["label"].startswith("배정")


@pytest.mark.parametrize(
    ("series", "kind", "message"),
    [
        (Series("a", [1]), "count", "1 values for 2"),
        (Series("a", [1, 2], style="pie"), "count", "unknown chart style"),
        (Series("a", [1, 2], tone="pink"), "count", "unknown chart tone"),
        (Series("a", [1, 2], tones=["ok"]), "count", "one known tone per point"),
        (Series("a", [1, 2], tones=["ok", "late"]), "count", "one known tone per point"),
        (Series("a", [1, 2]), "percent", "unknown chart kind"),
    ],
)
def test_a_series_that_does_not_fit_is_refused(series: Series, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        chart_spec(label="x", labels=["a", "b"], series=[series], kind=kind)


def test_no_app_carries_chart_code_of_its_own() -> None:
    """Charts are drawn by bitgoeul.js alone: an app's script that builds a Chart.js chart, or
    a canvas marked for another script, would bring back the copies this replaced."""
    scripts = [
        path
        for path in (ROOT / "bitgoeul").rglob("*.js")
        if "vendor" not in path.parts and "new window.Chart" in path.read_text(encoding="utf-8")
    ]
    assert scripts == []
    marked = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bitgoeul").rglob("*.html")
        if re.search(r"<canvas(?![^>]*data-chart=)", path.read_text(encoding="utf-8"))
    ]
    assert marked == []
    assert "new window.Chart" in (ROOT / "static/js/bitgoeul.js").read_text(encoding="utf-8")
