"""What this app's audit events say on the audit pages (registered from WebConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type

audit_action("demo.load", _("%(actor)s loaded the demonstration data."), group=_("Demonstration"))
audit_object_type("demo", label=_("demonstration data"))
