"""The usage ledger's writes: ingestion (sacct, Kueue, the agent, the API) and the staff's
assignment of an unmatched account to a grant (docs/compute.md, "Usage ledger").

The ledger is append-only and idempotent on (source, cluster, job, model): each entry carries
its job's cumulative totals; the same totals again write nothing, larger ones write a
correction line (`seq` + 1) holding the difference, smaller ones are refused for that entry.

Ingestion is built for files of 100,000 rows: every lookup is loaded once per call (pools,
grants of the accounts seen, mappings) or per chunk of job ids (the totals already in the
ledger), and lines are written with `bulk_create` in chunks (`_insert_lines`) — no
query per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.compute.access import require_compute_staff
from bitgoeul.compute.enums import GrantState, UsageSource
from bitgoeul.compute.models import AccountMapping, Grant, GrantPart, Pool, UsageEntry
from bitgoeul.compute.periods import period_of
from bitgoeul.compute.sacct import Allocation, SacctReport

CHUNK = 2000  # rows per bulk INSERT and job ids per IN (...) of the totals query
DEFAULT_CLUSTER = "default"  # the cluster's name when neither --cluster nor sacct gives one
EPSILON = 1e-6  # totals are floats: closer than this is "the same"


@dataclass(frozen=True)
class UsageIn:
    """One job's cumulative use of one GPU model, as a source reports it."""

    job: str
    account: str
    model: str
    started_at: dt.datetime
    gpu_seconds: float
    user: str = ""
    ended_at: dt.datetime | None = None
    state: str = ""
    sm_gpu_seconds: float | None = None
    energy_wh: float | None = None


@dataclass(frozen=True)
class Match:
    grant: int | None
    company: int | None


@dataclass
class IngestResult:
    batch: str
    # per entry, in order: "new", "correction", "duplicate" or "refused"
    outcomes: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (entry index, reason)
    # account -> the grant its usage was charged to (the last one seen), None: unmatched
    accounts: dict[str, int | None] = field(default_factory=dict)
    lines: int = 0  # ledger lines written (or that would be, in a dry run)

    def count(self, outcome: str) -> int:
        return self.outcomes.count(outcome)

    def api_answer(self) -> dict[str, Any]:
        """The usage API's answer (docs/compute.md, "Usage ingestion API")."""
        return {
            "new": self.count("new"),
            "corrections": self.count("correction"),
            "duplicates": self.count("duplicate"),
            "skipped": [{"index": index, "reason": reason} for index, reason in self.refused],
        }


class _Matcher:
    """Which grant an account's use of a model in a period is charged to; loaded once."""

    def __init__(self, cluster: str, accounts: set[str]) -> None:
        self.pools: dict[str, int] = dict(Pool.objects.values_list("model", "pk"))
        active = Grant.objects.filter(account__in=accounts, state=GrantState.ACTIVE)
        company: dict[int, int] = {}
        self.fallback: dict[str, int] = {}
        # newest first: the fallback is the account's newest active grant
        for pk, account, company_id in active.order_by("-created_at", "-pk").values_list(
            "pk", "account", "company_id"
        ):
            company[pk] = company_id
            self.fallback.setdefault(account, pk)
        self.cells: dict[tuple[str, int, str], int] = {}
        parts = GrantPart.objects.filter(grant__in=active).order_by("grant_id")
        for grant_id, account, pool_id, period in parts.values_list(
            "grant_id", "grant__account", "pool_id", "period"
        ):
            self.cells.setdefault((account, pool_id, period), grant_id)
        for account, grant_id, company_id in AccountMapping.objects.filter(
            cluster=cluster, account__in=accounts
        ).values_list("account", "grant_id", "grant__company_id"):
            company[grant_id] = company_id
            self.fallback.setdefault(account, grant_id)
        self.company = company

    def pool(self, model: str) -> int | None:
        return self.pools.get(model)

    def match(self, account: str, pool: int | None, period: str) -> Match:
        grant = self.cells.get((account, pool, period)) if pool is not None else None
        if grant is None:
            grant = self.fallback.get(account)
        return Match(grant, self.company.get(grant) if grant is not None else None)


def _existing(
    source: str, cluster: str, jobs: Sequence[str]
) -> dict[tuple[str, str], tuple[float, float, float, int]]:
    """(job, model) -> (gpu-seconds, SM GPU-seconds, Wh, last seq) already in the ledger."""
    found: dict[tuple[str, str], tuple[float, float, float, int]] = {}
    for start in range(0, len(jobs), CHUNK):
        rows = (
            UsageEntry.objects.filter(
                source=source, cluster=cluster, job__in=jobs[start : start + CHUNK]
            )
            .values("job", "model")
            .annotate(
                gs=Sum("gpu_seconds"), sm=Sum("sm_gpu_seconds"), wh=Sum("energy_wh"), seq=Max("seq")
            )
            .order_by()
        )
        for row in rows:
            found[(row["job"], row["model"])] = (
                row["gs"] or 0.0,
                row["sm"] or 0.0,
                row["wh"] or 0.0,
                row["seq"],
            )
    return found


