"""Import companies from a parsed file: check every row, then write them in short transactions,
all or nothing.

Rows are matched by 사업자등록번호; a row without one is matched by name and province to an
existing company (flagged for review) or prospect; a row without one that matches nothing
becomes a *prospect* (a company known only from a list, staff-only, see `importing.hidden`).
A row with a number that matches no company but exactly one prospect by name and province
creates the company and then merges the prospect into it (`company_prospect_merge`).

How an import stays all or nothing without holding SQLite's write lock for its whole length:

1. The rows are parsed, checked and matched with reads only, outside any transaction. A dry
   run stops here; so does a run with rejected rows (unless `skip_invalid`).
2. The rows are written `CHUNK_ROWS` at a time, each chunk in its own short transaction
   (`bulk_create` / `bulk_update` in batches), so another request waits at most for one chunk.
   - New companies carry the import's `batch` id in `Company.import_batch`: they stay hidden
     from every list and search (`IMPORT_PENDING_HIDDEN`) until the import completes.
   - Before a chunk changes an existing company, what it had (profile fields, organisation
     names and chapter, the yearly figures it overwrites, the technologies it lacked) is saved
     in a `CompanyImportUndo` row in the same transaction.
   - Before writing, each chunk checks that no one else created the numbers it creates, and
     that no other running import is changing the companies it changes; if so the import
     fails with a message naming those companies (never a unique-constraint error).
3. One last short transaction makes the new companies visible (one UPDATE), drops the undo
   rows and records the `company.import` audit event. That commit is the import's.
4. If anything fails before that, `company_import_discard` deletes the batch's new companies
   and puts the changed ones back from their undo rows (fields a person edited since are left
   as they are), again in short transactions. A crash (the worker killed) leaves the batch
   hidden; `company_import_discard_stale` removes such batches before the next import.

Organisations are created and renamed through the `accounts` services only.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.brn import brn_normalize
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.services import (
    organization_create_many,
    organization_delete_many,
    organization_update_many,
)
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.importing.fields import guess_mapping, header_unit
from bitgoeul.companies.importing.isolated import read_isolated
from bitgoeul.companies.importing.readers import Table, iter_records
from bitgoeul.companies.importing.rows import ParsedRow, parse_row
from bitgoeul.companies.ksic import section_of
from bitgoeul.companies.models import (
    Certification,
    Company,
    CompanyImport,
    CompanyImportUndo,
    CompanyMetric,
    CompanyScore,
    Investment,
    Nomination,
    Technology,
    WatchlistEntry,
)
from bitgoeul.companies.score_math import growth_rate
from bitgoeul.companies.search_index import (
    SEARCH_FIELDS,
    body_text,
    search_index_sync,
    set_terms,
    terms_many,
)
from bitgoeul.companies.selectors import ChapterLookup
from bitgoeul.companies.services.profile import PROFILE_FIELDS
from bitgoeul.core.cells import neutralise_row
from bitgoeul.search.terms import words

logger = logging.getLogger(__name__)

CHUNK_ROWS = 500  # rows per write transaction: well under a second of SQLite's write lock
BATCH = 500  # rows per statement of bulk_create / bulk_update
LOOKUP = 900  # ids per `IN (…)` (SQLite's parameter limit is 999 on old builds)
REPORT_ROWS_KEPT = 2000  # rows kept in the stored report; the rejected-rows file has them all
CONFLICTS_NAMED = 10  # companies named in the message of an overlapping import
Progress = Callable[[int, int], None]


class MappingError(ValueError):
    """The mapping cannot work (no name nor registration number column)."""


class ImportConflict(RuntimeError):
    """Another import (or a person) created or is changing companies this import writes; the
    message names them, for the person who started the import."""


@dataclass
class RowOutcome:
    row: int
    action: str  # create, update, reject
    name: str
    brn: str
    reasons: list[str] = field(default_factory=list)
    review: bool = False  # matched by name and region
    prospect: bool = False  # created or updated as a prospect (no registration number)


@dataclass
class ImportReport:
    dry_run: bool
    written: bool = False
    created: int = 0
    updated: int = 0
    rejected: int = 0
    flagged: int = 0
    prospects: int = 0  # of the created: prospects
    merged: int = 0  # prospects merged into a company of this file
    transactions: int = 0  # write transactions committed (chunks and the last one)
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
            "prospects": self.prospects,
            "merged": self.merged,
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


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _Existing:
    pk: int
    kind: str
    name: str
    pending: bool = False  # added by an import that is still writing


def _existing_by_brn(brns: list[str]) -> dict[str, _Existing]:
    """The organisations with these registration numbers."""
    found: dict[str, _Existing] = {}
    for chunk in _chunks(brns, LOOKUP):
        rows = Organization.objects.filter(brn__in=chunk).values_list(
            "brn", "pk", "kind", "name", "company__import_batch"
        )
        found.update(
            (brn or "", _Existing(pk, kind, name, batch is not None))
            for brn, pk, kind, name, batch in rows
        )
    return found


def _by_name_and_province(keys: Iterable[str], companies: Q) -> dict[tuple[str, str], list[int]]:
    """(name key, province) → ids of the `companies` whose name has that key. A name key has
    no spaces (`(주)빛고을 로보틱스` → `빛고을로보틱스`), so the database is asked for names
    containing the key's longest word and the keys are compared here."""
    found: dict[tuple[str, str], list[int]] = defaultdict(list)
    wanted = {key for key in keys if key}
    # A name with a given key contains the key's first letter; asking for the first letters
    # of 50 keys at once reads a superset, compared here.
    for chunk in _chunks(sorted({key[:1] for key in wanted}), 50):
        condition = Q()
        for letter in chunk:
            condition |= Q(organization__name__icontains=letter)
        rows = (
            Company.objects.filter(companies)
            .filter(condition)
            .values_list("organization_id", "organization__name", "province")
        )
        for org_id, name, province in rows:
            key = name_key(name)
            if key in wanted and org_id not in found[key, province]:
                found[key, province].append(org_id)
    return found


