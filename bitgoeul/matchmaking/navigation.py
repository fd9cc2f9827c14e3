"""Menu items of the matchmaking app: one entry for company members and staff (no query: it
reads the memberships the request already holds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider
from bitgoeul.matchmaking import access


@nav_provider("matchmaking")
def nav_items(user: Any) -> list[tuple[str, str]]:
    if access.uses_matchmaking(user):
        return [(_("Matchmaking"), reverse("matchmaking:need_list"))]
    return []
