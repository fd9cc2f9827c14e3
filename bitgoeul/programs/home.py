"""Sections of the programs app on people's home pages (registered from
`ProgramsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.programs import access, selectors
from bitgoeul.programs.enums import ApplicationState

# --- apps (applications) -------------------------------------------------------------------------

HOME_DRAFTS = 3


@home_provider("programs.applications")
def application_home_sections(request: Any) -> list[HomeSection]:
    """Members of a company with applications to finish: the nearest deadlines first (one
    query; nothing for people without a company or without a draft)."""
    if not access.applicant_company_ids(request.user):
        return []
    drafts = list(
        selectors.my_applications(request.user)
        .filter(state__in=[ApplicationState.DRAFT, ApplicationState.CHANGES_REQUESTED])
        .order_by("call__closes_at", "pk")[:HOME_DRAFTS]
    )
    if not drafts:
        return []
    return [
        HomeSection("programs/apps/home.html", {"drafts": drafts, "server_now": timezone.now()})
    ]
