"""The audit sentences of the pools area: pools and tariffs, maintenance windows, discounts.
Korean sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.compute.models import Discount, Pool

POOLS_GROUP = _("GPU pools")

for code, sentence in (
    ("compute_pool.create", _("%(actor)s added the GPU pool %(object)s.")),
    ("compute_pool.update", _("%(actor)s changed the GPU pool %(object)s.")),
    ("compute_maintenance.create", _("%(actor)s planned maintenance of the pool %(object)s.")),
    ("compute_maintenance.update", _("%(actor)s changed maintenance of the pool %(object)s.")),
    ("compute_maintenance.delete", _("%(actor)s removed maintenance of the pool %(object)s.")),
    ("compute_discount.create", _("%(actor)s added the GPU discount %(object)s.")),
    ("compute_discount.update", _("%(actor)s changed the GPU discount %(object)s.")),
):
    audit_action(code, sentence, group=POOLS_GROUP)

audit_object_type(
    "compute.pool",
    label=_("GPU pool"),
    resolve=pk_resolver(lambda: Pool.objects.all(), lambda pool: pool.name),
)
audit_object_type(
    "compute.discount",
    label=_("GPU discount"),
    resolve=pk_resolver(lambda: Discount.objects.all(), lambda discount: discount.name),
)
