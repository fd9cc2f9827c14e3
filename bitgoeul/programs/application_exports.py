"""The staff list of a call's applications as an XLSX file. Each row holds only what the
person exporting may see (`access.call_list_fields`); text a spreadsheet would run as a formula
is written as text (`core.cells`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.brn import brn_format
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.core.cells import neutralise_row
from bitgoeul.core.paging import pages_by_pk
from bitgoeul.programs.models import Application, Call

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _province(application: Application) -> str:
    province = BY_CODE.get(application.company.province)
    return province.name if province else ""


def _submitted(application: Application) -> str:
    if application.submitted_at is None:
        return ""
    return timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M:%S")


# (field of access.APPLICATION_FIELDS, header, value) in column order
COLUMNS: list[tuple[str, Promise, Callable[[Application], Any]]] = [
    ("state", gettext_lazy("Application number"), lambda a: a.pk),
    ("identity", gettext_lazy("Company name"), lambda a: a.company.organization.name),
    (
        "identity",
        gettext_lazy("Business registration number"),
        lambda a: brn_format(a.company.organization.brn) if a.company.organization.brn else "",
    ),
    ("identity", gettext_lazy("Region"), _province),
    (
        "identity",
        gettext_lazy("Chapter"),
        lambda a: a.company.organization.parent.name if a.company.organization.parent else "",
    ),
    ("content", gettext_lazy("Project title"), lambda a: a.title),
    ("content", gettext_lazy("Requested amount (KRW)"), lambda a: a.requested_amount),
    ("content", gettext_lazy("Keywords"), lambda a: ", ".join(a.keywords)),
    ("content", gettext_lazy("Summary"), lambda a: a.summary),
    ("state", gettext_lazy("State"), lambda a: str(a.get_state_display())),
    ("state", gettext_lazy("Submitted at"), _submitted),
]


def export_row(application: Application, shown: frozenset[str]) -> list[Any]:
    return neutralise_row(
        [value(application) if field in shown else "" for field, _h, value in COLUMNS]
    )


def export_workbook(rows: QuerySet[Application], shown: frozenset[str]) -> bytes:
    """The rows (in the list's order) as an XLSX workbook; read in pages by primary key, each
    page a finished query."""
    from openpyxl import Workbook

    ids = list(rows.values_list("pk", flat=True))
    found: dict[int, Application] = {}
    reader = Application.objects.select_related("company__organization__parent")
    for page in pages_by_pk(reader.filter(pk__in=ids)):
        found.update((a.pk, a) for a in page)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    sheet.append([str(header) for _f, header, _v in COLUMNS])
    for pk in ids:
        sheet.append(export_row(found[pk], shown))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(call: Call, rows: QuerySet[Application], shown: frozenset[str]) -> HttpResponse:
    response = HttpResponse(export_workbook(rows, shown), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="call-{call.pk}-applications-{stamp}.xlsx"'
    )
    return response
