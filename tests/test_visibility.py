"""`bitgoeul.core.visibility`: ordered levels and a field policy other apps declare."""

from __future__ import annotations

import pytest

from bitgoeul.core.visibility import FieldPolicy, ViewLevel

POLICY = FieldPolicy(
    "thing",
    {"title": ViewLevel.PUBLIC, "owner": ViewLevel.RECORD, "budget": ViewLevel.PRIVATE},
)


def test_each_level_shows_its_fields_and_those_below() -> None:
    assert [sorted(POLICY.fields_for(level)) for level in ViewLevel] == [
        [],
        ["title"],
        ["owner", "title"],
        ["budget", "owner", "title"],
    ]


def test_redact_nulls_hidden_fields_and_keeps_other_keys() -> None:
    values = {"id": 7, "title": "t", "owner": "o", "budget": 10}
    assert POLICY.redact(values, ViewLevel.RECORD) == {
        "id": 7,
        "title": "t",
        "owner": "o",
        "budget": None,
    }
    assert POLICY.hidden_from(ViewLevel.PUBLIC, ["budget", "title", "owner"]) == [
        "budget",
        "owner",
    ]


def test_an_undeclared_field_is_an_error_not_shown() -> None:
    with pytest.raises(KeyError, match="thing: no visibility declared for field 'secret'"):
        POLICY.shows("secret", ViewLevel.PRIVATE)
