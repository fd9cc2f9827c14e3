"""Home sections of the lifecycle area: a company member's next bookings and open waitlist
offers; host staff's bookings awaiting approval. One query each, and only for people who may
have any."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.equipment.access import company_org_ids, host_org_ids
from bitgoeul.equipment.enums import HOLDING_STATES, WaitlistState
from bitgoeul.equipment.selectors_lifecycle import (
    approval_queue,
    company_bookings,
    waitlist_of_user,
)

HOME_BOOKINGS = 3


@home_provider("equipment.lifecycle")
def home_sections(request: Any) -> list[HomeSection]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    sections: list[HomeSection] = []
    if company_org_ids(user):
        now = timezone.now()
        upcoming = list(
            company_bookings(user)
            .filter(state__in=HOLDING_STATES, ends_at__gt=now)
            .order_by("starts_at", "pk")[:HOME_BOOKINGS]
        )
        offers = list(waitlist_of_user(user).filter(state=WaitlistState.OFFERED))
        if upcoming or offers:
            sections.append(
                HomeSection(
                    "equipment/lifecycle/home_company.html",
                    {"bookings": upcoming, "offers": offers},
                )
            )
    if host_org_ids(user):
        count = approval_queue(user).count()
        if count:
            sections.append(HomeSection("equipment/lifecycle/home_host.html", {"count": count}))
    return sections
