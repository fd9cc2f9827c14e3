"""The audit sentences of the burn area: a reclaim of a grant part's idle GPU-hours, and a
request granted what a reclaim freed. Korean sentences put a fixed noun after the inserted
names, so no particle depends on a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.compute.audit_actions_rounds import staff_link
from bitgoeul.compute.enums import RequestState
from bitgoeul.compute.models import GrantPart

GROUP = _("GPU allocation")

audit_action(
    "compute.reclaim",
    _("%(actor)s reclaimed idle GPU-hours of the GPU allocation part %(object)s."),
    group=GROUP,
)
audit_action(
    "compute.grant_from_reclaim",
    _("%(actor)s granted reclaimed GPU-hours to the GPU request %(object)s."),
    group=GROUP,
)


audit_object_type(
    "compute.grantpart",
    label=_("GPU allocation part"),
    resolve=pk_resolver(
        lambda: GrantPart.objects.select_related("pool", "grant__request").only(
            "period", "pool__name", "grant__request__project"
        ),
        lambda part: f"{part.grant.request.project} · {part.pool.name} {part.period}",
        staff_link("grant_detail", lambda part: part.grant_id),
    ),
)
audit_fields(
    "compute.grantpart",
    {
        "reclaimed_gpu_hours": AuditField(_("GPU-hours reclaimed")),
        "reason": AuditField(_("reason")),
        "reassigned": AuditField(_("given to")),
    },
)
audit_fields(
    "compute.computerequest",
    {
        "state": AuditField(_("state"), choices=dict(RequestState.choices)),
        "grant": AuditField(_("GPU allocation")),
        "gpu_hours": AuditField(_("GPU-hours")),
    },
)