def _insert_lines(lines: Sequence[dict[str, Any]]) -> None:
    """Write ledger lines with `bulk_create` in chunks of CHUNK rows.

    A hand-built `executemany` INSERT measured about four times faster on 100,000 rows (it skips
    the ORM's per-field preparation), but it is raw SQL where the ORM does the job: an ingestion
    of a day's sacct output takes seconds either way, so the ORM's speed is the one we keep
    (docs/benchmarks.md gives both figures).
    """
    UsageEntry.objects.bulk_create([UsageEntry(**line) for line in lines], batch_size=CHUNK)


def _shrinks(new: float | None, old: float) -> bool:
    return new is not None and new < old - EPSILON


def _grows(new: float | None, old: float) -> bool:
    return new is not None and new > old + EPSILON


@transaction.atomic
def usage_ingest(
    *,
    source: str,
    cluster: str,
    entries: Sequence[UsageIn],
    actor: Any,
    dry_run: bool = False,
) -> IngestResult:
    """Append the entries' use to the ledger (one audit event for the whole ingestion)."""
    if source not in UsageSource.values:
        raise ValidationError(_("Unknown usage source: %(source)s.") % {"source": source})
    result = IngestResult(batch=str(uuid.uuid4()))
    matcher = _Matcher(cluster, {entry.account for entry in entries})
    jobs = sorted({entry.job for entry in entries})
    # the running totals: the ledger's, then this ingestion's own lines on top
    totals = _existing(source, cluster, jobs)
    now = timezone.now()
    lines: list[dict[str, Any]] = []  # UsageEntry's columns by attname
    for index, entry in enumerate(entries):
        key = (entry.job, entry.model)
        old_gs, old_sm, old_wh, seq = totals.get(key, (0.0, 0.0, 0.0, -1))
        if seq >= 0:
            if (
                _shrinks(entry.gpu_seconds, old_gs)
                or _shrinks(entry.sm_gpu_seconds, old_sm)
                or _shrinks(entry.energy_wh, old_wh)
            ):
                result.outcomes.append("refused")
                result.refused.append(
                    (
                        index,
                        f"the ledger already holds {old_gs:g} GPU-seconds of {entry.model} for "
                        f"job {entry.job}, more than the {entry.gpu_seconds:g} reported; "
                        "the ledger never goes back",
                    )
                )
                continue
            if not (
                _grows(entry.gpu_seconds, old_gs)
                or _grows(entry.sm_gpu_seconds, old_sm)
                or _grows(entry.energy_wh, old_wh)
            ):
                result.outcomes.append("duplicate")
                continue
        pool = matcher.pool(entry.model)
        period = period_of(entry.started_at)
        match = matcher.match(entry.account, pool, period)
        result.accounts[entry.account] = match.grant
        sm = None if entry.sm_gpu_seconds is None else entry.sm_gpu_seconds - old_sm
        wh = None if entry.energy_wh is None else entry.energy_wh - old_wh
        lines.append(
            {
                "source": source,
                "cluster": cluster,
                "job": entry.job,
                "model": entry.model,
                "seq": seq + 1,
                "account": entry.account,
                "user_name": entry.user,
                "pool_id": pool,
                "grant_id": match.grant,
                "company_id": match.company,
                "period": period,
                "started_at": entry.started_at,
                "ended_at": entry.ended_at,
                "state": entry.state,
                "gpu_seconds": entry.gpu_seconds - old_gs,
                "sm_gpu_seconds": sm,
                "energy_wh": wh,
                "batch": result.batch,
                "recorded_at": now,
            }
        )
        totals[key] = (
            entry.gpu_seconds,
            entry.sm_gpu_seconds if entry.sm_gpu_seconds is not None else old_sm,
            entry.energy_wh if entry.energy_wh is not None else old_wh,
            seq + 1,
        )
        result.outcomes.append("new" if seq < 0 else "correction")
    # accounts whose every entry was a duplicate still say where they are charged
    for entry in entries:
        if entry.account not in result.accounts:
            pool = matcher.pool(entry.model)
            result.accounts[entry.account] = matcher.match(
                entry.account, pool, period_of(entry.started_at)
            ).grant
    result.lines = len(lines)
    if dry_run:
        return result
    _insert_lines(lines)
    audit_record(
        actor=actor,
        action="compute.usage_ingest",
        object_type="compute.usage_batch",
        object_id=result.batch,
        after={
            "source": source,
            "cluster": cluster,
            "entries": len(entries),
            "new": result.count("new"),
            "corrections": result.count("correction"),
            "duplicates": result.count("duplicate"),
            "refused": len(result.refused),
            "unmatched_accounts": sorted(a for a, g in result.accounts.items() if g is None),
        },
    )
    return result


