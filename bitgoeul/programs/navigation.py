"""Menu items of the programs app, registered with `bitgoeul.core.navigation` (one section per
area)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import is_reviewer
from bitgoeul.core.navigation import nav_provider
from bitgoeul.programs import access


@nav_provider("programs")
def nav_items(user: Any) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    # --- calls ---
    items.append((_("Calls"), reverse("programs:call_list")))
    if access.can_open_calls(user):
        items.append((_("Manage calls"), reverse("programs:call_staff_list")))
    return items


# --- awards ------------------------------------------------------------------------------------


@nav_provider("programs.awards")
def award_nav_items(user: Any) -> list[tuple[str, str]]:
    """No query: both tests read the memberships the request already holds."""
    items = []
    if access.is_company_member(user):
        items.append((_("Our agreements"), reverse("programs:my_awards")))
    # Those who open calls reach agreements from "Manage calls" (one menu item for the staff
    # side of programmes keeps the menu on one line at 1366 px); others who staff calls of
    # their organisation (institutions co-organising) get their own entry.
    if access.may_manage_awards(user) and not access.can_open_calls(user):
        items.append((_("Agreements and milestones"), reverse("programs:awards_manage")))
    return items


# --- apps (applications) -------------------------------------------------------------------------


@nav_provider("programs.applications")
def application_nav_items(user: Any) -> list[tuple[str, str]]:
    """Members of a company: their applications (reads only the memberships already loaded)."""
    if access.applicant_company_ids(user):
        return [(_("My applications"), reverse("programs:my_applications"))]
    return []


# --- scoring -----------------------------------------------------------------------------------


@nav_provider("programs_scoring")
def scoring_nav_items(user: Any) -> list[tuple[str, str]]:
    # `is_reviewer` reads the profile loaded with the user: no query on every page
    if is_reviewer(user):
        return [(_("My reviews"), reverse("programs:my_reviews"))]
    return []


@nav_provider("programs.review")
def review_nav_items(user: Any) -> list[tuple[str, str]]:
    # The pool is reached from "Manage calls", declarations from "My reviews" (one menu item per
    # role's side of programmes).
    return []
