"""Menu items of the demonstrations app (no query: the tests read the memberships the request
already holds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.core.navigation import nav_provider
from bitgoeul.demonstrations import access


@nav_provider("demonstrations")
def nav_items(user: Any) -> list[tuple[str, str]]:
    items = [(_("Showcase"), reverse("demonstrations:showcase"))]
    if access.company_org_ids(user) or access.host_org_ids(user) or is_operator_staff(user):
        items.append((_("Demonstrations"), reverse("demonstrations:list")))
    return items
