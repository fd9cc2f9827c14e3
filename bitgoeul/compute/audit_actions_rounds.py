"""The audit sentences of the rounds area. Korean sentences put a fixed noun after the inserted
names, so no particle depends on a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action

GROUP = _("GPU allocation")

for code, sentence in (
    ("compute.round_create", _("%(actor)s created the allocation round %(object)s.")),
    ("compute.round_update", _("%(actor)s changed the allocation round %(object)s.")),
    ("compute.round_state", _("%(actor)s opened or closed the allocation round %(object)s.")),
    ("compute.round_approve", _("%(actor)s approved a run of the allocation round %(object)s.")),
    ("compute.run_start", _("%(actor)s started the allocation run %(object)s.")),
    ("compute.request_create", _("%(actor)s drafted the GPU request %(object)s.")),
    ("compute.request_update", _("%(actor)s changed the GPU request %(object)s.")),
    ("compute.request_submit", _("%(actor)s submitted the GPU request %(object)s.")),
    ("compute.request_rolling", _("%(actor)s submitted the rolling GPU request %(object)s.")),
    ("compute.request_withdraw", _("%(actor)s withdrew the GPU request %(object)s.")),
    ("compute.request_priority", _("%(actor)s set the priority of the GPU request %(object)s.")),
):
    audit_action(code, sentence, group=GROUP)
