"""Sections of the programs app on people's home pages, registered with `bitgoeul.core.home`
(one function per area, called in turn)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

from bitgoeul.accounts.access import is_reviewer
from bitgoeul.core.home import HomeSection, home_provider
from bitgoeul.programs import access, selectors
from bitgoeul.programs.enums import ApplicationState, CallState, ReviewState
from bitgoeul.programs.selectors import (
    milestones_needing_reports,
    reports_to_review_count,
    reviewer_assignment_list,
)

HOME_CALLS = 5


def _calls_section(user: Any) -> list[HomeSection]:
    """Call staff: their calls still in progress, with counts of applications (one query);
    nothing for people without such a call (the menu leads to "Manage calls")."""
    if not access.may_staff_calls(user):
        return []  # a company member: no query to build and find empty
    calls = list(
        selectors.calls_for_staff(user)
        .exclude(state=CallState.CLOSED)
        .select_related(None)  # the organiser is not shown here
        .only("title", "state", "closes_at")[:HOME_CALLS]  # nor the call's text (grouped by)
    )
    if not calls:
        return []
    return [
        HomeSection(
            "programs/calls/home/staff.html",
            {"calls": calls, "can_open_calls": access.can_open_calls(user)},
        )
    ]


@home_provider("programs")
def home_sections(request: Any) -> list[HomeSection]:
    user = request.user
    sections: list[HomeSection] = []
    sections += _calls_section(user)
    return sections


# --- awards ------------------------------------------------------------------------------------


@home_provider("programs.awards")
def award_home_sections(request: Any) -> list[HomeSection]:
    """Company members: the reports their awards need within 30 days or overdue. Call staff:
    the reports awaiting review (검수). One query each, and only for people who may have any."""
    user = request.user
    sections: list[HomeSection] = []
    if access.is_company_member(user):
        due = list(
            milestones_needing_reports(access.awards_of_member(user)).only(
                # what the section lists (the award, application and call rows are wide)
                "order",
                "deliverable",
                "due_on",
                "state",
                "award__application__call__title",
            )[:5]
        )
        if due:
            sections.append(HomeSection("programs/awards/home_company.html", {"due": due}))
    if access.may_manage_awards(user):
        count = reports_to_review_count(access.calls_staffed_by(user))
        if count:
            sections.append(HomeSection("programs/awards/home_staff.html", {"count": count}))
    return sections


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
        .select_related(None)
        .select_related("call")
        .only("state", "call__title", "call__closes_at")  # what the section lists
        .order_by("call__closes_at", "pk")[:HOME_DRAFTS]
    )
    if not drafts:
        return []
    return [
        HomeSection("programs/apps/home.html", {"drafts": drafts, "server_now": timezone.now()})
    ]


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
