"""Menu items of the programs app (registered from `ProgramsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider
from bitgoeul.programs import access

# --- apps (applications) -------------------------------------------------------------------------


@nav_provider("programs.applications")
def application_nav_items(user: Any) -> list[tuple[str, str]]:
    """Members of a company: their applications (reads only the memberships already loaded)."""
    if access.applicant_company_ids(user):
        return [(_("My applications"), reverse("programs:my_applications"))]
    return []
