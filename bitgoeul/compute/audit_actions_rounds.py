"""The audit sentences of the rounds area, and how its objects are named on the audit pages
(rounds, runs, requests, grants; linked for compute staff), each read with only the columns
its name needs (a request's or a round's own columns are many, some of them JSON). Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.compute.models import ComputeRequest, Grant, Round, SolveRun

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


def staff_link(
    url_name: str, key: Callable[[Any], int] = lambda obj: obj.pk
) -> Callable[[Any, Any], str]:
    """The page `compute:<url_name>` of the object (of `key(obj)`, its pk by default) for
    compute staff, who may open any; no link for other readers."""

    def url(obj: Any, viewer: Any) -> str:
        from bitgoeul.compute.access import is_compute_staff

        return reverse(f"compute:{url_name}", args=[key(obj)]) if is_compute_staff(viewer) else ""

    return url


audit_object_type(
    "compute.round",
    label=_("allocation round"),
    resolve=pk_resolver(
        lambda: Round.objects.only("name"), lambda rnd: rnd.name, staff_link("round")
    ),
)
audit_object_type(
    "compute.solverun",
    label=_("allocation run"),
    resolve=pk_resolver(
        lambda: SolveRun.objects.select_related("round").only("number", "round__name"),
        lambda run: f"{run.round.name} #{run.number}",
        staff_link("run"),
    ),
)
audit_object_type(
    "compute.computerequest",
    label=_("GPU request"),
    resolve=pk_resolver(
        lambda: ComputeRequest.objects.select_related("company__organization").only(
            "project", "company__organization__name"
        ),
        lambda request: f"{request.project} ({request.company.organization.name})",
        staff_link("request"),
    ),
)
audit_object_type(
    "compute.grant",
    label=_("GPU allocation"),
    resolve=pk_resolver(
        lambda: Grant.objects.select_related("request", "company__organization").only(
            "request__project", "company__organization__name"
        ),
        lambda grant: f"{grant.request.project} ({grant.company.organization.name})",
        staff_link("grant_detail"),
    ),
)
