"""The chart spec of a run: GPU-hours requested and granted per pool (json_script; the labels
come translated, compute-rounds-charts.js draws them on a scale from zero)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bitgoeul.compute.models import SolveRun
from bitgoeul.compute.selectors_rounds import run_summary


def pool_chart(run: SolveRun) -> dict[str, Any] | None:
    summary = run_summary(run)
    pools = sorted(set(summary.requested_by_pool) | set(summary.granted_by_pool))
    if not pools:
        return None
    return {
        "label": _("GPU-hours requested and granted per pool"),
        "labels": [pool.upper() for pool in pools],
        "series": [
            {
                "label": _("Requested (GPU-hours)"),
                "values": [round(summary.requested_by_pool.get(p, 0.0)) for p in pools],
            },
            {
                "label": _("Granted (GPU-hours)"),
                "values": [round(summary.granted_by_pool.get(p, 0.0)) for p in pools],
            },
        ],
        "rows": [
            (
                pool.upper(),
                round(summary.requested_by_pool.get(pool, 0.0)),
                round(summary.granted_by_pool.get(pool, 0.0)),
            )
            for pool in pools
        ],
    }
