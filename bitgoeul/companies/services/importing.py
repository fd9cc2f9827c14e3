"""Import companies from a parsed file: validate every row, then upsert them all in one
transaction, or nothing.

Rows are matched by 사업자등록번호; a row without one is matched by name and province to an
existing company (and that company is flagged for review), because a company cannot be created
without a registration number. A dry run, or a run with rejected rows (unless `skip_invalid`),
writes nothing. Writes are bulk (a few statements per thousand rows); one audit event records
the import with its counts.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.importing.fields import header_unit
from bitgoeul.companies.importing.inserts import EXECUTEMANY_ROWS, RawInsert
from bitgoeul.companies.importing.readers import Table, iter_records
from bitgoeul.companies.importing.rows import ParsedRow, parse_row
from bitgoeul.companies.ksic import section_of
from bitgoeul.companies.models import Company, CompanyMetric, Technology
from bitgoeul.companies.score_math import growth_rate
from bitgoeul.companies.search_index import (
    body_text,
    search_index_add,
    search_index_sync,
    set_terms,
    terms_many,
)
from bitgoeul.companies.selectors import ChapterLookup
from bitgoeul.companies.services.profile import PROFILE_FIELDS
from bitgoeul.search.terms import words

BATCH = 1000
REPORT_ROWS_KEPT = 2000  # rows kept in the stored report; the rejected-rows file has them all
Progress = Callable[[int, int], None]


class MappingError(ValueError):
    """The mapping cannot work (no name nor registration number column)."""


@dataclass
class RowOutcome:
    row: int
    action: str  # create, update, reject
    name: str
    brn: str
    reasons: list[str] = field(default_factory=list)
    review: bool = False  # matched by name and region


@dataclass
class ImportReport:
    dry_run: bool
    written: bool = False
    created: int = 0
    updated: int = 0
    rejected: int = 0
    flagged: int = 0
    rows: list[RowOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.rejected

    def summary(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "flagged": self.flagged,
            "rows": [asdict(r) for r in self.rows[:REPORT_ROWS_KEPT]],
        }


def name_key(name: str) -> str:
    """Names compared without legal forms, spaces, punctuation or case."""
    return "".join(words(name))


def _technology_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for tech in Technology.objects.all():
        for key in (tech.code, tech.name, tech.name_en):
            lookup[key.lower()] = tech.pk
    return lookup


def _existing_by_brn(brns: list[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for start in range(0, len(brns), 900):
        chunk = brns[start : start + 900]
        for org in Organization.objects.filter(brn__in=chunk):
            found[org.brn or ""] = org
    return found


def _existing_by_name(keys: list[str]) -> dict[tuple[str, str], list[int]]:
    """(name key, province) → organisation ids of companies whose name has that key. Only rows
    without a registration number need this, so a few LIKE queries are affordable."""
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    wanted = set(keys)
    for start in range(0, len(keys), 50):
        condition = Q()
        for key in keys[start : start + 50]:
            condition |= Q(organization__name__icontains=key)
        rows = Company.objects.filter(condition).values_list(
            "organization_id", "organization__name", "province"
        )
        for org_id, name, province in rows:
            key = name_key(name)
            if key in wanted and org_id not in found[key, province]:
                found[key, province].append(org_id)
    return found


def _decide(parsed: list[ParsedRow], report: ImportReport) -> dict[int, int | None]:
    """Match rows to existing companies; fills the report. Row → organisation id (None for a
    new company); rejected rows are absent."""
    brns = sorted({p.brn for p in parsed if p.brn})
    by_brn = _existing_by_brn(brns)
    keys = sorted(
        {name_key(p.values["name"]) for p in parsed if not p.brn and p.values.get("name")}
    )
    by_name = _existing_by_name([k for k in keys if k])
    seen_brn: dict[str, int] = {}
    decisions: dict[int, int | None] = {}
    for p in parsed:
        name = p.values.get("name", "")
        outcome = RowOutcome(p.row, "reject", name, p.brn, list(p.errors))
        if not p.errors:
            if p.brn:
                existing = by_brn.get(p.brn)
                if p.brn in seen_brn:
                    outcome.reasons.append(
                        _("the same business registration number as row %(row)d")
                        % {"row": seen_brn[p.brn]}
                    )
                elif existing is not None and existing.kind != OrganizationKind.COMPANY:
                    outcome.reasons.append(
                        _("this business registration number belongs to %(org)s, not a company")
                        % {"org": existing.name}
                    )
                elif existing is not None:
                    outcome.action = "update"
                    decisions[p.row] = existing.pk
                elif not name:
                    outcome.reasons.append(_("a new company needs a name"))
                else:
                    outcome.action = "create"
                    decisions[p.row] = None
                seen_brn.setdefault(p.brn, p.row)
            else:
                matches = by_name.get((name_key(name), p.values.get("province", "")), [])
                if len(matches) == 1:
                    outcome.action, outcome.review = "update", True
                    decisions[p.row] = matches[0]
                elif matches:
                    outcome.reasons.append(
                        _("no business registration number, and %(n)d companies have this name")
                        % {"n": len(matches)}
                    )
                else:
                    outcome.reasons.append(
                        _(
                            "no business registration number, and no company with this name in "
                            "this region to update (a new company needs the number)"
                        )
                    )
        if outcome.action == "reject":
            report.rejected += 1
        else:
            outcome.reasons.extend(p.warnings)
            if outcome.action == "create":
                report.created += 1
            else:
                report.updated += 1
                report.flagged += outcome.review
        report.rows.append(outcome)
    # two name-matched rows must not update the same company twice
    taken: dict[int, int] = {}
    for outcome in report.rows:
        org_id = decisions.get(outcome.row)
        if org_id is None:
            continue
        if org_id in taken:
            outcome.action = "reject"
            outcome.reasons = [
                _("row %(row)d already updates this company") % {"row": taken[org_id]}
            ]
            del decisions[outcome.row]
            report.updated -= 1
            report.flagged -= outcome.review
            report.rejected += 1
            outcome.review = False
        else:
            taken[org_id] = outcome.row
    return decisions


_section = functools.lru_cache(maxsize=4096)(section_of)


def _apply(company: Company, values: dict[str, Any]) -> None:
    for key in PROFILE_FIELDS:
        if key in values:
            setattr(company, key, values[key])
    if "ksic_code" in values:
        company.ksic_section = _section(company.ksic_code)


def _update(
    update_rows: list[ParsedRow],
    decisions: dict[int, int | None],
    review_rows: set[int],
    lookup: ChapterLookup,
    now: dt.datetime,
    techs: dict[int, Technology],
) -> None:
    """Apply the rows matched to existing companies (creating missing profiles), with their
    search terms and full-text rows."""
    update_ids = [decisions[p.row] for p in update_rows]
    organizations = Organization.objects.in_bulk([i for i in update_ids if i is not None])
    companies = Company.objects.in_bulk([i for i in update_ids if i is not None])
    missing = [Company(organization_id=i) for i in organizations if i not in companies]
    Company.objects.bulk_create(missing, batch_size=BATCH)
    companies.update({c.organization_id: c for c in missing})
    changed_orgs: list[Organization] = []
    touched: list[Company] = []
    tags: dict[int, list[Technology]] = defaultdict(list)
    for p in update_rows:
        org_id = decisions[p.row]
        assert org_id is not None
        company, organization = companies[org_id], organizations[org_id]
        company.organization = organization
        _apply(company, p.values)
        for key in ("name", "name_en"):
            if p.values.get(key):
                setattr(organization, key, p.values[key])
        province = p.values.get("province")
        if province:
            covering = lookup.for_province(province)
            if covering is not None:
                organization.parent = covering
        if p.row in review_rows:
            company.needs_review = True
            company.review_reason = _("matched by name and region in an import")
        company.updated_at = now
        changed_orgs.append(organization)
        touched.append(company)
        tags[org_id] += [techs[tech_id] for tech_id in p.technologies]
    Organization.objects.bulk_update(changed_orgs, ["name", "name_en", "parent"], BATCH)
    through = Company.technologies.through
    ids = [c.organization_id for c in touched]
    for start in range(0, len(ids), 900):
        for company_id, tech_id in through.objects.filter(
            company_id__in=ids[start : start + 900]
        ).values_list("company_id", "technology_id"):
            tags[company_id].append(techs[tech_id])
    set_terms(
        touched,
        [(c.organization.name, c.organization.name_en) for c in touched],
        [list({t.pk: t for t in tags[c.organization_id]}.values()) for c in touched],
    )
    fields = [*PROFILE_FIELDS, "ksic_section", "needs_review", "review_reason", "updated_at"]
    fields += ["search_name", "search_body", "search_tags"]
    update_companies = [companies[i] for i in dict.fromkeys(organizations)]
    Company.objects.bulk_update(update_companies, fields, batch_size=BATCH)
    search_index_sync(ids)


def _ids_by_brn(brns: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(brns), 900):
        chunk = Organization.objects.filter(brn__in=brns[start : start + 900])
        found.update((brn or "", pk) for brn, pk in chunk.values_list("brn", "pk"))
    return found


def _create(
    new_rows: list[ParsedRow],
    lookup: ChapterLookup,
    now: dt.datetime,
    techs: dict[int, Technology],
    progress: Callable[[int], None],
) -> dict[int, int]:
    """Insert the organisations, companies (with their search terms) and full-text rows of
    the new rows, with raw multi-row INSERTs (see `importing.inserts`); returns file row →
    organisation id."""
    orgs, profiles = RawInsert(Organization), RawInsert(Company)
    org_template = orgs.fixed({"kind": OrganizationKind.COMPANY, "created_at": now})
    company_template = profiles.fixed({"created_at": now, "updated_at": now})
    parents: dict[str, int | None] = {}
    for province in {p.values.get("province", "") for p in new_rows}:
        covering = lookup.for_province(province) if province else None
        parents[province] = covering.pk if covering is not None else None
    row_org: dict[int, int] = {}
    for start in range(0, len(new_rows), EXECUTEMANY_ROWS):
        chunk = new_rows[start : start + EXECUTEMANY_ROWS]
        orgs.execute(
            [
                orgs.row(
                    org_template,
                    {
                        "name": p.values["name"],
                        "name_en": p.values.get("name_en", ""),
                        "brn": p.brn,
                        "parent_id": parents[p.values.get("province", "")],
                    },
                )
                for p in chunk
            ]
        )
        ids = _ids_by_brn([p.brn for p in chunk])
        terms = terms_many(
            [(p.values["name"], p.values.get("name_en", "")) for p in chunk],
            [
                body_text(
                    p.values.get("description", ""),
                    p.values.get("description_en", ""),
                    p.values.get("products", ""),
                    p.values.get("industry", ""),
                )
                for p in chunk
            ],
            [[techs[i] for i in dict.fromkeys(p.technologies)] for p in chunk],
        )
        rows, index_rows = [], []
        for p, (search_name, search_body, search_tags) in zip(chunk, terms, strict=True):
            org_id = row_org[p.row] = ids[p.brn]
            values = {key: p.values[key] for key in PROFILE_FIELDS if key in p.values}
            if "ksic_code" in values:
                values["ksic_section"] = _section(values["ksic_code"])
            values.update(
                organization_id=org_id,
                search_name=search_name,
                search_body=search_body,
                search_tags=search_tags or "",
            )
            rows.append(profiles.row(company_template, values))
            index_rows.append((org_id, search_name, search_body, search_tags or ""))
        profiles.execute(rows)
        search_index_add(index_rows)
        progress(len(chunk))
    return row_org


def _technology_links(links: list[tuple[int, int]]) -> None:
    """Add (company id, technology id) links, leaving the existing ones as they are."""
    through = Company.technologies.through
    quote = connection.ops.quote_name
    company = quote(through._meta.get_field("company").column)
    technology = quote(through._meta.get_field("technology").column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(through._meta.db_table)} ({company}, {technology}) "
            "VALUES (%s, %s) ON CONFLICT DO NOTHING",
            links,
        )


def _write(
    parsed: list[ParsedRow],
    decisions: dict[int, int | None],
    review_rows: set[int],
    progress: Progress | None,
) -> list[int]:
    """Create and update the decided rows; returns the touched organisation ids."""
    now = timezone.now()
    lookup = ChapterLookup()
    techs = Technology.objects.in_bulk()
    todo = [p for p in parsed if p.row in decisions]
    new_rows = [p for p in todo if decisions[p.row] is None]
    update_rows = [p for p in todo if decisions[p.row] is not None]
    total = len(todo)
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if progress:
            progress(done, total)

    row_org: dict[int, int] = {}
    if update_rows:
        _update(update_rows, decisions, review_rows, lookup, now, techs)
        row_org.update({p.row: decisions[p.row] or 0 for p in update_rows})
        advance(len(update_rows))
    row_org.update(_create(new_rows, lookup, now, techs, advance))

    # technologies: added, never removed by an import
    _technology_links(
        [(row_org[p.row], tech_id) for p in todo for tech_id in dict.fromkeys(p.technologies)]
    )
    # yearly figures when the file says which year they are for
    metrics = [
        CompanyMetric(
            company_id=row_org[p.row],
            year=p.year,
            employees=p.values.get("employees"),
            revenue=p.values.get("revenue"),
        )
        for p in todo
        if p.year is not None
    ]
    if metrics:
        CompanyMetric.objects.bulk_create(
            metrics,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["company", "year"],
            update_fields=["employees", "revenue"],
        )
        _refresh_growth([m.company_id for m in metrics])
    return [row_org[p.row] for p in todo]


def _refresh_growth(company_ids: Iterable[int]) -> None:
    series: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    ids = list(dict.fromkeys(company_ids))
    for start in range(0, len(ids), 900):
        for company_id, year, revenue in CompanyMetric.objects.filter(
            company_id__in=ids[start : start + 900]
        ).values_list("company_id", "year", "revenue"):
            series[company_id].append((year, revenue))
    updates = [Company(organization_id=i, growth=growth_rate(series[i])) for i in ids]
    Company.objects.bulk_update(updates, ["growth"], batch_size=BATCH)


SQLITE_CACHE_KIB = 65536  # page cache while importing: the indexes and FTS5 segments fit


@contextlib.contextmanager
def _bulk_write_settings() -> Iterator[None]:
    """On SQLite, a larger page cache for the import's connection (restored after): writing
    100,000 rows to the indexes and the full-text table otherwise spills pages to disk."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def company_import_run(
    *,
    table: Table,
    mapping: dict[str, str],
    actor: Any,
    dry_run: bool,
    skip_invalid: bool = False,
    source: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of `table` (headers mapped to fields by `mapping`) and, unless this is
    a dry run or a row is rejected (and `skip_invalid` is false), upsert them all.

    The caller may rely on: nothing is written unless `report.written`; when written, all the
    created and updated rows are in, the search index is up to date, companies follow the
    chapter of their province, and one `company.import` audit event records the counts.
    """
    codes = set(mapping.values())
    if not codes & {"name", "brn"}:
        raise MappingError(
            _("Map a column to the company name or the business registration number.")
        )
    units = {code: header_unit(header) for header, code in mapping.items() if code}
    technologies = _technology_lookup()
    today = timezone.localdate()
    parsed = []
    total = len(table.rows)
    for done, (row, cells) in enumerate(iter_records(table, mapping), start=1):
        parsed.append(
            parse_row(
                row,
                cells,
                revenue_unit=units.get("revenue", 1),
                technologies=technologies,
                today=today,
            )
        )
        if progress and done % BATCH == 0:
            progress(done // 2, total)
    report = ImportReport(dry_run=dry_run)
    decisions = _decide(parsed, report)
    if dry_run or (report.rejected and not skip_invalid) or not decisions:
        return report
    review_rows = {o.row for o in report.rows if o.review}

    def half(done: int, _total: int) -> None:
        if progress:
            progress(total // 2 + done * (total - total // 2) // max(1, _total), total)

    with transaction.atomic(), _bulk_write_settings():
        _write(parsed, decisions, review_rows, half)
        audit_record(
            actor=actor,
            action="company.import",
            object_type="companies.company",
            after={
                "source": source,
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected,
                "flagged": report.flagged,
                "skip_invalid": skip_invalid,
            },
        )
    report.written = True
    return report


def rejected_rows_write(table: Table, report: ImportReport, path: Path) -> int:
    """Write the rejected rows, as they were, with a last column giving the reasons (CSV,
    UTF-8 with BOM so that Excel shows Korean). Returns the number of rows written."""
    reasons = {o.row: "; ".join(o.reasons) for o in report.rows if o.action == "reject"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("Row"), *table.headers, _("Why it was rejected")])
        for offset, row in enumerate(table.rows):
            number = table.first_row_number + offset
            if number in reasons:
                writer.writerow([number, *row, reasons[number]])
    return len(reasons)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
