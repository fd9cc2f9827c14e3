from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.companies import access
from bitgoeul.companies.forms import (
    CertificationForm,
    CompanyForm,
    InvestmentForm,
    MetricForm,
    NominationForm,
    SharingForm,
    WatchForm,
)
from bitgoeul.companies.ksic import ksic_label
from bitgoeul.companies.models import Certification, CompanyMetric, Investment
from bitgoeul.companies.presenters import breakdown_rows, metric_charts, peer_group_label
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.companies.selectors import companies_with_watch_note, company_score_history
from bitgoeul.companies.services import profile as services


def company_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    """The company page: the public profile, the record for members and staff, and the
    private part (figures, investments, score and why) for those who may see it."""
    user: Any = request.user
    # staff may watch a company: its watchlist note (if any) is read with it
    rows = companies_with_watch_note(user) if access.is_staff(user) else None
    company = access.company_for_viewer(user, org_id, rows)
    # the fields of access.COMPANY_FIELDS this viewer may see here: the template shows these
    shown = access.company_fields(user, company)
    private = "score" in shown
    today = timezone.localdate()
    certifications = list(company.certifications.all())
    context: dict[str, Any] = {
        "company": company,
        "org": company.organization,
        "shown": shown,
        "province": BY_CODE.get(company.province),
        "ksic": ksic_label(company.ksic_code, request.LANGUAGE_CODE) if company.ksic_code else "",
        "technologies": list(company.technologies.all()),
        "certifications": [(c, c.is_valid_on(today)) for c in certifications],
        "record": "stage" in shown,
        "private": private,
        "can_edit": access.can_edit(user, company),
        "can_share": access.can_manage_sharing(user, company),
        "can_nominate": access.can_nominate(user, company),
        "can_watch": access.can_watch(user, company),
        "can_mark_reviewed": access.can_mark_reviewed(user) and company.needs_review,
        "read_only_chapter": private
        and not access.can_edit(user, company)
        and access.follows(user, company),
    }
    if context["can_watch"]:
        note = company.watch_note  # type: ignore[attr-defined]
        context["watched"] = note is not None
        context["watch_form"] = WatchForm(initial={"note": note or ""})
    if private:  # the score, the yearly figures, investments and nominations
        metrics = list(company.metrics.all())
        history = company_score_history(company)  # newest first: its first is the latest score
        score = history[0] if history else None
        investments = list(company.investments.all())
        context.update(
            metrics=metrics,
            charts=metric_charts(metrics),
            investments=investments,
            score=score,
            breakdown=breakdown_rows(score, investments) if score else [],
            peer_group=peer_group_label(score.breakdown.get("group", "*")) if score else "",
            history=history,
            nominations=list(company.nominations.select_related("chapter", "nominated_by")),
        )
    if context["can_share"]:
        context["sharing_form"] = SharingForm(
            initial={
                "is_public": company.is_public,
                "share_with_chapter": company.shares_with_chapter,
            }
        )
    return render(request, "companies/detail.html", context)


@login_required
def company_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        services.company_update(
            company=company,
            actor=request.user,
            data=form.profile_data(),
            technologies=list(form.cleaned_data["technologies"]),
        )
        messages.success(request, _("The company profile was saved."))
        return redirect("companies:detail", org_id=company.pk)
    context = {
        "company": company,
        "form": form,
        "metric_form": MetricForm(),
        "investment_form": InvestmentForm(),
        "certification_form": CertificationForm(),
        "metrics": list(company.metrics.all()),
        "investments": list(company.investments.all()),
        "certifications": list(company.certifications.all()),
    }
    return render(request, "companies/edit.html", context)


def _back_to_edit(request: HttpRequest, org_id: int, form: Any, done: str) -> HttpResponse:
    if form.is_valid():
        messages.success(request, done)
    else:
        errors = "; ".join(
            f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}"
            for k, v in form.errors.items()
        )
        messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
    return redirect("companies:edit", org_id=org_id)


@login_required
@require_POST
def metric_set(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    form = MetricForm(request.POST)
    if form.is_valid():
        services.company_metric_set(company=company, actor=request.user, **form.cleaned_data)
    return _back_to_edit(request, org_id, form, _("The yearly figures were saved."))


@login_required
@require_POST
def metric_delete(request: HttpRequest, org_id: int, metric_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    metric = get_object_or_404(CompanyMetric, pk=metric_id, company=company)
    services.company_metric_delete(metric=metric, actor=request.user)
    messages.success(request, _("The figures of %(year)d were deleted.") % {"year": metric.year})
    return redirect("companies:edit", org_id=org_id)


@login_required
@require_POST
def investment_add(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    form = InvestmentForm(request.POST)
    if form.is_valid():
        services.investment_add(company=company, actor=request.user, **form.cleaned_data)
    return _back_to_edit(request, org_id, form, _("The investment round was added."))


@login_required
@require_POST
def investment_delete(request: HttpRequest, org_id: int, investment_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    investment = get_object_or_404(Investment, pk=investment_id, company=company)
    services.investment_delete(investment=investment, actor=request.user)
    messages.success(request, _("The investment round was deleted."))
    return redirect("companies:edit", org_id=org_id)


@login_required
@require_POST
def certification_add(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    form = CertificationForm(request.POST)
    if form.is_valid():
        services.certification_add(company=company, actor=request.user, **form.cleaned_data)
    return _back_to_edit(request, org_id, form, _("The certification was added."))


@login_required
@require_POST
def certification_delete(request: HttpRequest, org_id: int, certification_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    certification = get_object_or_404(Certification, pk=certification_id, company=company)
    services.certification_delete(certification=certification, actor=request.user)
    messages.success(request, _("The certification was deleted."))
    return redirect("companies:edit", org_id=org_id)


@login_required
@require_POST
def company_sharing(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_sharing(request.user, org_id)
    form = SharingForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    services.company_set_sharing(
        company=company,
        actor=request.user,
        is_public=bool(data.get("is_public")),
        share_with_chapter=bool(data.get("share_with_chapter")),
    )
    messages.success(request, _("Your sharing choices were saved."))
    return redirect("companies:detail", org_id=company.pk)


@login_required
@require_POST
def company_reviewed(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_editor(request.user, org_id)
    if not access.can_mark_reviewed(request.user):
        raise PermissionDenied
    services.company_mark_reviewed(company=company, actor=request.user)
    messages.success(request, _("The company was marked as reviewed."))
    return redirect("companies:detail", org_id=company.pk)


@login_required
def company_nominate(request: HttpRequest, org_id: int) -> HttpResponse:
    from bitgoeul.companies.services.nominations import nomination_create

    company = access.company_for_nominator(request.user, org_id)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chapter = company.organization.parent
        assert chapter is not None  # followed companies have a chapter
        nomination_create(company=company, chapter=chapter, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The nomination was sent to the cluster."))
        return redirect("companies:detail", org_id=company.pk)
    return render(request, "companies/nominate.html", {"company": company, "form": form})
