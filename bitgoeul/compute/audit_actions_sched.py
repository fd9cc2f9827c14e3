"""The audit sentences of the scheduler area (cluster logins)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action

audit_action(
    "cluster_login.set",
    _("%(actor)s changed the cluster login of %(object)s."),
    group=_("GPU resources"),
)