@dataclass
class _Known:
    """The existing organisations the rows of a file may match, read before anything is
    written: by registration number, by (name key, province) for rows without one, and the
    prospects by (name key, province) for rows with a number that is new."""

    by_brn: dict[str, _Existing]
    by_name: dict[tuple[str, str], list[int]]
    prospects: dict[tuple[str, str], list[int]]
    prospect_ids: set[int]


def _known(records: list[tuple[int, dict[str, str]]]) -> _Known:
    """Look up every registration number of the file (a superset of the valid ones) and the
    name of every row without a number; read every prospect's name."""
    brns: set[str] = set()
    keys: set[str] = set()
    for _row, cells in records:
        text = cells.get("brn", "").strip()
        if text:
            digits = text.replace("-", "")
            brns.add(digits if digits.isdigit() else brn_normalize(text))
        elif cells.get("name", "").strip():
            keys.add(name_key(cells["name"].strip()))
    by_name = _by_name_and_province(sorted(keys), Q(import_batch__isnull=True))
    prospects: dict[tuple[str, str], list[int]] = defaultdict(list)
    prospect_ids: set[int] = set()
    rows = Company.objects.filter(is_prospect=True, import_batch__isnull=True).values_list(
        "organization_id", "organization__name", "province"
    )
    for org_id, name, province in rows:
        prospects[name_key(name), province].append(org_id)
        prospect_ids.add(org_id)
    return _Known(_existing_by_brn(sorted(brns)), by_name, prospects, prospect_ids)


