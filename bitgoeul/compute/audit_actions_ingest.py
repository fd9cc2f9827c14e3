"""The audit sentences of the usage ledger (area "ingest"): one event per ingestion (its
counts) and one per account assigned to a grant by staff."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type

USAGE_GROUP = _("GPU usage")

audit_action(
    "compute.usage_ingest",
    _("%(actor)s added a usage report %(object)s to the GPU usage ledger."),
    group=USAGE_GROUP,
)
audit_action(
    "compute.account_assign",
    _("%(actor)s assigned the scheduler account %(object)s to a GPU grant."),
    group=USAGE_GROUP,
)
audit_object_type("compute.usage_batch", label=_("GPU usage report"))
audit_object_type("compute.accountmapping", label=_("scheduler account"))
