"""The staff pipeline: needs by chapter and by sector with their counts per state and outcome,
a chart of the same counts, the figures of the whole and the latest needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.core.charts import Series, chart_spec
from bitgoeul.matchmaking import access, selectors
from bitgoeul.matchmaking.enums import NeedState, OutcomeKind
from bitgoeul.matchmaking.selectors import PipelineRow

SHOWN_STATES = (NeedState.OPEN, NeedState.CLOSED, NeedState.WITHDRAWN)


def _chart(rows: list[PipelineRow], label: str) -> dict[str, Any]:
    """Stacked bars of needs per state, one bar per row (`core.charts`)."""
    return chart_spec(
        label=label,
        labels=[row.label for row in rows],
        series=[
            Series(state.label, [row.needs.get(state, 0) for row in rows], tone=tone)
            for state, tone in zip(SHOWN_STATES, ("primary", "success", "muted"), strict=True)
        ],
        axis=_("Needs"),
        stacked=True,
        horizontal=True,
    )


def _table(rows: list[PipelineRow]) -> list[dict[str, Any]]:
    """Each row's counts per need state, then per outcome, with their column labels."""
    return [
        {
            "label": row.label,
            "cells": [(str(s.label), row.needs.get(s, 0)) for s in SHOWN_STATES]
            + [(str(k.label), row.outcomes.get(k, 0)) for k in OutcomeKind],
        }
        for row in rows
    ]


@login_required
def pipeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(access.can_view_pipeline(request.user))
    data = selectors.pipeline(request.user)
    return render(
        request,
        "matchmaking/pipeline.html",
        {
            "figures": data["figures"],
            "by_chapter": _table(data["by_chapter"]),
            "by_sector": _table(data["by_sector"]),
            "sector_label": pgettext("matchmaking", "Sector"),
            "columns": [s.label for s in SHOWN_STATES] + [k.label for k in OutcomeKind],
            "chapter_chart": _chart(data["by_chapter"], _("Needs by chapter")),
            "sector_chart": _chart(data["by_sector"], _("Needs by sector")),
            "needs": list(selectors.recent_pipeline_needs(request.user)),
        },
    )