class _Decider:
    """Match rows to existing companies in file order, filling the report as it goes.

    `decisions`: file row → organisation id to update, or None for a new company; rejected
    rows are absent. `decided`: the parsed rows that have a decision, in file order.
    `merges`: file row (a new company) → the prospect to merge into it."""

    def __init__(self, known: _Known, report: ImportReport) -> None:
        self.known, self.report = known, report
        self.decisions: dict[int, int | None] = {}
        self.decided: list[ParsedRow] = []
        self.review_rows: set[int] = set()
        self.prospect_rows: set[int] = set()
        self.merges: dict[int, int] = {}
        self._seen_brn: dict[str, int] = {}  # registration number → first row with it
        self._seen_prospect: dict[tuple[str, str], int] = {}  # new prospect → its row
        self._taken: dict[int, int] = {}  # organisation id → the row that updates it
        self._merged: dict[int, int] = {}  # prospect id → the row merging it

    def decide(self, parsed: list[ParsedRow]) -> None:
        report = self.report
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
                if outcome.review:
                    self.review_rows.add(p.row)
                if outcome.action == "create":
                    report.created += 1
                    if outcome.prospect:
                        report.prospects += 1
                        self.prospect_rows.add(p.row)
                else:
                    report.updated += 1
                    report.flagged += outcome.review
            report.rows.append(outcome)

    def _match(self, p: ParsedRow) -> tuple[RowOutcome, int | None]:
        name = p.values.get("name", "")
        outcome = RowOutcome(p.row, "reject", name, p.brn, list(p.errors))
        if p.errors:
            return outcome, None
        place = (name_key(name), p.values.get("province", ""))
        if not p.brn:
            matches = self.known.by_name.get(place, [])
            if len(matches) == 1:
                outcome.action = "update"
                outcome.prospect = matches[0] in self.known.prospect_ids
                outcome.review = not outcome.prospect
                return outcome, matches[0]
            if matches:
                outcome.reasons.append(
                    _("no business registration number, and %(n)d companies have this name")
                    % {"n": len(matches)}
                )
                return outcome, None
            first = self._seen_prospect.setdefault(place, p.row)
            if first != p.row:
                outcome.reasons.append(
                    _("no business registration number, and the same company as row %(row)d")
                    % {"row": first}
                )
                return outcome, None
            outcome.action, outcome.prospect = "create", True
            outcome.reasons.append(_("no business registration number: imported as a prospect"))
            return outcome, None
        existing = self.known.by_brn.get(p.brn)
        first = self._seen_brn.setdefault(p.brn, p.row)
        if first != p.row:
            outcome.reasons.append(
                _("the same business registration number as row %(row)d") % {"row": first}
            )
        elif existing is not None and existing.pending:
            outcome.reasons.append(
                _("another import is adding this company now: check the file again once it ends")
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
            prospects = self.known.prospects.get(place, [])
            if len(prospects) == 1 and prospects[0] not in self._merged:
                self._merged[prospects[0]] = p.row
                self.merges[p.row] = prospects[0]
                outcome.reasons.append(_("the prospect with this name and region is merged"))
        return outcome, None


_section = functools.lru_cache(maxsize=4096)(section_of)


# Fields only imports fill (from stock-exchange listings), beside the profile's editable fields.
IMPORTED_FIELDS = (*PROFILE_FIELDS, "stock_code", "market", "listed_on", "fiscal_month")


def _profile(values: dict[str, Any]) -> dict[str, Any]:
    """The profile fields a row sets (with the KSIC section derived from the code)."""
    out = {key: values[key] for key in IMPORTED_FIELDS if key in values}
    if "ksic_code" in values:
        out["ksic_section"] = _section(values["ksic_code"])
    return out


_FIELDS = {f.name: f for f in Company._meta.concrete_fields}  # for values read back from JSON


class _Writer:
    """Writes the decided rows of one import, a chunk per transaction (see the module's note).
    `row_org`: file row → the organisation id written."""

    def __init__(
        self, decider: _Decider, techs: dict[int, Technology], actor: Any, batch: uuid.UUID
    ) -> None:
        self.decider, self.techs, self.actor = decider, techs, actor
        self.batch = batch
        self.now = timezone.now()
        self.lookup = ChapterLookup()
        self.parents: dict[str, int | None] = {}
        self.row_org: dict[int, int] = {}
        self.reason = f"company import {self.batch}"
        self._undo_rows: dict[int, CompanyImportUndo] = {}  # of the chunk being written

    def _parent(self, province: str) -> int | None:
        if province not in self.parents:
            covering = self.lookup.for_province(province) if province else None
            self.parents[province] = covering.pk if covering is not None else None
        return self.parents[province]

    def write_chunk(self, chunk: list[ParsedRow]) -> None:
        decisions = self.decider.decisions
        creates = [p for p in chunk if decisions[p.row] is None]
        updates = [p for p in chunk if decisions[p.row] is not None]
        # The new companies' rows, with their search terms (Kiwi's analysis is most of an
        # import's time), are built before the transaction opens: the write lock is held for
        # the writing only.
        new = self._new_companies(creates) if creates else []
        with transaction.atomic():
            self._check_conflicts(creates, updates)
            if creates:
                self._create(creates, new)
            if updates:
                self._update(updates)
            self._links_and_metrics(chunk)

    def _check_conflicts(self, creates: list[ParsedRow], updates: list[ParsedRow]) -> None:
        """Numbers created since the rows were matched (by another import, still hidden, or by
        a person), or companies that another running import is changing."""
        taken = list(
            Organization.objects.filter(brn__in=[p.brn for p in creates if p.brn])
            .order_by("name")
            .values_list("name", flat=True)[: CONFLICTS_NAMED + 1]
        )
        if taken:
            raise ImportConflict(
                _(
                    "Another import or a person added these companies after this file was "
                    "checked: %(names)s. Run the check (dry run) again, then import."
                )
                % {"names": _names(taken)}
            )
        ids = [self.decider.decisions[p.row] for p in updates]
        busy = list(
            CompanyImportUndo.objects.filter(company_id__in=ids)
            .exclude(batch=self.batch)
            .order_by("company__organization__name")
            .values_list("company__organization__name", flat=True)[: CONFLICTS_NAMED + 1]
        )
        if busy:
            raise ImportConflict(
                _(
                    "Another import is changing these companies now: %(names)s. Wait until it "
                    "ends, then run the check (dry run) again and import."
                )
                % {"names": _names(busy)}
            )

    def _new_companies(self, rows: list[ParsedRow]) -> list[Company]:
        """Unsaved profiles of new companies (without their organisation yet)."""
        prospects = self.decider.prospect_rows
        terms = terms_many(
            [(p.values["name"], p.values.get("name_en", "")) for p in rows],
            [_body(p.values) for p in rows],
            [[self.techs[i] for i in dict.fromkeys(p.technologies)] for p in rows],
        )
        companies = []
        for p, row_terms in zip(rows, terms, strict=True):
            prospect = p.row in prospects
            company = Company(
                import_batch=self.batch,
                is_prospect=prospect,
                review_reason=_("no business registration number") if prospect else "",
                created_at=self.now,
                updated_at=self.now,
                **_profile(p.values),
            )
            row_terms.apply(company)
            companies.append(company)
        return companies

    def _create(self, rows: list[ParsedRow], companies: list[Company]) -> None:
        prospects = self.decider.prospect_rows
        organizations = organization_create_many(
            organizations=[
                Organization(
                    name=p.values["name"],
                    name_en=p.values.get("name_en", ""),
                    kind=OrganizationKind.COMPANY,
                    brn=p.brn or None,
                    is_prospect=p.row in prospects,
                    parent_id=self._parent(p.values.get("province", "")),
                    created_at=self.now,
                )
                for p in rows
            ],
            actor=self.actor,
            reason=self.reason,
            batch_size=BATCH,
        )
        for p, organization, company in zip(rows, organizations, companies, strict=True):
            company.organization_id = organization.pk
            self.row_org[p.row] = organization.pk
        Company.objects.bulk_create(companies, batch_size=BATCH)
        search_index_sync([c.organization_id for c in companies])

    def _update(self, rows: list[ParsedRow]) -> None:
        """Apply the rows matched to existing companies, saving what they had first."""
        decisions, review_rows = self.decider.decisions, self.decider.review_rows
        ids = [decisions[p.row] or 0 for p in rows]
        companies = Company.objects.select_related("organization").in_bulk(ids)
        missing = [i for i in ids if i not in companies]
        if missing:  # an organisation without a profile: created (and dropped on failure)
            Company.objects.bulk_create(
                [Company(organization_id=i, import_batch=None) for i in missing],
                batch_size=BATCH,
            )
            companies = Company.objects.select_related("organization").in_bulk(ids)
        undo: list[CompanyImportUndo] = []
        org_changes: dict[int, dict[str, Any]] = {}
        for p in rows:
            company = companies[decisions[p.row] or 0]
            organization = company.organization
            values = _profile(p.values)
            if p.row in review_rows:
                values["needs_review"] = True
                values["review_reason"] = _("matched by name and region in an import")
            org_values: dict[str, Any] = {
                key: p.values[key] for key in ("name", "name_en") if p.values.get(key)
            }
            province = p.values.get("province")
            if province and self._parent(province) is not None:
                org_values["parent_id"] = self._parent(province)
            undo.append(
                CompanyImportUndo(
                    batch=self.batch,
                    company_id=company.pk,
                    before={
                        "company": {key: getattr(company, key) for key in values},
                        "organization": {key: getattr(organization, key) for key in org_values},
                        "created": company.pk in missing,
                    },
                    after={"company": values, "organization": org_values},
                )
            )
            for key, value in values.items():
                setattr(company, key, value)
            company.updated_at = self.now
            if org_values:
                org_changes[company.pk] = org_values
            self.row_org[p.row] = company.pk
        CompanyImportUndo.objects.bulk_create(undo, batch_size=BATCH)
        if org_changes:
            organization_update_many(
                changes=org_changes, actor=self.actor, reason=self.reason, batch_size=BATCH
            )
        fields = sorted({key for u in undo for key in u.after["company"]} | {"updated_at"})
        Company.objects.bulk_update(list(companies.values()), fields, batch_size=BATCH)
        self._undo_rows = {u.company_id: u for u in undo}

    def _links_and_metrics(self, chunk: list[ParsedRow]) -> None:
        """Technologies (added, never removed by an import) and the yearly figures, with what
        they replace noted in the undo rows of updated companies; then the search terms."""
        undo, self._undo_rows = self._undo_rows, {}
        through = Company.technologies.through
        wanted = {(self.row_org[p.row], tech) for p in chunk for tech in p.technologies}
        updated = list(undo)
        have = set(
            through.objects.filter(company_id__in=updated).values_list(
                "company_id", "technology_id"
            )
        )
        new_links = sorted(wanted - have)
        through.objects.bulk_create(
            [through(company_id=c, technology_id=t) for c, t in new_links], batch_size=BATCH
        )
        for company_id, tech_id in new_links:
            if company_id in undo:
                undo[company_id].before.setdefault("technologies", []).append(tech_id)
        metrics = [
            CompanyMetric(
                company_id=self.row_org[p.row],
                year=p.year,
                employees=p.values.get("employees"),
                revenue=p.values.get("revenue"),
            )
            for p in chunk
            if p.year is not None
        ]
        if undo and metrics:
            old = {
                (m.company_id, m.year): [m.employees, m.revenue]
                for m in CompanyMetric.objects.filter(company_id__in=updated)
            }
            for metric in metrics:
                if metric.company_id in undo:
                    before = undo[metric.company_id].before.setdefault("metrics", {})
                    before[str(metric.year)] = old.get((metric.company_id, metric.year))
        if metrics:
            CompanyMetric.objects.bulk_create(
                metrics,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["company", "year"],
                update_fields=["employees", "revenue"],
            )
            _refresh_growth([m.company_id for m in metrics])
        if undo:
            CompanyImportUndo.objects.bulk_update(list(undo.values()), ["before"], BATCH)
            _refresh_terms(updated)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:CONFLICTS_NAMED])
    return shown + (" …" if len(names) > CONFLICTS_NAMED else "")


