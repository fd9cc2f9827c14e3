"""Long reads in pages by primary key. A read kept open while the same connection writes (job
progress, a heartbeat) is refused by SQLite ("database is locked"); each page here is a short,
finished query (`pk > last ORDER BY pk LIMIT n`), so writes may come between pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def pages_by_pk(queryset: QuerySet[M], size: int = 2000) -> Iterator[list[M]]:
    """The queryset's rows in primary-key order, `size` at a time, each page a finished query
    (prefetches of the queryset apply to each page)."""
    last: Any = None
    while True:
        page_qs = queryset.order_by("pk")
        if last is not None:
            page_qs = page_qs.filter(pk__gt=last)
        page = list(page_qs[:size])
        if not page:
            return
        yield page
        last = page[-1].pk
        if len(page) < size:
            return


def iterate_by_pk(queryset: QuerySet[M], size: int = 2000) -> Iterator[M]:
    for page in pages_by_pk(queryset, size):
        yield from page
