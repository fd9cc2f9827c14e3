"""Sections of the demonstrations app on people's home pages: the host's and the operator's
projects awaiting their decision, and the company's projects under way (one query each, and
only for people who may have any)."""

from __future__ import annotations

from typing import Any

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.demonstrations import access, selectors
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project

HOME_ROWS = 5


@home_provider("demonstrations")
def home_sections(request: Any) -> list[HomeSection]:
    user = request.user
    sections: list[HomeSection] = []
    if access.host_org_ids(user) or is_operator_staff(user):
        waiting = list(
            selectors.awaiting_decision(user).select_related("company__organization")[
                : HOME_ROWS + 1
            ]
        )
        if waiting:
            sections.append(
                HomeSection(
                    "demonstrations/home_staff.html",
                    {"waiting": waiting[:HOME_ROWS], "more": len(waiting) > HOME_ROWS},
                )
            )
    companies = access.company_org_ids(user)
    if companies:
        running = list(
            Project.objects.filter(
                company_id__in=companies,
                state__in=[ProjectState.APPROVED, ProjectState.RETURNED, ProjectState.DRAFT],
            ).order_by("-updated_at")[:HOME_ROWS]
        )
        if running:
            sections.append(HomeSection("demonstrations/home_company.html", {"projects": running}))
    return sections
