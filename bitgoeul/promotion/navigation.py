"""Menu items of the promotion app: one entry for events, the calendar and news (the pages
link to each other with tabs), so that the menu stays short. No query."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider


@nav_provider("promotion")
def nav_items(user: Any) -> list[tuple[str, str]]:
    return [(_("Events and news"), reverse("promotion:event_list"))]
