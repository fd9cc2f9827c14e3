"""Audit sentences of the notifications app, registered here until that app registers its own
from its AppConfig.ready (it was outside the change that added the registry)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import AuditField, audit_action, audit_fields


def _notification_kind(code: str) -> Promise | str | None:
    from bitgoeul.notifications.registry import kind_get

    kind = kind_get(code)
    return kind.label if kind else None


# before/after: {kind code: {"in_app": bool, "email": bool}} for each kind that changed
audit_action(
    "notification_preferences.set",
    _("%(actor)s changed the notification settings of %(object)s."),
    group=_("Notifications"),
    key_label=_notification_kind,
)
audit_fields(
    "accounts.user",
    {
        "in_app": AuditField(_("on the site"), "bool"),
        "email": AuditField(_("by e-mail"), "bool"),
    },
)
