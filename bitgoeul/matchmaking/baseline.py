"""A plain substring ranking of suppliers, kept only as the baseline the rank-quality test and
the benchmark compare `ranking.rank_suppliers` with: the suppliers (same filter) whose name,
description or products contain the most of the need's words as typed (`icontains`, no
morphology), then by name."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from bitgoeul.companies.models import Company
from bitgoeul.matchmaking.ranking import supplier_filter
from bitgoeul.search.terms import words

MAX_WORDS = 24


def rank_suppliers_icontains(
    *, viewer: Any, text: str, exclude_company_id: int | None = None, limit: int = 10
) -> list[int]:
    typed = [w for w in dict.fromkeys(words(text)) if len(w) > 1][:MAX_WORDS]
    if not typed:
        return []
    matched: Any = Value(0)
    condition = Q()
    for word in typed:
        holds = (
            Q(organization__name__icontains=word)
            | Q(description__icontains=word)
            | Q(products__icontains=word)
        )
        condition |= holds
        matched = matched + Case(When(holds, then=Value(1)), default=Value(0))
    rows = (
        Company.objects.filter(supplier_filter(viewer, exclude_company_id=exclude_company_id))
        .filter(condition)
        .annotate(matched=Coalesce(matched, Value(0), output_field=IntegerField()))
        .order_by("-matched", "organization__name")
        .values_list("pk", flat=True)[:limit]
    )
    return list(rows)
