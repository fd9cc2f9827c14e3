"""The catalogue's menu item, registered with `bitgoeul.core.navigation`. No query: everyone
gets the catalogue; those who manage it reach the management pages from there."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider


@nav_provider("equipment.catalogue")
def catalogue_nav_items(user: Any) -> list[tuple[str, str]]:
    return [(_("Equipment"), reverse("equipment:item_list"))]