def _body(values: dict[str, Any]) -> str:
    return body_text(
        values.get("description", ""),
        values.get("description_en", ""),
        values.get("products", ""),
        values.get("industry", ""),
    )


def _refresh_terms(company_ids: Sequence[int]) -> None:
    """Recompute the search terms of these companies from what they hold now."""
    companies = list(
        Company.objects.filter(pk__in=company_ids)
        .select_related("organization")
        .prefetch_related("technologies")
    )
    set_terms(
        companies,
        [(c.organization.name, c.organization.name_en) for c in companies],
        [list(c.technologies.all()) for c in companies],
    )
    Company.objects.bulk_update(companies, list(SEARCH_FIELDS), batch_size=BATCH)
    search_index_sync([c.pk for c in companies])


def _refresh_growth(company_ids: Iterable[int]) -> None:
    series: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    ids = list(dict.fromkeys(company_ids))
    for chunk in _chunks(ids, LOOKUP):
        for company_id, year, revenue in CompanyMetric.objects.filter(
            company_id__in=chunk
        ).values_list("company_id", "year", "revenue"):
            series[company_id].append((year, revenue))
    updates = [Company(organization_id=i, growth=growth_rate(series[i])) for i in ids]
    Company.objects.bulk_update(updates, ["growth"], batch_size=BATCH)


