"""`bitgoeul events remind`: counts with --dry-run, sends once otherwise; and the menu entry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bitgoeul.promotion.models import Registration
from bitgoeul.promotion.navigation import nav_items
from bitgoeul.promotion.services.registrations import registration_create
from tests.conftest import World
from tests.promotion.events_helpers import make_event

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("events", "remind", *args, stdout=out)
    return out.getvalue().strip()


def test_remind_counts_then_sends_once(world: World) -> None:
    event = make_event(world.operator_org, starts_at=timezone.now() + dt.timedelta(hours=5))
    registration_create(event=event, user=world.owner, actor=world.owner)
    assert [_run("--dry-run"), _run(), _run()] == [
        "1 registrations to remind (dry run)",
        "1 registrations reminded",
        "0 registrations reminded",
    ]
    assert Registration.objects.get().reminded_at is not None


def test_the_menu_has_one_entry_for_everyone_and_reads_nothing(
    world: World, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        items = nav_items(None)
    assert [url for _, url in items] == ["/events/"]
