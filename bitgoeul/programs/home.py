"""Sections of the programs app on people's home pages (`bitgoeul.core.home`); one provider
per area (the registry keeps one function per name)."""

from __future__ import annotations

from typing import Any

from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.programs import access
from bitgoeul.programs.selectors import milestones_needing_reports, reports_to_review_count

# --- awards ------------------------------------------------------------------------------------


@home_provider("programs.awards")
def award_home_sections(request: Any) -> list[HomeSection]:
    """Company members: the reports their awards need within 30 days or overdue. Call staff:
    the reports awaiting review (검수). One query each, and only for people who may have any."""
    user = request.user
    sections: list[HomeSection] = []
    if access.is_company_member(user):
        due = list(milestones_needing_reports(access.awards_of_member(user))[:5])
        if due:
            sections.append(HomeSection("programs/awards/home_company.html", {"due": due}))
    if access.may_manage_awards(user):
        count = reports_to_review_count(access.calls_staffed_by(user))
        if count:
            sections.append(HomeSection("programs/awards/home_staff.html", {"count": count}))
    return sections
