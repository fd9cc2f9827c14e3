"""Pages of the pools area: the public list of pools with their tariffs and discounts, a pool's
capacity calendar and maintenance, staff's editing of pools, maintenance windows and discounts,
and staff's over-commit view. Thin: ask `access`, call a service or a selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.compute import access
from bitgoeul.compute import selectors_pools as selectors
from bitgoeul.compute.forms_pools import DiscountForm, MaintenanceForm, PoolForm, apply_errors
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.services import pools as services
from bitgoeul.core.charts import Series, chart_spec

# --- public ------------------------------------------------------------------------------------


def pool_list(request: HttpRequest) -> HttpResponse:
    """Every pool the viewer sees with its size and tariff, next month's net capacity, and the
    active discounts (tariffs and discounts are public: companies plan with them)."""
    pools = list(access.pools_visible(request.user))
    periods = selectors.calendar_periods(months=2)
    calendar = {row.pool.pk: row for row in selectors.capacity_calendar(pools, periods[1:])}
    return render(
        request,
        "compute/pools/list.html",
        {
            "rows": [(pool, calendar[pool.pk].cells[0]) for pool in pools],
            "next_period": periods[1],
            "discounts": selectors.discounts_listed(),
            "can_manage": access.can_manage_pools(request.user),
            "tab": "pools",
        },
    )


def _calendar_chart(cells: list[Any]) -> dict[str, Any]:
    """The capacity chart (`core.charts`): net, reserve and maintenance stacked to the gross."""
    return chart_spec(
        label=_("Capacity per month in GPU-hours: net, reserved and in maintenance"),
        labels=[cell.period for cell in cells],
        series=[
            Series(_("Net capacity"), [round(c.net) for c in cells]),
            Series(_("Reserved"), [round(c.reserved) for c in cells], tone="muted"),
            Series(
                pgettext("gpu pool", "Maintenance"),
                [round(c.maintenance) for c in cells],
                tone="warning",
            ),
        ],
        axis=_("GPU-hours"),
        stacked=True,
    )


def pool_detail(request: HttpRequest, pool_id: int) -> HttpResponse:
    """A pool: its figures, the capacity calendar of the next 12 months (chart and table) and
    its maintenance windows in that time."""
    pool = access.pool_for(request.user, pool_id)
    periods = selectors.calendar_periods()
    (calendar,) = selectors.capacity_calendar([pool], periods)
    return render(
        request,
        "compute/pools/detail.html",
        {
            "pool": pool,
            "reserved_percent": (pool.reserved_share * 100).normalize(),
            "cells": calendar.cells,
            "net_total": calendar.net_total,
            "chart": _calendar_chart(calendar.cells),
            "windows": selectors.maintenance_ahead(pool, periods),
            "can_manage": access.can_manage_pools(request.user),
            "tab": "pools",
        },
    )


# --- staff: pools and maintenance --------------------------------------------------------------


def _edit_context(pool: Pool, form: PoolForm, window_form: MaintenanceForm) -> dict[str, Any]:
    return {
        "pool": pool,
        "form": form,
        "window_form": window_form,
        "windows": list(pool.maintenance.all()),
        "tab": "pools",
        "can_manage": True,
    }


@login_required
@require_http_methods(["GET", "POST"])
def pool_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_compute_staff(request.user)
    form = PoolForm.for_pool(None, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            pool = services.pool_create(data=form.service_data(), actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The pool was added."))
            return redirect("compute:pool_edit", pool.pk)
    return render(
        request,
        "compute/pools/edit.html",
        {"pool": None, "form": form, "tab": "pools", "can_manage": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request: AuthenticatedHttpRequest, pool_id: int) -> HttpResponse:
    pool = access.pool_for_manager(request.user, pool_id)
    form = PoolForm.for_pool(pool, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.pool_update(pool=pool, data=form.service_data(), actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The pool was saved."))
            return redirect("compute:pool_edit", pool.pk)
    return render(
        request,
        "compute/pools/edit.html",
        _edit_context(pool, form, MaintenanceForm(prefix="window")),
    )


@login_required
@require_POST
def maintenance_add(request: AuthenticatedHttpRequest, pool_id: int) -> HttpResponse:
    pool = access.pool_for_manager(request.user, pool_id)
    form = MaintenanceForm(request.POST, prefix="window")
    if form.is_valid():
        try:
            services.maintenance_create(pool=pool, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The maintenance window was added."))
            return redirect("compute:pool_edit", pool.pk)
    context = _edit_context(pool, PoolForm.for_pool(pool), form)
    return render(request, "compute/pools/edit.html", context)


def _window_for_manager(request: AuthenticatedHttpRequest, window_id: int) -> MaintenanceWindow:
    access.require_compute_staff(request.user)
    return get_object_or_404(MaintenanceWindow.objects.select_related("pool"), pk=window_id)


@login_required
@require_http_methods(["GET", "POST"])
def maintenance_edit(request: AuthenticatedHttpRequest, window_id: int) -> HttpResponse:
    window = _window_for_manager(request, window_id)
    form = MaintenanceForm.for_window(window, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.maintenance_update(window=window, data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The maintenance window was saved."))
            return redirect("compute:pool_edit", window.pool_id)
    return render(
        request,
        "compute/pools/maintenance_edit.html",
        {"window": window, "pool": window.pool, "form": form, "tab": "pools", "can_manage": True},
    )


@login_required
@require_POST
def maintenance_delete(request: AuthenticatedHttpRequest, window_id: int) -> HttpResponse:
    window = _window_for_manager(request, window_id)
    services.maintenance_delete(window=window, actor=request.user)
    messages.success(request, _("The maintenance window was removed."))
    return redirect("compute:pool_edit", window.pool_id)


# --- staff: discounts --------------------------------------------------------------------------


@login_required
def discount_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require_compute_staff(request.user)
    return render(
        request,
        "compute/pools/discounts.html",
        {
            "discounts": selectors.discounts_listed(active_only=False),
            "tab": "discounts",
            "can_manage": True,
        },
    )


def _discount_data(form: DiscountForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def discount_edit(
    request: AuthenticatedHttpRequest, discount_id: int | None = None
) -> HttpResponse:
    access.require_compute_staff(request.user)
    discount = None if discount_id is None else get_object_or_404(Discount, pk=discount_id)
    form = DiscountForm.for_discount(discount, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            if discount is None:
                services.discount_create(data=_discount_data(form), actor=request.user)
            else:
                services.discount_update(
                    discount=discount, data=_discount_data(form), actor=request.user
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The discount was saved."))
            return redirect("compute:discount_list")
    return render(
        request,
        "compute/pools/discount_edit.html",
        {"discount": discount, "form": form, "tab": "discounts", "can_manage": True},
    )


@login_required
@require_POST
def discount_deactivate(request: AuthenticatedHttpRequest, discount_id: int) -> HttpResponse:
    access.require_compute_staff(request.user)
    discount = get_object_or_404(Discount, pk=discount_id)
    services.discount_deactivate(discount=discount, actor=request.user)
    messages.success(request, _("The discount no longer applies to new statements."))
    return redirect("compute:discount_list")


# --- staff: over-commit ------------------------------------------------------------------------


@login_required
def overcommit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Granted against deliverable per pool and month for the next 12 months; a chart per
    pool, the table, and the oversold months in words."""
    if not access.can_see_overcommit(request.user):
        raise PermissionDenied
    pools = list(Pool.objects.filter(is_active=True))
    periods = selectors.calendar_periods()
    cells = selectors.overcommit(pools, periods)
    rows = []
    for pool in pools:
        pool_cells = [cells[pool.pk, period] for period in periods]
        # deliverable in grey beside granted, each granted month coloured by how full it is
        chart = chart_spec(
            label=_("%(pool)s: GPU-hours granted against deliverable, per month")
            % {"pool": pool.name},
            labels=periods,
            series=[
                Series(
                    pgettext("gpu pool", "Deliverable"),
                    [round(c.deliverable) for c in pool_cells],
                    tone="muted",
                ),
                Series(
                    pgettext("gpu pool", "Granted"),
                    [round(c.granted) for c in pool_cells],
                    tones=[cell.level for cell in pool_cells],
                ),
            ],
            axis=_("GPU-hours"),
        )
        rows.append({"pool": pool, "cells": pool_cells, "chart": chart, "key": f"pool-{pool.pk}"})
    flagged = [
        (pool, cell)
        for pool in pools
        for cell in (cells[pool.pk, period] for period in periods)
        if cell.level != selectors.OK
    ]
    return render(
        request,
        "compute/pools/overcommit.html",
        {
            "rows": rows,
            "oversold": [(p, c) for p, c in flagged if c.level == selectors.OVERSOLD],
            "close": [(p, c) for p, c in flagged if c.level == selectors.CLOSE],
            "close_share": round(selectors.CLOSE_TO_FULL * 100),
            "tab": "overcommit",
            "can_manage": True,
        },
    )
