from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts import access
from bitgoeul.accounts.selectors import user_memberships
from bitgoeul.core.navigation import nav_items as app_nav_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu items for the user's roles, and their memberships for the organisation switcher."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_memberships": []}
    memberships = list(user_memberships(user))
    items = [(_("Home"), reverse("web:home"))]
    membership = getattr(request, "membership", None)
    if membership:
        items.append(
            (
                _("My organisation"),
                reverse("accounts:organization", args=[membership.organization_id]),
            )
        )
    items.extend(app_nav_items(user))
    if access.is_operator_staff(user):
        items.append((_("Audit trail"), reverse("audit:list")))
    # The account page (and from it the API tokens) is the header's own link, the user's name:
    # the menu keeps to the work, so that it fits on one or two lines at 1366 px.
    current = current_item(request.path, [url for _label, url in items])
    return {
        "nav_items": [
            {"label": label, "url": url, "active": url == current} for label, url in items
        ],
        "nav_memberships": memberships,
    }


def current_item(path: str, urls: list[str]) -> str | None:
    """The menu address the page is under: the longest that is the path or a folder above it
    (the nominations page, under /companies/nominations/, marks Nominations, not Companies)."""
    matching = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)
