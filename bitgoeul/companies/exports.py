"""Export a filtered list of companies to XLSX or CSV (UTF-8 with BOM, so that Excel shows
Korean correctly). Private columns are filled only where the person exporting may see them."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bitgoeul.accounts.brn import brn_format
from bitgoeul.companies import access
from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import BY_CODE

CHUNK = 2000


def export_headers() -> list[str]:
    return [
        _("Company name"),
        _("Name in English"),
        _("Business registration number"),
        _("Representative"),
        _("Province"),
        _("District"),
        _("Chapter"),
        _("KSIC code"),
        _("Industry"),
        _("Stage"),
        _("AI technologies"),
        _("Founding date"),
        _("Employees"),
        _("Revenue (KRW)"),
        _("Potential score"),
        _("Website"),
        _("Products"),
        _("Description"),
    ]


def export_rows(companies: QuerySet[Company], viewer: Any) -> Iterator[list[Any]]:
    queryset = companies.prefetch_related("technologies")
    for company in queryset.iterator(chunk_size=CHUNK):
        org = company.organization
        private = access.can_view_private(viewer, company)
        province = BY_CODE.get(company.province)
        yield [
            org.name,
            org.name_en,
            brn_format(org.brn) if org.brn else "",
            company.representative,
            province.name if province else "",
            company.district,
            org.parent.name if org.parent else "",
            company.ksic_code,
            company.industry,
            company.get_stage_display() if company.stage else "",
            ", ".join(t.code for t in company.technologies.all()),
            company.founded_on.isoformat() if company.founded_on else "",
            company.employees if private and company.employees is not None else "",
            company.revenue if private and company.revenue is not None else "",
            company.potential_score if private and company.potential_score is not None else "",
            company.website,
            company.products,
            company.description,
        ]


def export_write(
    companies: QuerySet[Company],
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
