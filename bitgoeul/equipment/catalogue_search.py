"""The public catalogue's reads: Korean search over the items' terms, the filters (centre,
domain, category, fee, "free between … and …") and the "find free time" answer.

Search: `services.catalogue.item_search_bodies` keeps each item's terms (its words, their
Korean morphemes from `bitgoeul.search`, and suffixes of its name) between spaces, so that
`search_body LIKE '% term%'` is a prefix match of one term on both SQLite and PostgreSQL. The
catalogue is small (tens to a few thousand items): a scan of one text column is cheap and needs
no FTS table. Items matching every word typed come first; if none does, items matching any.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from bitgoeul.accounts.types import Viewer
from bitgoeul.equipment import access
from bitgoeul.equipment.availability import Interval, free_by_item
from bitgoeul.equipment.enums import FeeUnit
from bitgoeul.equipment.models import Category, Centre, Item
from bitgoeul.search.query import parse_query

FEE_FILTERS = ("free", "paid")


@dataclass(frozen=True)
class CatalogueFilters:
    text: str = ""
    centre: Centre | None = None
    domain: str = ""
    category: Category | None = None
    fee: str = ""  # "", "free", "paid"
    free_from: dt.datetime | None = None
    free_until: dt.datetime | None = None


@dataclass
class CatalogueResult:
    items: list[Item]
    free: dict[int, list[Interval]] = field(default_factory=dict)  # with a free window only


def _term_q(term: str) -> Q:
    return Q(search_body__contains=f" {term}")


def search_q(text: str) -> tuple[Q, Q] | None:
    """(every word, any word) filters for what was typed; None when nothing searchable was."""
    query = parse_query(text)
    if query.is_empty:
        return None
    every = Q()
    for group in query.groups or tuple((t,) for t in query.terms):
        alternatives = Q()
        for term in group:
            alternatives |= _term_q(term)
        every &= alternatives
    anyone = Q()
    for term in query.terms:
        anyone |= _term_q(term)
    return every, anyone


def item_catalogue(user: Viewer, filters: CatalogueFilters) -> CatalogueResult:
    """The items the viewer sees that match the filters, in catalogue order. With a free
    window, only items free for the whole of it, with their free intervals in it."""
    items = access.items_for_viewer(user).select_related("centre", "category", "host")
    if filters.centre is not None:
        items = items.filter(centre=filters.centre)
    if filters.domain:
        items = items.filter(centre__domain=filters.domain)
    if filters.category is not None:
        items = items.filter(category=filters.category)
    if filters.fee == "free":
        items = items.filter(Q(fee_unit=FeeUnit.FREE) | Q(fee_krw=0))
    elif filters.fee == "paid":
        items = items.exclude(fee_unit=FeeUnit.FREE).exclude(fee_krw=0)
    if filters.text:
        found = search_q(filters.text)
        if found is not None:
            every, anyone = found
            matched: QuerySet[Item] = items.filter(every)
            if not matched.exists():
                matched = items.filter(anyone)
            items = matched
    rows = list(items.prefetch_related("photos"))
    if filters.free_from is None or filters.free_until is None:
        return CatalogueResult(rows)
    free = free_by_item(rows, filters.free_from, filters.free_until)
    window = (filters.free_from, filters.free_until)
    kept = [item for item in rows if window in free[item.pk]]
    return CatalogueResult(kept, {item.pk: free[item.pk] for item in kept})


@dataclass(frozen=True)
class FreeRow:
    item: Item
    free: list[Interval]
    whole: bool  # free for the whole window
    free_minutes: int


def find_free(
    user: Viewer,
    start: dt.datetime,
    end: dt.datetime,
    *,
    centre: Centre | None = None,
    category: Category | None = None,
) -> list[FreeRow]:
    """Items the viewer sees with their free time in [start, end): free for the whole window
    first, then by free time, longest first; items with no free time are left out."""
    items = access.items_for_viewer(user).select_related("centre", "category")
    if centre is not None:
        items = items.filter(centre=centre)
    if category is not None:
        items = items.filter(category=category)
    rows = list(items.filter(is_active=True))
    free = free_by_item(rows, start, end)
    out = []
    for item in rows:
        spans = free[item.pk]
        minutes = int(sum((e - s).total_seconds() for s, e in spans) // 60)
        if minutes:
            out.append(FreeRow(item, spans, spans == [(start, end)], minutes))
    out.sort(key=lambda row: (not row.whole, -row.free_minutes))
    return out
