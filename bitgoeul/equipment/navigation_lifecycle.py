"""Menu item of the lifecycle area: the bookings page, for members of a company and for staff of
an institution (who may host equipment). No query: both read the memberships the request holds;
the approval queue and the statement are reached from the bookings page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.core.navigation import nav_provider
from bitgoeul.equipment.access import company_org_ids, host_org_ids


@nav_provider("equipment.lifecycle")
def nav_items(user: Any) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if company_org_ids(user) or host_org_ids(user) or is_operator_staff(user):
        return [(_("Equipment bookings"), reverse("equipment:booking_list"))]
    return []
