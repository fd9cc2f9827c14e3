"""Menu items of the programs app, registered with `bitgoeul.core.navigation`; one provider
per area (the registry keeps one function per name)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider
from bitgoeul.programs import access

# --- awards ------------------------------------------------------------------------------------


@nav_provider("programs.awards")
def award_nav_items(user: Any) -> list[tuple[str, str]]:
    """No query: both tests read the memberships the request already holds."""
    items = []
    if access.is_company_member(user):
        items.append((_("Our agreements"), reverse("programs:my_awards")))
    if access.may_manage_awards(user):
        items.append((_("Agreements and milestones"), reverse("programs:awards_manage")))
    return items
