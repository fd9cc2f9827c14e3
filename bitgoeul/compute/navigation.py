"""The compute app's one menu item, "GPU", for company members and compute staff (no query:
it reads the memberships the request already holds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.compute import access
from bitgoeul.core.navigation import nav_provider


@nav_provider("compute")
def nav_items(user: Any) -> list[tuple[str, str]]:
    if access.member_company_ids(user) or access.is_compute_staff(user):
        return [(_("GPU"), reverse("compute:home"))]
    return []
