"""The potential score: versioned weights, recomputation of every company, score history,
and notices to the staff watching a company whose score jumped."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import (
    Certification,
    Company,
    CompanyMetric,
    CompanyScore,
    Investment,
    ScoreRun,
    ScoreWeights,
    WatchlistEntry,
)
from bitgoeul.companies.notification_kinds import SCORE_JUMP
from bitgoeul.companies.score_math import (
    SIGNALS,
    ScoreResult,
    age_band,
    certification_signal,
    growth_rate,
    investment_signal,
    score_all,
)
from bitgoeul.companies.selectors import weights_current
from bitgoeul.companies.track_record import track_records
from bitgoeul.notifications.services import notify
from bitgoeul.search.ai_terms import ai_centrality

BATCH = 2000
Progress = Callable[[int, int], None]


@transaction.atomic
def score_weights_create(
    *, actor: Any, weights: dict[str, float], jump_threshold: float, note: str
) -> ScoreWeights:
    """A new weights version (the previous ones stay, as the scores computed with them do).
    Unknown signals or negative weights are a ValueError; weights need not sum to anything."""
    unknown = set(weights) - set(SIGNALS)
    if unknown or any(w < 0 for w in weights.values()) or not any(weights.values()):
        raise ValueError("weights must be non-negative, known signals, not all zero")
    version = (ScoreWeights.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    created = ScoreWeights.objects.create(
        version=version,
        weights={s: float(weights.get(s, 0)) for s in SIGNALS},
        jump_threshold=jump_threshold,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="score.weights_create",
        obj=created,
        after={"version": version, "weights": created.weights, "jump": jump_threshold},
    )
    return created


def score_inputs(today: dt.date) -> dict[int, tuple[str, dict[str, float | None]]]:
    """Every company's peer group and raw signal values, read in a few bulk queries."""
    tags = Counter(
        Company.technologies.through.objects.values_list("company_id", flat=True).iterator(5000)
    )
    employees: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    revenue: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for company_id, year, staff, money in CompanyMetric.objects.values_list(
        "company_id", "year", "employees", "revenue"
    ).iterator(5000):
        employees[company_id].append((year, staff))
        revenue[company_id].append((year, money))
    rounds: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for company_id, day, amount in Investment.objects.values_list(
        "company_id", "date", "amount"
    ).iterator(5000):
        rounds[company_id].append((day, amount))
    certs: dict[int, list[str]] = defaultdict(list)
    valid = Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    for company_id, kind in (
        Certification.objects.filter(valid).values_list("company_id", "kind").iterator(5000)
    ):
        certs[company_id].append(kind)
    records = track_records()
    inputs: dict[int, tuple[str, dict[str, float | None]]] = {}
    for company_id, section, founded, patents, body in Company.objects.values_list(
        "organization_id", "ksic_section", "founded_on", "patents", "search_body"
    ).iterator(5000):
        group = f"{section or '?'}|{age_band(founded, today)}"
        values: dict[str, float | None] = {
            "employee_growth": growth_rate(employees.get(company_id, [])),
            "revenue_growth": growth_rate(revenue.get(company_id, [])),
            "investment": investment_signal(rounds.get(company_id, []), today),
            "patents": float(patents),
            "certifications": certification_signal(certs.get(company_id, [])),
            "ai_centrality": ai_centrality(body.split(), tags.get(company_id, 0)),
            "track_record": records.get(company_id),
        }
        inputs[company_id] = (group, values)
    return inputs


def breakdown_json(result: ScoreResult, version: int) -> dict[str, Any]:
    return {
        "version": version,
        "group": result.group,
        "peers": result.peers,
        "signals": {
            code: [s.value, s.percentile, s.weight, s.points] for code, s in result.signals.items()
        },
    }


def score_recompute(*, actor: Any, progress: Progress | None = None) -> ScoreRun:
    """Score every company with the current weights and keep the scores as history.

    The caller may rely on: one ScoreRun with a CompanyScore per company; each company's
    `potential_score` is the new score; staff watching a company whose score moved by the
    weights' `jump_threshold` or more get a notification; one audit event.
    """
    today = timezone.localdate()
    weights = weights_current()
    inputs = score_inputs(today)
    total = len(inputs)
    if progress:
        progress(0, total)
    results = score_all(inputs, weights.weights)
    previous = {
        company_id: score
        for company_id, score in Company.objects.values_list("organization_id", "potential_score")
        if score is not None
    }
    with transaction.atomic():
        now = timezone.now()
        run = ScoreRun.objects.create(weights=weights, started_at=now, companies=total)
        batch: list[CompanyScore] = []
        for done, (company_id, result) in enumerate(results.items(), start=1):
            batch.append(
                CompanyScore(
                    run=run,
                    company_id=company_id,
                    score=result.score,
                    breakdown=breakdown_json(result, weights.version),
                    computed_at=now,
                )
            )
            if len(batch) >= BATCH:
                CompanyScore.objects.bulk_create(batch)
                batch = []
                if progress:
                    progress(done, total)
        CompanyScore.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE companies_company SET potential_score = ("
                "SELECT s.score FROM companies_companyscore s WHERE s.run_id = %s "
                "AND s.company_id = companies_company.organization_id)",
                [run.pk],
            )
        notices = _score_jump_notices(previous, results, weights.jump_threshold, run, actor)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        audit_record(
            actor=actor,
            action="score.recompute",
            obj=run,
            after={"weights": weights.version, "companies": total, "notices": notices},
        )
    if progress:
        progress(total, total)
    return run


def _score_jump_notices(
    previous: dict[int, float],
    results: dict[int, ScoreResult],
    threshold: float,
    run: ScoreRun,
    actor: Any,
) -> int:
    """Tell the staff watching each company whose score jumped; `notify` drops the watchers
    who may not see the company's private data (the score is private)."""
    jumps = {
        company_id: (old, results[company_id].score)
        for company_id, old in previous.items()
        if company_id in results and abs(results[company_id].score - old) >= threshold
    }
    if not jumps:
        return 0
    entries = WatchlistEntry.objects.filter(company_id__in=list(jumps)).select_related(
        "user", "company__organization"
    )
    users: dict[int, Any] = {}  # one object per user: its memberships are read once
    watchers: dict[int, list[Any]] = defaultdict(list)
    companies: dict[int, Company] = {}
    for entry in entries:
        watchers[entry.company_id].append(users.setdefault(entry.user_id, entry.user))
        companies[entry.company_id] = entry.company
    notices = 0
    for company_id, recipients in watchers.items():
        before, after = jumps[company_id]
        notices += notify(
            recipients=recipients,
            kind=SCORE_JUMP,
            obj=companies[company_id],
            params={"before": before, "after": after, "run": run.pk},
            actor=actor,
        )
    return notices
