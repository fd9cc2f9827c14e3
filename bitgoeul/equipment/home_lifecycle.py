"""Home sections of the lifecycle area: a company member's next bookings; host staff's
bookings awaiting approval. One query each, and only for people who may have any."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.equipment.access import company_org_ids, host_org_ids
from bitgoeul.equipment.selectors_lifecycle import approval_queue, company_upcoming_bookings

HOME_BOOKINGS = 3


@home_provider("equipment.lifecycle")
def home_sections(request: Any) -> list[HomeSection]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    sections: list[HomeSection] = []
    if company_org_ids(user):
        upcoming = company_upcoming_bookings(user, now=timezone.now(), limit=HOME_BOOKINGS)
        # open waitlist offers are not read here: each is a notice (counted in the header) and
        # heads the bookings page, and the home keeps to its query budget
        if upcoming:
            sections.append(
                HomeSection("equipment/lifecycle/home_company.html", {"bookings": upcoming})
            )
    # operator staff may decide any booking, but deciding is the host's daily work: their home
    # (already full of the cluster's figures) leaves it to the approval queue in the menu
    if host_org_ids(user) and not is_operator_staff(user):
        count = approval_queue(user).count()
        if count:
            sections.append(HomeSection("equipment/lifecycle/home_host.html", {"count": count}))
    return sections
