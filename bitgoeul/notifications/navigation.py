"""The menu item with the unread count (one COUNT query per page for signed-in users)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from bitgoeul.core.navigation import nav_provider
from bitgoeul.notifications.selectors import unread_count


@nav_provider("notifications")
def nav_items(user: Any) -> list[tuple[str, str]]:
    count = unread_count(user)
    label = _("Notifications (%(count)d new)") % {"count": count} if count else _("Notifications")
    return [(label, reverse("notifications:list"))]
