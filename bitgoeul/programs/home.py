"""Sections of the programs app on people's home pages, one provider per area (registered with
`bitgoeul.core.home`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q

from bitgoeul.accounts.access import is_reviewer
from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.programs.enums import ReviewState
from bitgoeul.programs.selectors import reviewer_assignment_list

# --- scoring -----------------------------------------------------------------------------------


@home_provider("programs_scoring")
def scoring_home_sections(request: Any) -> list[HomeSection]:
    """A reviewer's reviews still to submit and the nearest due time (one query); nothing
    when there are none."""
    user = request.user
    if not is_reviewer(user):
        return []
    open_reviews = ~Q(review__state=ReviewState.SUBMITTED) | Q(review__isnull=True)
    figures = (
        reviewer_assignment_list(user)
        .order_by()
        .aggregate(
            waiting=Count("pk", filter=open_reviews),
            due=Min("stage__review_due_at", filter=open_reviews),
        )
    )
    if not figures["waiting"]:
        return []
    return [HomeSection("programs/scoring/home_reviewer.html", figures)]
