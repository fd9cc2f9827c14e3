"""The chart of a run (`core.charts`): GPU-hours requested and granted per pool, with the same
figures as rows for the table beside it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bitgoeul.compute.models import SolveRun
from bitgoeul.compute.selectors_rounds import run_summary
from bitgoeul.core.charts import Series, chart_spec


def pool_chart(run: SolveRun) -> dict[str, Any] | None:
    summary = run_summary(run)
    pools = sorted(set(summary.requested_by_pool) | set(summary.granted_by_pool))
    if not pools:
        return None
    requested = [round(summary.requested_by_pool.get(p, 0.0)) for p in pools]
    granted = [round(summary.granted_by_pool.get(p, 0.0)) for p in pools]
    labels = [pool.upper() for pool in pools]
    return {
        **chart_spec(
            label=_("GPU-hours requested and granted per pool"),
            labels=labels,
            series=[
                Series(_("Requested (GPU-hours)"), requested, tone="muted"),
                Series(_("Granted (GPU-hours)"), granted),
            ],
            axis=_("GPU-hours"),
        ),
        "rows": list(zip(labels, requested, granted, strict=True)),
    }
