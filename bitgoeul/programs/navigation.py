"""Menu items of the programs app, registered with `bitgoeul.core.navigation`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import is_reviewer
from bitgoeul.core.navigation import nav_provider
from bitgoeul.programs import access


@nav_provider("programs")
def nav_items(user: Any) -> list[tuple[str, str]]:
    items = []
    # --- review
    if access.can_manage_reviewers(user):
        items.append((_("Reviewer pool"), reverse("programs:reviewer_pool")))
    if is_reviewer(user):
        items.append((_("Conflict of interest"), reverse("programs:review_declarations")))
    return items