def company_import_discard(*, batch: uuid.UUID, actor: Any) -> None:
    """Undo what the import `batch` wrote (it failed or was abandoned), in short transactions:
    delete the companies it created, put back what it changed on existing ones."""
    created = list(Company.objects.filter(import_batch=batch).values_list("pk", flat=True))
    for chunk in _chunks(created, BATCH):
        with transaction.atomic():
            # The import created these organisations (through accounts' service) and no one
            # has seen them: they go with their profiles (the profile cascades).
            organization_delete_many(
                ids=list(chunk), actor=actor, reason=f"import {batch} discarded"
            )
            search_index_sync(list(chunk))
    undo_ids = list(CompanyImportUndo.objects.filter(batch=batch).values_list("pk", flat=True))
    for chunk in _chunks(undo_ids, BATCH):
        with transaction.atomic():
            _restore(list(CompanyImportUndo.objects.filter(pk__in=chunk)), actor)
    if created or undo_ids:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="company.import_discard",
                object_type="companies.company",
                after={"batch": str(batch), "deleted": len(created), "restored": len(undo_ids)},
            )


def _restore(undo: list[CompanyImportUndo], actor: Any) -> None:
    """Put companies back as their undo rows say; a field someone changed after the import
    wrote it keeps that person's value."""
    companies = Company.objects.select_related("organization").in_bulk([u.company_id for u in undo])
    fields: set[str] = set()
    org_changes: dict[int, dict[str, Any]] = {}
    dropped: list[int] = []
    for u in undo:
        company = companies.get(u.company_id)
        if company is None:
            continue
        if u.before.get("created"):
            dropped.append(company.pk)
        for key, old in u.before["company"].items():
            model_field = _FIELDS[key]
            written = model_field.to_python(u.after["company"][key])
            if getattr(company, key) == written:
                setattr(company, key, model_field.to_python(old))
                fields.add(key)
        org_changes[company.pk] = {
            key: old
            for key, old in u.before["organization"].items()
            if getattr(company.organization, key) == u.after["organization"][key]
        }
        through = Company.technologies.through
        through.objects.filter(
            company_id=company.pk, technology_id__in=u.before.get("technologies", [])
        ).delete()
        for year, old_values in u.before.get("metrics", {}).items():
            metrics = CompanyMetric.objects.filter(company_id=company.pk, year=int(year))
            if old_values is None:
                metrics.delete()
            else:
                metrics.update(employees=old_values[0], revenue=old_values[1])
    if fields:
        Company.objects.bulk_update(list(companies.values()), sorted(fields), batch_size=BATCH)
    changes = {pk: values for pk, values in org_changes.items() if values}
    if changes:
        organization_update_many(
            changes=changes, actor=actor, reason="company import undone", batch_size=BATCH
        )
    ids = list(companies)
    _refresh_growth(ids)
    _refresh_terms(ids)
    Company.objects.filter(pk__in=dropped).delete()  # profiles the import had to create
    CompanyImportUndo.objects.filter(pk__in=[u.pk for u in undo]).delete()


