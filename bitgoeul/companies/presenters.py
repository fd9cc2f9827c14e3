"""Turn stored scores and figures into what pages show (labels, readable values, charts)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.companies.models import CompanyMetric, CompanyScore
from bitgoeul.companies.score_math import SIGNALS

SIGNAL_LABELS = {
    "employee_growth": gettext_lazy("Employee growth"),
    "revenue_growth": gettext_lazy("Revenue growth"),
    "investment": gettext_lazy("Investment raised (recent counts more)"),
    "patents": gettext_lazy("Patents"),
    "certifications": gettext_lazy("Certifications (TIPS counts double)"),
    "ai_centrality": gettext_lazy("How central AI is to the business"),
    "track_record": gettext_lazy("Programme and infrastructure track record"),
}


def signal_value(code: str, value: float | None) -> str:
    if value is None:
        return _("no data")
    if code in {"employee_growth", "revenue_growth"}:
        return _("%(rate)+.0f%% a year") % {"rate": value * 100}
    if code == "investment":
        return _("≈ %(amount)s won") % {"amount": f"{round(10**value - 1):,}"}
    if code == "ai_centrality":
        return f"{value * 100:.0f} / 100"
    return f"{value:g}"


def breakdown_rows(score: CompanyScore) -> list[dict[str, Any]]:
    signals = score.breakdown.get("signals", {})
    rows = []
    for code in SIGNALS:
        value, percentile, weight, points = signals.get(code, [None, None, 0, 0])
        rows.append(
            {
                "code": code,
                "label": SIGNAL_LABELS[code],
                "value": signal_value(code, value),
                "percentile": None if percentile is None else round(percentile * 100),
                "weight": round((weight or 0) * 100),
                "points": points or 0,
                "missing": percentile is None,
            }
        )
    return rows


def peer_group_label(group: str) -> str:
    if group == "*":
        return _("all companies (the sector had too few peers)")
    section, band = group.split("|")
    if band == "*":
        return _("sector %(section)s, all ages (too few peers of the same age)") % {
            "section": section
        }
    return _("sector %(section)s, founded %(band)s years ago") % {
        "section": section,
        "band": band,
    }


def metric_charts(metrics: list[CompanyMetric]) -> list[dict[str, Any]]:
    """Chart specs for static/js/bitgoeul.js: revenue, employees, R&D spend, investment."""
    years = [str(m.year) for m in metrics]
    charts = []
    for key, label in (
        ("revenue", _("Revenue (KRW)")),
        ("employees", _("Employees")),
        ("rnd_spend", _("R&D spend (KRW)")),
        ("investment", _("Investment (KRW)")),
    ):
        values = [getattr(m, key) for m in metrics]
        if any(v is not None for v in values):
            charts.append(
                {
                    "id": f"chart-{key}",
                    "data": {
                        "type": "line" if key == "employees" else "bar",
                        "label": str(label),
                        "labels": years,
                        "values": [v or 0 for v in values],
                    },
                }
            )
    return charts
