"""Export a filtered list of companies to XLSX or CSV (UTF-8 with BOM, so that Excel shows
Korean correctly). Each row holds only the fields the person exporting may see on that company
(`access.COMPANY_FIELDS` at their level on it); the other cells are empty. Text that a
spreadsheet would run as a formula is written as text (`core.cells`)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.brn import brn_format
from bitgoeul.companies import access
from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.companies.search import CompanyResults, SearchFilters
from bitgoeul.core.cells import neutralise_row

CHUNK = 2000


def _province(company: Company) -> str:
    province = BY_CODE.get(company.province)
    return province.name if province else ""


def _blank_none(value: Any) -> Any:
    return "" if value is None else value


# (field of access.COMPANY_FIELDS, header, value) in the order of the columns
COLUMNS: list[tuple[str, Promise, Callable[[Company], Any]]] = [
    ("name", gettext_lazy("Company name"), lambda c: c.organization.name),
    ("name_en", gettext_lazy("Name in English"), lambda c: c.organization.name_en),
    (
        "brn",
        gettext_lazy("Business registration number"),
        lambda c: brn_format(c.organization.brn) if c.organization.brn else "",
    ),
    ("representative", gettext_lazy("Representative"), lambda c: c.representative),
    ("province", gettext_lazy("Province"), _province),
    ("district", gettext_lazy("District"), lambda c: c.district),
    (
        "chapter",
        gettext_lazy("Chapter"),
        lambda c: c.organization.parent.name if c.organization.parent else "",
    ),
    ("ksic_code", gettext_lazy("KSIC code"), lambda c: c.ksic_code),
    ("industry", gettext_lazy("Industry"), lambda c: c.industry),
    ("stage", gettext_lazy("Stage"), lambda c: c.get_stage_display() if c.stage else ""),
    (
        "technologies",
        gettext_lazy("AI technologies"),
        lambda c: ", ".join(t.code for t in c.technologies.all()),
    ),
    (
        "founded_on",
        gettext_lazy("Founding date"),
        lambda c: c.founded_on.isoformat() if c.founded_on else "",
    ),
    ("employees", gettext_lazy("Employees"), lambda c: _blank_none(c.employees)),
    ("revenue", gettext_lazy("Revenue (KRW)"), lambda c: _blank_none(c.revenue)),
    ("potential_score", gettext_lazy("Potential score"), lambda c: _blank_none(c.potential_score)),
    ("website", gettext_lazy("Website"), lambda c: c.website),
    ("products", gettext_lazy("Products"), lambda c: c.products),
    ("description", gettext_lazy("Description"), lambda c: c.description),
]


def export_headers() -> list[str]:
    return [str(header) for _field, header, _value in COLUMNS]


def export_row(company: Company, viewer: Any) -> list[Any]:
    """One company's cells: a field the viewer may not see on this company is empty."""
    shown = access.company_fields(viewer, company)
    return neutralise_row(
        [value(company) if field in shown else "" for field, _header, value in COLUMNS]
    )


def export_ids(*, viewer: Any, text: str, filters: SearchFilters, sort: str) -> list[int]:
    """The ids of a search in the order the list shows them: for a text sorted by relevance,
    the ranked results of the page first (re-ranked as there: exact names, AI central), then
    every other match in the engine's order; otherwise the search's own order."""
    results = CompanyResults(viewer=viewer, text=text, filters=filters, sort=sort)
    ordered = list(results.queryset().values_list("pk", flat=True))
    if not results.ranked_in_engine:
        return ordered
    first = [company.pk for company in results[0 : results.count()]]
    shown = set(first)
    return first + [pk for pk in ordered if pk not in shown]


def export_rows(companies: QuerySet[Company] | list[int], viewer: Any) -> Iterator[list[Any]]:
    """The rows in the list's order (a queryset, or ids in order). The ids are read first (one
    finished query), then the companies `CHUNK` at a time, each a finished query: no read stays
    open while the job writes its progress (a read kept open would lock SQLite against that
    write)."""
    ids = companies if isinstance(companies, list) else list(companies.values_list("pk", flat=True))
    rows = Company.objects.select_related("organization__parent").prefetch_related("technologies")
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = rows.in_bulk(chunk)
        for pk in chunk:
            yield export_row(found[pk], viewer)


def export_write(
    companies: QuerySet[Company] | list[int],
    viewer: Any,
    path: Path,
    file_format: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the companies to `path` (csv or xlsx); returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Companies"))
        sheet.append(export_headers())
        for row in export_rows(companies, viewer):
            sheet.append(row)
            count += 1
            if progress and count % CHUNK == 0:
                progress(count)
        workbook.save(path)
        return count
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(export_headers())
        for row in export_rows(companies, viewer):
            writer.writerow(row)
            count += 1
            if progress and count % CHUNK == 0:
                progress(count)
    return count
