"""Demonstration sites: operator staff add sites for any institution, an institution's staff
for their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.demonstrations import access, services
from bitgoeul.demonstrations.forms import SiteForm


@login_required
def site_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage_sites(request.user):
        raise PermissionDenied
    hosts = Organization.objects.filter(access.site_hosts_for(request.user)).order_by("name")
    form = SiteForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        host = data.pop("host")
        services.site_create(actor=request.user, host=host, data=data)
        messages.success(
            request, _("The site was added. Companies can now propose projects there.")
        )
        return redirect("demonstrations:sites")
    sites = access.sites_managed(request.user).select_related("host")
    return render(request, "demonstrations/sites.html", {"form": form, "sites": sites})
