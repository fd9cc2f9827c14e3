"""Pages of the burn area: the grants list (a company's own; staff's with filters and the idle
grants), a grant's page (parts, use, burn-down, reclaim), and the monthly statement of charges
(page, printable, and XLSX) with staff's totals for a month."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.companies.models import Company
from bitgoeul.compute import access
from bitgoeul.compute.access import REQUEST_FIELDS
from bitgoeul.compute.forms_burn import GrantFilterForm, ReclaimForm, StatementForm
from bitgoeul.compute.models import GrantPart, Reclaim
from bitgoeul.compute.periods import period_of
from bitgoeul.compute.selectors_burn import burndown as burndown_of
from bitgoeul.compute.selectors_burn import (
    grant_part_rows,
    grants_listed,
    period_figures,
    reclaimable_gpu_hours,
    total_used,
    under_use_ids,
    was_warned_idle,
)
from bitgoeul.compute.selectors_charges import Statement, company_statement, month_statements
from bitgoeul.compute.selectors_sched import grant_howto
from bitgoeul.compute.services.burn import ReclaimRefused, grant_part_reclaim
from bitgoeul.core.cells import neutralise_row
from bitgoeul.core.charts import Series, chart_spec
from bitgoeul.core.visibility import ViewLevel

PAGE_SIZE = 25

# --- grants ------------------------------------------------------------------------------------


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    """Members: their companies' grants; chapter staff: their chapter's; staff: all, with
    filters by round, pool, month and use (under-use now, or warned as idle)."""
    user = request.user
    staff = access.is_compute_staff(user)
    now = timezone.now()
    form = GrantFilterForm(request.GET or None)
    filters = form.cleaned_data if staff and form.is_valid() else {}
    period = filters.get("period") or period_of(now)
    use = filters.get("use", "")
    rows = grants_listed(
        user,
        round_id=filters["round"].pk if filters.get("round") else None,
        pool_id=filters["pool"].pk if filters.get("pool") else None,
        period=filters.get("period", "") if use != "idle" else period,
        use=use,
    )
    if use == "under":
        ids = list(rows.filter(parts__period=period).values_list("pk", flat=True))
        rows = rows.filter(pk__in=under_use_ids(ids, period, now))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = period_figures([g.pk for g in page.object_list], period)
    items = [(grant, figures.get(grant.pk)) for grant in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "compute/grants/list.html",
        {
            "items": items,
            "page": page,
            "form": form if staff else None,
            "staff": staff,
            "period": period,
            "query": query.urlencode(),
            "statement_link": bool(access.statement_company_ids(user)) or staff,
        },
    )


def _chart(burn: Any) -> dict[str, Any]:
    """The burn-down chart (`core.charts`): GPU-hours used so far, day by day, against the
    pro-rated share, rounded to tenths of a GPU-hour; days still to come are gaps."""
    return chart_spec(
        label=_("GPU-hours used against the pro-rated share, day by day"),
        labels=[f"{day:%m-%d}" for day in burn.days],
        series=[
            Series(
                _("GPU-hours used"),
                [None if v is None else round(v, 1) for v in burn.used],
                style="line",
            ),
            Series(_("Pro-rated share"), [round(v, 1) for v in burn.prorated], style="dashed"),
        ],
        axis=_("GPU-hours"),
        kind="number",
    )


@login_required
def grant_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    user = request.user
    grant = access.grant_for(user, grant_id, ViewLevel.RECORD)
    level = access.request_view_level(user, grant.request)
    shows = {field: REQUEST_FIELDS.shows(field, level) for field in REQUEST_FIELDS.minimum}
    now = timezone.now()
    current_period = period_of(now)
    rows = grant_part_rows(grant)
    periods = sorted({row.part.period for row in rows})
    # the burn-down of the current month, or of another month of the grant when asked
    wanted = request.GET.get("period", "")
    period = wanted if wanted in periods else current_period
    current = [row for row in rows if row.part.period == current_period]
    shown = [row for row in rows if row.part.period == period]
    burn = burndown_of(grant, period, now) if shown else None
    staff = access.can_reclaim(user)
    reclaim_forms = []
    if staff and current and was_warned_idle(grant.pk, current_period):
        for row in current:
            limit = reclaimable_gpu_hours(row.part, row.used.gpu_hours)
            if limit > 0:
                reclaim_forms.append((row, limit, ReclaimForm(prefix=f"part{row.part.pk}")))
    reclaims = (
        Reclaim.objects.filter(part__grant=grant).select_related("part__pool").order_by("-pk")
        if shows["charges"]
        else []
    )
    return render(
        request,
        "compute/grants/detail.html",
        {
            "grant": grant,
            "req": grant.request,
            "shows": shows,
            "rows": rows,
            "total": total_used(rows),
            "period": period,
            "periods": periods if len(periods) > 1 else [],
            "burn": burn,
            "chart": _chart(burn) if burn else None,
            "warned": was_warned_idle(grant.pk, period),
            "reclaim_forms": reclaim_forms,
            "reclaims": reclaims,
            "statement_query": urlencode({"company": grant.company_id, "month": period}),
            "howto": grant_howto(grant, request.user),
        },
    )


@login_required
@require_POST
def grant_reclaim(request: HttpRequest, part_id: int) -> HttpResponse:
    part = get_object_or_404(GrantPart.objects.select_related("grant"), pk=part_id)
    access.grant_for(request.user, part.grant_id, ViewLevel.RECORD)  # 404 when not seen
    if not access.can_reclaim(request.user):
        raise PermissionDenied
    form = ReclaimForm(request.POST, prefix=f"part{part.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("compute:grant_detail", part.grant_id)
    try:
        reclaim = grant_part_reclaim(
            part=part,
            gpu_hours=form.cleaned_data["gpu_hours"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ReclaimRefused as refused:
        messages.error(request, str(refused))
    else:
        given = sum(r["gpu_hours"] for r in reclaim.reassigned)
        messages.success(
            request,
            _(
                "%(hours)s GPU-hours were reclaimed; %(given)s went to %(count)s waiting "
                "requests. The companies have been told."
            )
            % {
                "hours": f"{reclaim.gpu_hours:,.1f}",
                "given": f"{given:,.1f}",
                "count": len(reclaim.reassigned),
            },
        )
    return redirect("compute:grant_detail", part.grant_id)


# --- statements --------------------------------------------------------------------------------


def _statement(request: HttpRequest) -> tuple[Statement, StatementForm]:
    """The statement asked for: `company` (one the viewer is a member of; staff choose any) and
    `month` (YYYY-MM, this month by default). Chapter staff and others: 403 (charges are
    private to the company and staff)."""
    user = request.user
    wanted = request.GET.get("company", "")
    company = access.statement_company_for(user, int(wanted) if wanted.isdigit() else None)
    form = StatementForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else ""
    if not month:
        month = period_of(timezone.now())
        if not form.errors:
            form = StatementForm(initial={"month": month})
    return company_statement(company, month), form


def _statement_choices(user: Any, shown: Company) -> list[Company]:
    """The companies the page offers to switch to (the viewer's own); the one shown is reused,
    not read again."""
    ids = access.statement_company_ids(user)
    others = Company.objects.filter(pk__in=ids - {shown.pk}).select_related("organization")
    return sorted([*others, *([shown] if shown.pk in ids else [])], key=lambda c: c.pk)


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    report, form = _statement(request)
    companies = _statement_choices(request.user, report.company)
    query = urlencode({"company": report.company.pk, "month": report.period})
    return render(
        request,
        "compute/grants/statement.html",
        {
            "statement": report,
            "form": form,
            "companies": companies,
            "query": query,
            "staff": access.is_compute_staff(request.user),
            "printed_at": timezone.now(),
        },
    )


@login_required
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    """The statement as XLSX: numbers as numbers, text cells neutralised against formulas."""
    from openpyxl import Workbook

    report, _form = _statement(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Statement"))
    sheet.append(
        neutralise_row([_("Company"), report.company.organization.name, _("Month"), report.period])
    )
    sheet.append(
        neutralise_row(
            [
                _("Pool"),
                _("GPU-hours"),
                _("Rate (KRW per GPU-hour)"),
                _("Discount (%)"),
                _("Discount (KRW)"),
                _("Amount (KRW)"),
                _("Energy (kWh)"),
            ]
        )
    )
    for line in report.lines:
        sheet.append(
            neutralise_row(
                [
                    line.pool.name,
                    round(line.gpu_hours, 2),
                    line.krw_per_gpu_hour,
                    line.discount_percent,
                    line.discount_krw,
                    line.amount_krw,
                    None if line.kwh is None else round(line.kwh, 2),
                ]
            )
        )
    kwh = report.kwh
    sheet.append(
        neutralise_row(
            [
                _("Total"),
                round(report.gpu_hours, 2),
                None,
                None,
                report.discount_krw,
                report.total_krw,
                None if kwh is None else round(kwh, 2),
            ]
        )
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"gpu-statement-{report.company.pk}-{report.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def statement_totals(request: HttpRequest) -> HttpResponse:
    """Staff: every company's charges for a month."""
    if not access.is_compute_staff(request.user):
        raise PermissionDenied
    form = StatementForm(request.GET or None)
    month = form.cleaned_data.get("month") if form.is_valid() else ""
    if not month:
        month = period_of(timezone.now())
        if not form.errors:
            form = StatementForm(initial={"month": month})
    reports = month_statements(month)
    return render(
        request,
        "compute/grants/statement_totals.html",
        {
            "reports": reports,
            "form": form,
            "month": month,
            "gpu_hours": sum(r.gpu_hours for r in reports),
            "total_krw": sum(r.total_krw for r in reports),
        },
    )
