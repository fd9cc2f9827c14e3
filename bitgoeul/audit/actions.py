"""Audit sentences of the notifications app, registered here until that app registers its own
from its AppConfig.ready (it was outside the change that added the registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action

audit_action(
    "notification_preferences.set",
    _("%(actor)s changed the notification settings of %(object)s."),
    group=_("Notifications"),
)