# --- sacct and Kueue reports -------------------------------------------------------------------
def sacct_entries(allocations: Sequence[Allocation]) -> list[tuple[int, UsageIn]]:
    """(allocation index, entry) per GPU model of each started allocation."""
    out: list[tuple[int, UsageIn]] = []
    for index, alloc in enumerate(allocations):
        if alloc.started_at is None:
            continue
        for model, seconds in alloc.gpu_seconds().items():
            out.append(
                (
                    index,
                    UsageIn(
                        job=alloc.job,
                        account=alloc.account,
                        model=model,
                        started_at=alloc.started_at,
                        gpu_seconds=float(seconds),
                        user=alloc.user,
                        ended_at=alloc.ended_at,
                        state=alloc.state,
                    ),
                )
            )
    return out


def usage_ingest_report(
    *,
    report: SacctReport,
    cluster: str | None,
    actor: Any,
    source: str = UsageSource.SACCT,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Ingest what `parse_sacct` (or `bitgoeul.compute.kueue`) read; the answer is
    contracts.md's summary, exactly (Kueue's keeps its shape with "source": "kueue").

    The cluster is `cluster` (for every row), else the Cluster column of the first allocation
    that has one — rows of another cluster are then skipped — else "default". `new` counts
    started allocations that added usage (first seen, or grown: a correction), `duplicates`
    those already in the ledger with the same totals; one whose totals shrank is in `skipped`.
    """
    name = cluster or next((a.cluster for a in report.allocations if a.cluster), DEFAULT_CLUSTER)
    skipped: list[dict[str, Any]] = [{"line": s.line, "reason": s.reason} for s in report.skipped]
    allocations: list[Allocation] = []
    for alloc in report.allocations:
        if not cluster and alloc.cluster and alloc.cluster != name:
            skipped.append(
                {"line": alloc.line, "reason": f"the row is of cluster {alloc.cluster}, not {name}"}
            )
        else:
            allocations.append(alloc)
    pairs = sacct_entries(allocations)
    result = usage_ingest(
        source=source,
        cluster=name,
        entries=[entry for _, entry in pairs],
        actor=actor,
        dry_run=dry_run,
    )
    per_alloc: dict[int, set[str]] = {}
    for (index, _entry), outcome in zip(pairs, result.outcomes, strict=True):
        per_alloc.setdefault(index, set()).add(outcome)
    refused_reason = {pairs[i][0]: reason for i, reason in result.refused}
    new = duplicates = 0
    accounts: dict[str, dict[str, Any]] = {}
    for index, outcomes in per_alloc.items():
        alloc = allocations[index]
        if "refused" in outcomes:
            skipped.append({"line": alloc.line, "reason": refused_reason[index]})
            continue
        if outcomes == {"duplicate"}:
            duplicates += 1
        else:
            new += 1
        grant = result.accounts.get(alloc.account)
        row = accounts.setdefault(
            alloc.account,
            {"jobs": 0, "gpu_seconds": {}, "grant": grant, "matched": grant is not None},
        )
        row["jobs"] += 1
        for model, seconds in alloc.gpu_seconds().items():
            row["gpu_seconds"][model] = row["gpu_seconds"].get(model, 0) + seconds
    skipped.sort(key=lambda s: s["line"])
    return {
        "source": str(source),
        "rows": report.rows,
        "allocations": len(allocations),
        "new": new,
        "duplicates": duplicates,
        "skipped": skipped,
        "accounts": dict(sorted(accounts.items())),
    }


# --- staff ---------------------------------------------------------------------------------------
@transaction.atomic
def usage_account_assign(*, actor: Any, cluster: str, account: str, grant: Grant) -> int:
    """Charge an unmatched account's usage to `grant` from now on and retroactively.

    Makes the AccountMapping (later ingestions match through it) and sets grant, company and
    pool on that account's lines that have no grant yet. This is the only update the ledger
    ever sees: it fills in *whose* use a line is, which was unknown when it arrived, and never
    changes how much was used — the append-only rule is about quantities. Returns the number
    of lines assigned.
    """
    require_compute_staff(actor)
    grant = Grant.objects.select_for_update(of=("self",)).get(pk=grant.pk)
    if grant.state != GrantState.ACTIVE:
        raise ValidationError(_("Choose an active grant."))
    if AccountMapping.objects.filter(cluster=cluster, account=account).exists():
        raise ValidationError(
            _("The account %(account)s is already assigned to a grant.") % {"account": account}
        )
    mapping = AccountMapping.objects.create(
        cluster=cluster, account=account, grant=grant, created_by=actor
    )
    unmatched = UsageEntry.objects.filter(cluster=cluster, account=account, grant__isnull=True)
    lines = unmatched.count()
    unmatched.update(grant=grant, company_id=grant.company_id)
    pools = dict(Pool.objects.values_list("model", "pk"))
    models = set(
        UsageEntry.objects.filter(cluster=cluster, account=account, pool__isnull=True)
        .values_list("model", flat=True)
        .distinct()
    )
    for model in models & pools.keys():
        UsageEntry.objects.filter(
            cluster=cluster, account=account, pool__isnull=True, model=model
        ).update(pool_id=pools[model])
    audit_record(
        actor=actor,
        action="compute.account_assign",
        obj=mapping,
        before={"grant": None},
        after={"cluster": cluster, "account": account, "grant": grant.pk, "lines": lines},
    )
    return lines
