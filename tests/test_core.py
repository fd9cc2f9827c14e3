from __future__ import annotations

import datetime as dt

import pytest

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.core.cells import neutralise_cell, neutralise_row
from bitgoeul.core.paging import iterate_by_pk, pages_by_pk


@pytest.mark.parametrize("text", ["=1+1", "+82 10", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_cell_prefixes_formula_starts(text):
    assert neutralise_cell(text) == "'" + text


def test_neutralise_cell_keeps_other_values():
    day = dt.date(2026, 1, 1)
    assert neutralise_row(["빛고을", 3, -3, None, day, "a=b"]) == [
        "빛고을",
        3,
        -3,
        None,
        day,
        "a=b",
    ]


@pytest.mark.django_db
def test_pages_by_pk_reads_every_row_once_in_short_pages():
    for i in range(7):
        Organization.objects.create(name=f"기관{i}", kind=OrganizationKind.INSTITUTION)
    queryset = Organization.objects.filter(kind=OrganizationKind.INSTITUTION)
    pages = list(pages_by_pk(queryset, size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [o.name for o in iterate_by_pk(queryset, size=3)] == [f"기관{i}" for i in range(7)]


def test_hooks_refuse_unknown_events():
    from bitgoeul.core import hooks

    with pytest.raises(ValueError, match="unknown event"):
        hooks.publish("no.such.event")
    with pytest.raises(ValueError, match="unknown event"):
        hooks.subscribe("no.such.event")


def test_hooks_call_subscribers_once_in_order(monkeypatch):
    from bitgoeul.core import hooks

    monkeypatch.setattr(hooks, "_SUBSCRIBERS", {})  # without the apps' own subscribers
    calls: list[tuple[str, int]] = []

    def first(*, organization, actor):
        calls.append(("first", organization))

    def second(*, organization, actor):
        calls.append(("second", organization))

    try:
        hooks.subscribe(hooks.ORGANIZATION_CREATED)(first)
        hooks.subscribe(hooks.ORGANIZATION_CREATED)(second)
        hooks.subscribe(hooks.ORGANIZATION_CREATED)(first)  # subscribing twice has no effect
        hooks.publish(hooks.ORGANIZATION_CREATED, organization=7, actor=None)
    finally:
        hooks._SUBSCRIBERS[hooks.ORGANIZATION_CREATED].remove(first)
        hooks._SUBSCRIBERS[hooks.ORGANIZATION_CREATED].remove(second)
    assert calls == [("first", 7), ("second", 7)]
