"""Menu items of the companies app, registered with `bitgoeul.core.navigation`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.companies import access
from bitgoeul.core.navigation import nav_provider


@nav_provider("companies")
def nav_items(user: Any) -> list[tuple[str, str]]:
    items = []
    companies = access.member_company_ids(user)
    if companies:
        # the first company the person belongs to (the home page follows the one they act for)
        items.append((_("My company"), reverse("companies:detail", args=[min(companies)])))
    items.append((_("Companies"), reverse("companies:list")))
    if access.is_staff(user):
        items.append((_("Nominations"), reverse("companies:nominations")))
        items.append((_("Watchlist"), reverse("companies:watchlist")))
    return items