def company_import_discard_stale(*, actor: Any, keep: Iterable[uuid.UUID] = ()) -> int:
    """Discard the batches of imports that did not end (their worker was killed), except the
    batches in `keep` (the imports still running). Returns the number discarded."""
    kept = set(keep)
    batches = set(
        Company.objects.filter(import_batch__isnull=False)
        .values_list("import_batch", flat=True)
        .distinct()
    ) | set(CompanyImportUndo.objects.values_list("batch", flat=True).distinct())
    stale = [b for b in batches if b is not None and b not in kept]
    for batch in stale:
        company_import_discard(batch=batch, actor=actor)
    return len(stale)


def _finish(writer: _Writer, report: ImportReport, *, source: str, skip_invalid: bool) -> None:
    """The import's commit: its companies become visible, its undo rows go, one audit event."""
    with transaction.atomic():
        Company.objects.filter(import_batch=writer.batch).update(import_batch=None)
        CompanyImportUndo.objects.filter(batch=writer.batch).delete()
        audit_record(
            actor=writer.actor,
            action="company.import",
            object_type="companies.company",
            after={
                "source": source,
                "batch": str(writer.batch),
                "created": report.created,
                "updated": report.updated,
                "rejected": report.rejected,
                "flagged": report.flagged,
                "prospects": report.prospects,
                "skip_invalid": skip_invalid,
            },
        )


