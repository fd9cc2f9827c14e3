"""The news part of the field harness (see tests/promotion/field_rules_news.py)."""

from __future__ import annotations

import pytest

from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion.access import POST_FIELDS
from tests.conftest import World
from tests.promotion.field_rules_news import news_field_leaks, news_scene


def test_news_fields_reach_each_role_as_declared(world: World) -> None:
    assert news_field_leaks(world, news_scene(world)) == []


def test_news_field_harness_reports_a_reintroduced_leak(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review note shown at the public level: the harness names it in the API."""
    monkeypatch.setitem(POST_FIELDS.minimum, "review_note", ViewLevel.PUBLIC)
    assert news_field_leaks(world, news_scene(world), roles=["outsider"]) == [
        "api outsider: review_note shown"
    ]
