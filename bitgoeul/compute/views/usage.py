"""Staff's usage ledger (area "ingest"): the lines with filters and totals, the accounts whose
usage matched no grant with "assign to a grant", and the filtered ledger as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bitgoeul.compute.access import require_compute_staff
from bitgoeul.compute.forms_usage import AssignForm, LedgerFilterForm
from bitgoeul.compute.models import UsageEntry
from bitgoeul.compute.periods import SEOUL
from bitgoeul.compute.selectors_usage import ledger_lines, ledger_totals, unmatched_accounts
from bitgoeul.compute.services.usage import usage_account_assign
from bitgoeul.core.cells import neutralise_row
from bitgoeul.core.paging import iterate_by_pk

PAGE_SIZE = 50


@login_required
def usage_ledger(request: HttpRequest) -> HttpResponse:
    require_compute_staff(request.user)
    form = LedgerFilterForm(request.GET or None)
    lines = ledger_lines(form.selection())
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    unmatched = unmatched_accounts()
    return render(
        request,
        "compute/usage/ledger.html",
        {
            "form": form,
            "page": page,
            "totals": ledger_totals(lines),
            "query": query.urlencode(),
            "unmatched": unmatched,
            # one query for the choices, shared by every account's form
            "grant_choices": AssignForm().grant_choices() if unmatched else [],
        },
    )


@login_required
@require_POST
def usage_assign(request: HttpRequest) -> HttpResponse:
    require_compute_staff(request.user)
    form = AssignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = usage_account_assign(
                actor=request.user,
                cluster=data["cluster"],
                account=data["account"],
                grant=data["grant"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(count)s usage lines of %(account)s now count against the chosen grant.")
                % {"count": count, "account": data["account"]},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect(reverse("compute:usage_ledger") + "#unmatched")


def _header() -> list[str]:
    return [
        pgettext("usage source", "Source"),
        _("Cluster"),
        _("Job"),
        _("GPU model"),
        _("Correction no."),
        _("Account"),
        _("User"),
        _("Company"),
        _("Grant"),
        _("Month"),
        _("Started (Asia/Seoul)"),
        _("Ended (Asia/Seoul)"),
        _("State"),
        _("GPU-seconds"),
        _("GPU-hours"),
        _("Energy (Wh)"),
        _("Recorded (Asia/Seoul)"),
    ]


def _time(moment: Any) -> str:
    return timezone.localtime(moment, SEOUL).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _row(line: UsageEntry) -> list[Any]:
    return neutralise_row(
        [
            line.get_source_display(),
            line.cluster,
            line.job,
            line.model,
            line.seq,
            line.account,
            line.user_name,
            line.company.organization.name if line.company else "",
            line.grant_id or "",
            line.period,
            _time(line.started_at),
            _time(line.ended_at),
            line.state,
            line.gpu_seconds,
            round(line.gpu_seconds / 3600, 4),
            line.energy_wh if line.energy_wh is not None else "",
            _time(line.recorded_at),
        ]
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def usage_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The filtered ledger; formula-like text is neutralised (`neutralise_row`)."""
    require_compute_staff(request.user)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    lines = ledger_lines(LedgerFilterForm(request.GET or None).selection())
    name = f"gpu-usage-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield "\ufeff" + writer.writerow(_header())  # BOM: Excel reads UTF-8
            for line in iterate_by_pk(lines):
                yield writer.writerow(_row(line))

        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            rows(), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("GPU usage"))
        sheet.append(neutralise_row(_header()))
        for line in iterate_by_pk(lines):
            sheet.append(_row(line))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
