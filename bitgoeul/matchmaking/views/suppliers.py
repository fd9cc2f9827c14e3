"""The supplier's matchmaking profile (administrators of the company): whether it takes
requests, how many conversations at once, and what it offers regional companies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.matchmaking import access, forms, services
from bitgoeul.matchmaking.models import SupplierProfile


@login_required
def supplier_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    companies = list(access.supplier_companies(request.user))
    if not companies:
        raise PermissionDenied
    chosen = request.GET.get("company") or request.POST.get("company") or ""
    company = next((c for c in companies if str(c.pk) == chosen), companies[0])
    profile = SupplierProfile.objects.filter(company=company).first()
    initial = {
        "accepts_needs": profile.accepts_needs if profile else True,
        "capacity": profile.capacity if profile else SupplierProfile().capacity,
        "pitch": profile.pitch if profile else "",
    }
    form = forms.SupplierProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.supplier_profile_save(company=company, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your matchmaking profile is saved."))
        return redirect(f"{request.path}?company={company.pk}")
    return render(
        request,
        "matchmaking/profile.html",
        {
            "form": form,
            "company": company,
            "companies": companies,
            "is_supplier": company.search_ai_central,
        },
    )
