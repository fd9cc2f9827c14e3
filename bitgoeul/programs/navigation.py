"""Menu items of the programs app, one provider per area (registered with
`bitgoeul.core.navigation`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import is_reviewer
from bitgoeul.core.navigation import nav_provider

# --- scoring -----------------------------------------------------------------------------------


@nav_provider("programs_scoring")
def scoring_nav_items(user: Any) -> list[tuple[str, str]]:
    # `is_reviewer` reads the profile loaded with the user: no query on every page
    if is_reviewer(user):
        return [(_("My reviews"), reverse("programs:my_reviews"))]
    return []
