"""Scheduler files for staff (Slurm script, Kueue YAML) and a member's cluster login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.compute import access
from bitgoeul.compute.forms_sched import ClusterLoginForm
from bitgoeul.compute.schedulers import kueue_yaml, slurm_script
from bitgoeul.compute.selectors_sched import scheduler_plan
from bitgoeul.compute.services.sched import cluster_login_set
from bitgoeul.core.http import error_text, safe_next_url

KINDS = {"slurm": ("text/x-shellscript", "sh"), "kueue": ("application/yaml", "yaml")}


def _export(kind: str, round_id: int | None) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    plan = scheduler_plan(round_id=round_id)
    text = slurm_script(plan) if kind == "slurm" else kueue_yaml(plan)
    content_type, extension = KINDS[kind]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    scope = f"round-{round_id}" if round_id is not None else "active"
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bitgoeul-{kind}-{scope}-{stamp}.{extension}"'
    )
    return response


@login_required
@require_GET
def scheduler_export(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The file for every active, decided grant (what the clusters should hold now)."""
    if not access.can_export_schedulers(request.user):
        raise PermissionDenied
    return _export(kind, None)


@login_required
@require_GET
def round_scheduler_export(
    request: AuthenticatedHttpRequest, round_id: int, kind: str
) -> HttpResponse:
    """The file for one round's grants (empty of companies until the round is decided)."""
    if not access.can_export_schedulers(request.user):
        raise PermissionDenied
    access.round_for(request.user, round_id)
    return _export(kind, round_id)


@login_required
@require_POST
def cluster_login_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member sets their own cluster login from a grant's "how to use" box, then goes back."""
    back = safe_next_url(request, default="accounts:account")
    if not access.can_set_cluster_login(request.user, request.user):
        raise PermissionDenied
    form = ClusterLoginForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("login", [])))
        return redirect(back)
    try:
        login = cluster_login_set(
            user=request.user, login=form.cleaned_data["login"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    if login is None:
        messages.success(request, _("Your cluster login is removed."))
    else:
        messages.success(
            request,
            _(
                "Your cluster login is saved. It reaches the cluster with the data centre's "
                "next update of the Slurm accounts."
            ),
        )
    return redirect(back)
