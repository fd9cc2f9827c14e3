"""Import companies from a parsed file: validate every row and upsert them all in one
transaction, or nothing.

Rows are matched by 사업자등록번호; a row without one is matched by name and province to an
existing company (and that company is flagged for review), because a company cannot be created
without a registration number. A dry run, or a run with rejected rows (unless `skip_invalid`),
writes nothing. Writes are bulk (a few statements per thousand rows); one audit event records
the import with its counts.

The rows are parsed, checked and matched a chunk at a time, in file order; the new companies of
a chunk are written on a second thread (`importing.inserts.BackgroundWriter`) while the next
chunk is parsed. A rejected row stops the writing, and at the end rolls back the chunks already
written, so an import is still all or nothing. The existing companies a file may match are read
before the first chunk.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.brn import brn_normalize
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.importing.fields import header_unit
from bitgoeul.companies.importing.inserts import (
    CHUNK_ROWS,
    BackgroundWriter,
    RawInsert,
    insert_rows,
)
from bitgoeul.companies.importing.readers import Table, iter_records
from bitgoeul.companies.importing.rows import ParsedRow, parse_row
from bitgoeul.companies.ksic import section_of
from bitgoeul.companies.models import Company, CompanyMetric, Technology
from bitgoeul.companies.score_math import growth_rate
from bitgoeul.companies.search_index import (
    FTS_INSERT,
    body_text,
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


def _technology_lookup(techs: dict[int, Technology]) -> dict[str, int]:
    """Lower-case codes and names (Korean, English) → Technology ids."""
    lookup: dict[str, int] = {}
    for tech in techs.values():
        for key in (tech.code, tech.name, tech.name_en):
            lookup[key.lower()] = tech.pk
    return lookup


class _Existing(NamedTuple):
    pk: int
    kind: str
    name: str


def _existing_by_brn(brns: list[str]) -> dict[str, _Existing]:
    """The organisations with these registration numbers: looked up by number, or by reading
    every numbered organisation when the file has more numbers than the database."""
    found: dict[str, _Existing] = {}
    table = connection.ops.quote_name(Organization._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE brn IS NOT NULL")
        if len(brns) > cursor.fetchone()[0]:
            wanted = set(brns)
            cursor.execute(f"SELECT brn, id, kind, name FROM {table} WHERE brn IS NOT NULL")
            rows = (row for row in cursor if row[0] in wanted)
            return {brn: _Existing(pk, kind, name) for brn, pk, kind, name in rows}
        for start in range(0, len(brns), 900):
            chunk = brns[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT brn, id, kind, name FROM {table} WHERE brn IN ({marks})", chunk)
            found.update((brn, _Existing(pk, kind, name)) for brn, pk, kind, name in cursor)
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


@dataclass
class _Known:
    """The existing organisations the rows of a file may match, read before anything is
    written: by registration number, and by (name key, province) for rows without one."""

    by_brn: dict[str, _Existing]
    by_name: dict[tuple[str, str], list[int]]


def _known(records: list[tuple[int, dict[str, str]]]) -> _Known:
    """Look up every registration number of the file (a superset of the valid ones) and the
    name of every row without a number."""
    brns: set[str] = set()
    keys: set[str] = set()
    for _row, cells in records:
        text = cells.get("brn", "").strip()
        if text:
            digits = text.replace("-", "")
            brns.add(digits if digits.isdigit() else brn_normalize(text))
        elif cells.get("name", "").strip():
            keys.add(name_key(cells["name"].strip()))
    return _Known(_existing_by_brn(sorted(brns)), _existing_by_name(sorted(keys - {""})))


class _Decider:
    """Match rows to existing companies in file order, filling the report as it goes.

    `decisions`: file row → organisation id to update, or None for a new company; rejected
    rows are absent. `decided`: the parsed rows that have a decision, in file order."""

    def __init__(self, known: _Known, report: ImportReport) -> None:
        self.known, self.report = known, report
        self.decisions: dict[int, int | None] = {}
        self.decided: list[ParsedRow] = []
        self._seen_brn: dict[str, int] = {}  # registration number → first row with it
        self._taken: dict[int, int] = {}  # organisation id → the row that updates it

    def decide(self, parsed: list[ParsedRow]) -> list[ParsedRow]:
        """Decide these rows (the next ones of the file); returns those to create."""
        report, created = self.report, []
        for p in parsed:
            outcome, org_id = self._match(p)
            if outcome.action == "update":
                assert org_id is not None
                if org_id in self._taken:  # two rows must not update one company twice
                    outcome.action, outcome.review = "reject", False
                    outcome.reasons = [
                        _("row %(row)d already updates this company") % {"row": self._taken[org_id]}
                    ]
                else:
                    self._taken[org_id] = p.row
            if outcome.action == "reject":
                report.rejected += 1
            else:
                outcome.reasons.extend(p.warnings)
                self.decisions[p.row] = org_id
                self.decided.append(p)
                if outcome.action == "create":
                    report.created += 1
                    created.append(p)
                else:
                    report.updated += 1
                    report.flagged += outcome.review
            report.rows.append(outcome)
        return created

    def _match(self, p: ParsedRow) -> tuple[RowOutcome, int | None]:
        name = p.values.get("name", "")
        outcome = RowOutcome(p.row, "reject", name, p.brn, list(p.errors))
        if p.errors:
            return outcome, None
        if not p.brn:
            matches = self.known.by_name.get((name_key(name), p.values.get("province", "")), [])
            if len(matches) == 1:
                outcome.action, outcome.review = "update", True
                return outcome, matches[0]
            if matches:
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
            return outcome, None
        existing = self.known.by_brn.get(p.brn)
        first = self._seen_brn.setdefault(p.brn, p.row)
        if first != p.row:
            outcome.reasons.append(
                _("the same business registration number as row %(row)d") % {"row": first}
            )
        elif existing is not None and existing.kind != OrganizationKind.COMPANY:
            outcome.reasons.append(
                _("this business registration number belongs to %(org)s, not a company")
                % {"org": existing.name}
            )
        elif existing is not None:
            outcome.action = "update"
            return outcome, existing.pk
        elif not name:
            outcome.reasons.append(_("a new company needs a name"))
        else:
            outcome.action = "create"
        return outcome, None


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


def _ids_by_brn(writer: BackgroundWriter, cursor: Any, brns: list[str]) -> dict[str, int]:
    """Organisation ids by registration number, read on the writer thread. On SQLite as one
    JSON row: every row of a plain SELECT would be a step that waits for the GIL."""
    found: dict[str, int] = {}
    table = Organization._meta.db_table
    for start in range(0, len(brns), 900):
        chunk = brns[start : start + 900]
        marks = ", ".join([writer.mark] * len(chunk))
        if writer.vendor == "sqlite":
            cursor.execute(
                f"SELECT json_group_array(json_array(brn, id)) FROM {table} WHERE brn IN ({marks})",
                chunk,
            )
            found.update(json.loads(cursor.fetchone()[0]))
        else:
            cursor.execute(f"SELECT brn, id FROM {table} WHERE brn IN ({marks})", chunk)
            found.update(cursor.fetchall())
    return found


class _Creator:
    """Insert the organisations, companies (with their search terms) and full-text rows of new
    rows with raw multi-row INSERTs (see `importing.inserts`), a chunk at a time: `prepare`
    analyses the words and builds the rows on the caller's thread, `write` runs on the
    `BackgroundWriter` thread while the caller prepares the next chunk. `row_org`: file row →
    organisation id of what was written."""

    def __init__(
        self,
        writer: BackgroundWriter,
        lookup: ChapterLookup,
        now: dt.datetime,
        techs: dict[int, Technology],
    ) -> None:
        self.writer, self.techs = writer, techs
        self.orgs, self.profiles = RawInsert(Organization), RawInsert(Company)
        self.org_template = self.orgs.fixed({"kind": OrganizationKind.COMPANY, "created_at": now})
        self.company_template = self.profiles.fixed({"created_at": now, "updated_at": now})
        self.lookup = lookup
        self.parents: dict[str, int | None] = {}
        self.fts = writer.vendor == "sqlite"  # PostgreSQL's index is a generated column
        self.org_slots = tuple(self.orgs.index[k] for k in ("name", "name_en", "brn", "parent_id"))
        index = self.profiles.index
        self.org_slot, self.section_slot = index["organization_id"], index["ksic_section"]
        self.search_slots = tuple(index[k] for k in ("search_name", "search_body", "search_tags"))
        self.row_org: dict[int, int] = {}

    def _parent(self, province: str) -> int | None:
        if province not in self.parents:
            covering = self.lookup.for_province(province) if province else None
            self.parents[province] = covering.pk if covering is not None else None
        return self.parents[province]

    def prepare(self, chunk: list[ParsedRow]) -> tuple[list[ParsedRow], list[Any], list[Any]]:
        profiles = self.profiles
        name_i, name_en_i, brn_i, parent_i = self.org_slots
        org_rows = []
        for p in chunk:
            org_row = list(self.org_template)  # what `orgs.row` makes, without its lookups
            org_row[name_i], org_row[name_en_i] = p.values["name"], p.values.get("name_en", "")
            org_row[brn_i] = p.brn
            org_row[parent_i] = self._parent(p.values.get("province", ""))
            org_rows.append(org_row)
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
            [[self.techs[i] for i in dict.fromkeys(p.technologies)] for p in chunk],
        )
        rows = []
        section_slot, (name_slot, body_slot, tags_slot) = self.section_slot, self.search_slots
        for p, (search_name, search_body, search_tags) in zip(chunk, terms, strict=True):
            # the parsed values are profile fields, or the organisation's names (ignored here)
            row = profiles.row(self.company_template, p.values)
            if "ksic_code" in p.values:
                row[section_slot] = _section(p.values["ksic_code"])
            row[name_slot], row[body_slot] = search_name, search_body
            row[tags_slot] = search_tags or ""
            rows.append(row)
        return chunk, org_rows, rows

    def write(self, chunk: list[ParsedRow], org_rows: list[Any], rows: list[Any]) -> None:
        """On the writer thread: organisations, their ids, companies, full-text rows."""
        org_slot, slots = self.org_slot, self.search_slots
        writer = self.writer
        with writer.cursor() as cursor:
            self.orgs.execute(writer, cursor, org_rows)
            ids = _ids_by_brn(writer, cursor, [p.brn for p in chunk])
            index_rows = []
            for p, row in zip(chunk, rows, strict=True):
                org_id = self.row_org[p.row] = row[org_slot] = ids[p.brn]
                index_rows.append((org_id, row[slots[0]], row[slots[1]], row[slots[2]]))
            self.profiles.execute(writer, cursor, rows)
            if self.fts:
                insert_rows(writer, cursor, FTS_INSERT, 4, index_rows)


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


def _parse_and_write(
    records: list[tuple[int, dict[str, str]]],
    parse: Callable[[int, dict[str, str]], ParsedRow],
    decider: _Decider,
    techs: dict[int, Technology],
    *,
    write: bool,
    skip_invalid: bool,
    progress: Progress | None,
) -> bool:
    """Parse and decide the rows a chunk at a time and, when writing, insert each chunk's new
    companies on the writer thread while the next chunk is parsed; then apply the updates,
    technologies and yearly figures. Returns whether the changes are to be kept: false for a
    dry run, when a row is rejected (and `skip_invalid` is false: the chunks already written
    are rolled back by the caller), and when no row is left to write."""
    report, total = decider.report, len(records)
    now, lookup = timezone.now(), ChapterLookup()
    writer = BackgroundWriter()
    creator = _Creator(writer, lookup, now, techs)
    with writer:
        for start in range(0, total, CHUNK_ROWS):
            parsed = [parse(row, cells) for row, cells in records[start : start + CHUNK_ROWS]]
            new_rows = decider.decide(parsed)
            keep = write and new_rows and (skip_invalid or not report.rejected)
            batch = creator.prepare(new_rows) if keep else None
            writer.wait()  # the previous chunk is in: the connection is free to report
            if progress:
                progress(start, total)
            if batch:
                writer.submit(creator.write, *batch)
    if not write or (report.rejected and not skip_invalid) or not decider.decisions:
        if progress:
            progress(total, total)
        return False
    decisions, todo = decider.decisions, decider.decided
    row_org = creator.row_org
    update_rows = [p for p in todo if decisions[p.row] is not None]
    if update_rows:
        review_rows = {o.row for o in report.rows if o.review}
        _update(update_rows, decisions, review_rows, lookup, now, techs)
        row_org.update({p.row: decisions[p.row] or 0 for p in update_rows})

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
    if progress:
        progress(total, total)
    return True


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
    techs = Technology.objects.in_bulk()
    parse = functools.partial(
        parse_row,
        revenue_unit=units.get("revenue", 1),
        technologies=_technology_lookup(techs),
        today=timezone.localdate(),
    )
    records = list(iter_records(table, mapping))
    report = ImportReport(dry_run=dry_run)
    decider = _Decider(_known(records), report)
    run = functools.partial(
        _parse_and_write,
        records,
        parse,
        decider,
        techs,
        skip_invalid=skip_invalid,
        progress=progress,
    )
    if dry_run:
        run(write=False)
        return report
    with _bulk_write_settings(), transaction.atomic():
        report.written = run(write=True)
        if not report.written:
            transaction.set_rollback(True)  # the chunks written before a rejected row
            return report
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
