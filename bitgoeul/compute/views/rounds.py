"""Pages of the rounds area: the compute home, rounds, runs and GPU requests. Thin: access,
then a service or selector, then the template."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.compute import access, selectors_home, selectors_usage
from bitgoeul.compute import selectors_rounds as selectors
from bitgoeul.compute.enums import RequestState, RoundState
from bitgoeul.compute.forms_rounds import (
    PriorityForm,
    RequestForm,
    RoundForm,
    RunForm,
    rolling_months,
)
from bitgoeul.compute.models import ComputeRequest, Grant, Pool, Round, SolveRun
from bitgoeul.compute.reasons_rounds import decision_sentence, reason_label, waiting_sentence
from bitgoeul.compute.services import requests as request_services
from bitgoeul.compute.services import rounds as round_services
from bitgoeul.compute.views.charts_rounds import pool_chart
from bitgoeul.compute.weights import request_weight
from bitgoeul.core.http import error_text
from bitgoeul.core.visibility import ViewLevel


def _chapters() -> Any:
    return Organization.objects.filter(kind=OrganizationKind.CHAPTER).order_by("name")


# --- home and rounds ---------------------------------------------------------------------------


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    staff = access.is_compute_staff(user)
    if not staff and not access.can_request(user):
        raise PermissionDenied
    context: dict[str, Any] = {
        "staff": staff,
        "open_rounds": list(selectors.open_rounds()),
        "can_export_schedulers": access.can_export_schedulers(user),
    }
    if access.can_request(user):
        companies = access.member_company_ids(user)
        context["my_requests"] = list(
            ComputeRequest.objects.filter(company_id__in=companies)
            .select_related("round", "company__organization")
            .order_by("-created_at")[:50]
        )
        context["my_grants"] = list(
            Grant.objects.filter(company_id__in=companies)
            .select_related("round", "request")
            .order_by("-created_at")[:50]
        )
    if staff:
        month = selectors.current_period()
        context["month"] = month
        context["pools_month"] = selectors_home.pools_month(month)
        context["round_lines"] = selectors_home.round_lines(
            list(Round.objects.order_by("-created_at")[:100])
        )
        context["unmatched_accounts"] = selectors_usage.unmatched_account_count()
        context["waiting"] = list(selectors.waiting_rolling_requests()[:100])
    return render(request, "compute/rounds/home.html", context)


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = access.visible_rounds_public(request.user).prefetch_related("pools")
    return render(
        request,
        "compute/rounds/round_list.html",
        {
            "rounds": rounds,
            "staff": access.is_compute_staff(request.user),
            "can_request": access.can_request(request.user),
        },
    )


@login_required
def round_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_compute_staff(request.user)
    form = RoundForm(request.POST or None, chapters=_chapters())
    if request.method == "POST" and form.is_valid():
        try:
            rnd = round_services.round_create(
                actor=request.user,
                data=form.data_for_service(),
                pools=list(form.cleaned_data["pools"]),
                chapters=list(form.cleaned_data["eligible_chapters"]),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The round was saved as a draft. Open it for requests."))
            return redirect("compute:round", round_id=rnd.pk)
    return render(request, "compute/rounds/round_form.html", {"form": form, "round": None})


@login_required
def round_edit(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    rnd = access.round_for_staff(request.user, round_id)
    form = RoundForm(request.POST or None, initial=RoundForm.initial_for(rnd), chapters=_chapters())
    if request.method == "POST" and form.is_valid():
        try:
            round_services.round_update(
                actor=request.user,
                rnd=rnd,
                data=form.data_for_service(),
                pools=list(form.cleaned_data["pools"]),
                chapters=list(form.cleaned_data["eligible_chapters"]),
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The round was saved."))
            return redirect("compute:round", round_id=rnd.pk)
    return render(request, "compute/rounds/round_form.html", {"form": form, "round": rnd})


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = access.round_for(request.user, round_id)
    staff = access.is_compute_staff(request.user)
    context: dict[str, Any] = {
        "round": rnd,
        "staff": staff,
        "pools": list(rnd.pools.all()),
        "can_export_schedulers": access.can_export_schedulers(request.user)
        and rnd.state == RoundState.APPROVED,
    }
    rows = []
    if rnd.state == RoundState.APPROVED or staff:
        for item in selectors.round_requests(rnd):
            if not staff and item.state not in access.PUBLISHED_STATES:
                continue
            grant = getattr(item, "grant", None)
            rows.append(
                {
                    "request": item,
                    "granted": grant.gpu_hours if grant else 0.0,
                    "reason": reason_label(item.reason),
                }
            )
    context["rows"] = rows
    if rnd.state == RoundState.APPROVED and rnd.approved_run_id:
        context["chart"] = pool_chart(rnd.approved_run)  # type: ignore[arg-type]
    if staff:
        context["runs"] = list(rnd.runs.order_by("-number"))
        context["run_form"] = RunForm(rnd=rnd)
        context["next_states"] = [
            (state, RoundState(state).label)
            for state in sorted(round_services.TRANSITIONS[rnd.state])
            if state != RoundState.APPROVED
        ]
    context["can_request"] = (
        rnd.state == RoundState.OPEN and access.can_request(request.user) and not staff
    )
    return render(request, "compute/rounds/round_detail.html", context)


@login_required
@require_POST
def round_state(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    rnd = access.round_for_staff(request.user, round_id)
    try:
        round_services.round_set_state(
            actor=request.user, rnd=rnd, state=request.POST.get("state", "")
        )
    except (round_services.IllegalTransition, KeyError):
        messages.error(request, _("The round cannot move to that state now."))
    else:
        messages.success(request, _("The round's state was changed."))
    return redirect("compute:round", round_id=rnd.pk)


# --- runs --------------------------------------------------------------------------------------


@login_required
@require_POST
def run_start(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    rnd = access.round_for_staff(request.user, round_id)
    form = RunForm(request.POST, rnd=rnd)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("compute:round", round_id=rnd.pk)
    try:
        run = round_services.run_start(
            actor=request.user,
            rnd=rnd,
            settings=form.settings(),
            label=form.cleaned_data.get("label") or "",
        )
    except round_services.RunError as error:
        messages.error(request, str(error))
        return redirect("compute:round", round_id=rnd.pk)
    assert run.job_id is not None
    return redirect("jobs:detail", job_id=run.job_id)


def _run_for_staff(request: AuthenticatedHttpRequest, run_id: int) -> SolveRun:
    access.require_compute_staff(request.user)
    run = SolveRun.objects.select_related("round", "job").filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@login_required
def run_detail(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run_for_staff(request, run_id)
    by_id = {
        str(r.pk): r
        for r in ComputeRequest.objects.filter(round=run.round).select_related(
            "company__organization"
        )
    }
    weights = {row["id"]: row["weight"] for row in (run.problem or {}).get("requests", [])}
    cap = (run.problem or {}).get("company_cap")
    rows = []
    for decided in (run.result or {}).get("grants", []):
        item = by_id.get(decided["request"])
        if item is None:
            continue
        rows.append(
            {
                "request": item,
                "weight": weights.get(decided["request"]),
                "granted": decided["granted"],
                "reason": reason_label(decided["reason"]),
                "sentence": decision_sentence(
                    decided["reason"],
                    granted=float(decided["granted"]),
                    demand=item.demand_gpu_hours,
                    minimum=item.minimum_gpu_hours,
                    cap_share=cap,
                ),
                "parts": decided["parts"],
            }
        )
    rows.sort(key=lambda row: -(row["weight"] or 0))
    others = run.round.runs.exclude(pk=run.pk).order_by("-number")
    return render(
        request,
        "compute/rounds/run_detail.html",
        {
            "run": run,
            "rows": rows,
            "cells": (run.result or {}).get("pools", []),
            "others": others,
            "chart": pool_chart(run),
            "can_approve": run.round.state == RoundState.CLOSED and run.status == "done",
        },
    )


@login_required
def run_compare(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run_for_staff(request, run_id)
    other_id = request.GET.get("with", "")
    other = (
        SolveRun.objects.filter(round=run.round, pk=other_id).first()
        if other_id.isdigit()
        else None
    )
    if other is None:
        raise Http404
    left, right = selectors.run_summary(run), selectors.run_summary(other)
    pools = sorted(set(left.granted_by_pool) | set(right.granted_by_pool))
    by_pool = [
        (pool, left.granted_by_pool.get(pool, 0.0), right.granted_by_pool.get(pool, 0.0))
        for pool in pools
    ]
    names = {
        str(r.pk): r
        for r in ComputeRequest.objects.filter(round=run.round).select_related(
            "company__organization"
        )
    }
    changed = []
    for key in sorted(set(left.granted) | set(right.granted), key=int):
        a, b = left.granted.get(key, 0.0), right.granted.get(key, 0.0)
        if abs(a - b) > 1e-6 and key in names:
            changed.append((names[key], a, b))
    return render(
        request,
        "compute/rounds/run_compare.html",
        {"left": left, "right": right, "by_pool": by_pool, "changed": changed, "round": run.round},
    )


@login_required
@require_POST
def run_approve(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = _run_for_staff(request, run_id)
    try:
        round_services.run_approve(actor=request.user, run=run)
    except round_services.RunError as error:
        messages.error(request, str(error))
        return redirect("compute:run", run_id=run.pk)
    messages.success(
        request, _("The round is decided: the grants were written and every company notified.")
    )
    return redirect("compute:round", round_id=run.round_id)


# --- requests ----------------------------------------------------------------------------------


def _request_form(
    request: AuthenticatedHttpRequest, rnd: Round | None, initial: dict[str, Any] | None = None
) -> RequestForm:
    companies = access.request_companies(request.user)
    if rnd is not None:
        pools = rnd.pools.order_by("name")
        months = list(rnd.periods)
    else:
        pools = Pool.objects.filter(is_active=True).order_by("name")
        months = rolling_months(timezone.localdate())
    company_ids = list(companies.values_list("pk", flat=True))
    awards = (
        selectors.company_awards(companies.first())  # type: ignore[arg-type]
        if len(company_ids) == 1
        else selectors.Award.objects.filter(application__company_id__in=company_ids)
    )
    return RequestForm(
        request.POST or None,
        initial=initial,
        companies=companies,
        pools=pools,
        months=months,
        awards=awards.select_related("application__call"),
    )


@login_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_request(request.user):
        raise PermissionDenied
    round_id = request.GET.get("round", "")
    rnd = None
    if round_id:
        rnd = access.round_for(request.user, int(round_id)) if round_id.isdigit() else None
        if rnd is None or rnd.state != RoundState.OPEN:
            raise Http404
    form = _request_form(request, rnd)
    if request.method == "POST" and form.is_valid():
        try:
            item = request_services.request_create(
                actor=request.user,
                company=form.cleaned_data["company"],
                rnd=rnd,
                data=form.data_for_service(),
                pools=list(form.cleaned_data["pools"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved. Check it, then submit it."))
            return redirect("compute:request", request_id=item.pk)
    return render(
        request,
        "compute/rounds/request_form.html",
        {"form": form, "round": rnd, "item": None, "rolling": settings.COMPUTE_ROLLING},
    )


@login_required
def request_edit(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = access.request_for(request.user, request_id, ViewLevel.PRIVATE)
    if not access.can_edit_request(request.user, item):
        raise PermissionDenied
    form = _request_form(request, item.round, RequestForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            request_services.request_update(
                actor=request.user,
                request=item,
                data=form.data_for_service(),
                pools=list(form.cleaned_data["pools"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("compute:request", request_id=item.pk)
    return render(
        request,
        "compute/rounds/request_form.html",
        {"form": form, "round": item.round, "item": item, "rolling": settings.COMPUTE_ROLLING},
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = access.request_for(request.user, request_id, ViewLevel.PUBLIC)
    level = access.request_view_level(request.user, item)
    fields = access.REQUEST_FIELDS.fields_for(level)
    grant = Grant.objects.filter(request=item).prefetch_related("parts__pool").first()
    staff = access.is_compute_staff(request.user)
    context: dict[str, Any] = {
        "item": item,
        "fields": fields,
        "grant": grant,
        "pools": list(item.pools.all()) if "pools" in fields else [],
        "reason": reason_label(item.reason),
        "waiting": waiting_sentence(item.reason) if item.state == RequestState.WAITING else "",
        # why, in the viewer's language, from the reason code and the numbers
        "decision": decision_sentence(
            item.reason,
            granted=grant.gpu_hours if grant else 0.0,
            demand=item.demand_gpu_hours,
            minimum=item.minimum_gpu_hours,
            cap_share=float(item.round.company_cap)
            if item.round and item.round.company_cap is not None
            else None,
        )
        if item.round is not None and item.state in access.PUBLISHED_STATES
        else "",
        "can_edit": access.can_edit_request(request.user, item),
        "staff": staff,
    }
    if staff:
        rnd = item.round
        coefficients = (
            (rnd.weight_award, rnd.weight_potential, rnd.weight_priority)
            if rnd is not None
            else (0.5, 0.3, 0.2)
        )
        scores = selectors.award_scores([item.award] if item.award else [])
        context["weight"] = request_weight(
            weight_award=float(coefficients[0]),
            weight_potential=float(coefficients[1]),
            weight_priority=float(coefficients[2]),
            award_score=scores.get(item.award_id) if item.award_id else None,
            potential_score=item.company.potential_score,
            staff_priority=item.staff_priority,
        )
        context["priority_form"] = PriorityForm(initial={"staff_priority": item.staff_priority})
    return render(request, "compute/rounds/request_detail.html", context)


def _request_act(request: AuthenticatedHttpRequest, request_id: int) -> ComputeRequest:
    item = access.request_for(request.user, request_id, ViewLevel.PRIVATE)
    if not access.can_edit_request(request.user, item):
        raise PermissionDenied
    return item


@login_required
@require_POST
def request_submit(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _request_act(request, request_id)
    try:
        item = request_services.request_submit(actor=request.user, request=item)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except request_services.IllegalTransition:
        messages.error(request, _("Only a draft can be submitted."))
    else:
        if item.state == RequestState.GRANTED:
            messages.success(request, _("Granted: the GPU-hours are yours to use now."))
        elif item.state == RequestState.WAITING:
            messages.warning(request, waiting_sentence(item.reason))
        else:
            messages.success(request, _("Submitted. You will be told when the round is decided."))
    return redirect("compute:request", request_id=item.pk)


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    item = _request_act(request, request_id)
    try:
        request_services.request_withdraw(actor=request.user, request=item)
    except request_services.IllegalTransition:
        messages.error(request, _("A decided request cannot be withdrawn."))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("compute:request", request_id=item.pk)


@login_required
@require_POST
def request_priority(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    access.require_compute_staff(request.user)
    item = access.request_for(request.user, request_id, ViewLevel.PRIVATE)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a priority from 0 to 10."))
    else:
        try:
            request_services.request_set_priority(
                actor=request.user, request=item, priority=form.cleaned_data["staff_priority"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The priority was saved."))
    return redirect("compute:request", request_id=item.pk)
