"""Menu items of the promotion app: one entry for events, the calendar and news (the pages
link to each other with tabs), so that the menu stays short."""

from __future__ import annotations

from typing import Any

from bitgoeul.core.navigation import nav_provider


@nav_provider("promotion")
def nav_items(user: Any) -> list[tuple[str, str]]:
    return []  # the events area adds (_("Events and news"), reverse("promotion:event_list"))