def company_import_run(
    *,
    table: Table,
    mapping: dict[str, str],
    actor: Any,
    dry_run: bool,
    skip_invalid: bool = False,
    source: str = "",
    progress: Progress | None = None,
    batch: uuid.UUID | None = None,
) -> ImportReport:
    """Check every row of `table` (headers mapped to fields by `mapping`) and, unless this is
    a dry run or a row is rejected (and `skip_invalid` is false), upsert them all. `batch`
    names what this run writes until it completes (the import job passes its upload's id, so
    that `company_import_discard_stale` can tell a running import from an abandoned one).

    Must be called outside a transaction (it commits chunk by chunk). The caller may rely on:
    nothing is left written unless `report.written`; when written, all the created and updated
    rows are in and visible, the search index is up to date, companies follow the chapter of
    their province, and one `company.import` audit event records the counts. An exception
    (`ImportConflict` among them) leaves the database as it was.
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
    total = len(records)
    for chunk in _chunks(records, CHUNK_ROWS):
        decider.decide([parse(row, cells) for row, cells in chunk])
        if progress and dry_run:
            progress(min(total, len(decider.report.rows)), total)
    if dry_run or (report.rejected and not skip_invalid) or not decider.decided:
        if progress:
            progress(total, total)
        return report
    writer = _Writer(decider, techs, actor, batch or uuid.uuid4())
    done = 0
    try:
        for rows in _chunks(decider.decided, CHUNK_ROWS):
            writer.write_chunk(list(rows))
            report.transactions += 1
            done += len(rows)
            if progress:
                progress(done, total)
        _finish(writer, report, source=source, skip_invalid=skip_invalid)
        report.transactions += 1
    except BaseException:
        logger.warning("import %s failed: undoing what it wrote", writer.batch)
        company_import_discard(batch=writer.batch, actor=actor)
        raise
    report.written = True
    for row, prospect_id in decider.merges.items():
        # After the import's commit, each merge in its own transaction: one that fails leaves
        # the prospect for staff to merge, and the import stands.
        prospect = Company.objects.filter(pk=prospect_id, is_prospect=True).first()
        if prospect is None:
            continue
        try:
            company_prospect_merge(
                prospect=prospect, company=Company.objects.get(pk=writer.row_org[row]), actor=actor
            )
        except Exception:
            logger.exception("prospect %s not merged into row %s's company", prospect_id, row)
        else:
            report.merged += 1
    if progress:
        progress(total, total)
    return report


@transaction.atomic
def company_prospect_merge(*, prospect: Company, company: Company, actor: Any) -> Company:
    """Merge a prospect into the real company it turned out to be: its history (yearly
    figures, investments, certifications, nominations, watchlist entries, scores and
    technologies) moves to `company` where `company` has no record of its own for the same
    year, run or watcher; then the prospect and its organisation are deleted. Audited."""
    prospect = (
        Company.objects.select_for_update().select_related("organization").get(pk=prospect.pk)
    )
    if not prospect.is_prospect or prospect.pk == company.pk:
        raise ValueError("only a prospect can be merged into another company")
    moved: dict[str, int] = {}
    years = CompanyMetric.objects.filter(company=company).values_list("year", flat=True)
    moved["metrics"] = (
        CompanyMetric.objects.filter(company=prospect)
        .exclude(year__in=years)
        .update(company=company)
    )
    moved["investments"] = Investment.objects.filter(company=prospect).update(company=company)
    moved["certifications"] = Certification.objects.filter(company=prospect).update(company=company)
    moved["nominations"] = Nomination.objects.filter(company=prospect).update(company=company)
    watchers = WatchlistEntry.objects.filter(company=company).values_list("user_id", flat=True)
    moved["watchlists"] = (
        WatchlistEntry.objects.filter(company=prospect)
        .exclude(user_id__in=watchers)
        .update(company=company)
    )
    runs = CompanyScore.objects.filter(company=company).values_list("run_id", flat=True)
    moved["scores"] = (
        CompanyScore.objects.filter(company=prospect)
        .exclude(run_id__in=runs)
        .update(company=company)
    )
    techs = list(prospect.technologies.all())
    company.technologies.add(*techs)
    moved["technologies"] = len(techs)
    audit_record(
        actor=actor,
        action="company.prospect_merge",
        obj=company,
        before={"prospect": prospect.pk, "name": prospect.organization.name},
        after=moved,
    )
    # The prospect's organisation has no number, no members and no use left once merged.
    organization_delete_many(
        ids=[prospect.pk], actor=actor, reason=f"prospect merged into {company.pk}"
    )
    search_index_sync([prospect.pk])
    _refresh_growth([company.pk])
    _refresh_terms([company.pk])
    return company


def prospect_for(*, name: str, province: str) -> Company | None:
    """The one prospect with this name (compared as `name_key`) and province, if exactly one
    (any province when `province` is empty)."""
    key = name_key(name)
    condition = Q(is_prospect=True, import_batch__isnull=True)
    if province:
        condition &= Q(province=province)
    found = [
        pk
        for pk, other in Company.objects.filter(condition).values_list(
            "organization_id", "organization__name"
        )
        if name_key(other) == key
    ]
    return Company.objects.get(pk=found[0]) if len(found) == 1 else None


def prospect_claim_on_signup(*, organization: Organization, actor: Any, **_: Any) -> None:
    """`ORGANIZATION_CREATED` subscriber: a company that signs up claims the one prospect with
    its name and province (any province while its profile has none). The merge runs after
    the sign-up commits, in its own transaction: by then the company record exists (another
    subscriber creates it, in whatever order subscribers run), and a failed merge does not
    undo the sign-up."""
    if organization.kind != OrganizationKind.COMPANY or organization.is_prospect:
        return
    organization_id, name = organization.pk, organization.name

    def claim() -> None:
        company = Company.objects.filter(pk=organization_id).first()
        if company is None or company.is_prospect:
            logger.info(
                "no company record for organisation %s: no prospect claimed", organization_id
            )
            return
        prospect = prospect_for(name=name, province=company.province)
        if prospect is not None:
            company_prospect_merge(prospect=prospect, company=company, actor=actor)

    transaction.on_commit(claim)


PREVIEW_ROWS = 5  # shown on the mapping page
PREVIEW_CHARS = 24


def company_import_upload(*, user: Any, name: str, data: bytes) -> CompanyImport:
    """Keep an uploaded file for the import wizard, with its headers, row count, a preview and
    a guessed mapping. The file is read outside any transaction, in a child process with a
    memory and a time limit (`importing.isolated`); `FileError` for a file that cannot be
    read, and then nothing is kept."""
    upload_id = uuid.uuid4()
    suffix = Path(name).suffix.lower()[:6] or ".dat"
    relative = Path("imports") / f"{upload_id}{suffix}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        table = read_isolated(path, name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    preview = [[cell[:PREVIEW_CHARS] for cell in row] for row in table.rows[:PREVIEW_ROWS]]
    with transaction.atomic():
        upload = CompanyImport.objects.create(
            id=upload_id,
            uploaded_by=user,
            file=str(relative),
            original_name=name[:200],
            file_format=table.file_format,
            encoding=table.encoding,
            headers=table.headers,
            row_count=len(table.rows),
            preview=preview,
            mapping=guess_mapping(table.headers),
        )
        audit_record(
            actor=user,
            action="company_import.upload",
            obj=upload,
            after={"name": upload.original_name, "rows": len(table.rows), "size": len(data)},
        )
    return upload


def rejected_rows_write(table: Table, report: ImportReport, path: Path) -> int:
    """Write the rejected rows, as they were, with a last column giving the reasons (CSV,
    UTF-8 with BOM so that Excel shows Korean; cells that would run as formulas are
    neutralised). Returns the number of rows written."""
    reasons = {o.row: "; ".join(o.reasons) for o in report.rows if o.action == "reject"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(neutralise_row([_("Row"), *table.headers, _("Why it was rejected")]))
        for number, row in zip(table.row_numbers, table.rows, strict=True):
            if number in reasons:
                writer.writerow(neutralise_row([number, *row, reasons[number]]))
    return len(reasons)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
