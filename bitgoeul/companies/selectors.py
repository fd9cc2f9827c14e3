"""Reads of the companies app that do not need the search engine (see `search.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import NominationState
from bitgoeul.companies.models import (
    Company,
    CompanyImport,
    CompanyScore,
    ImportState,
    Nomination,
    ScoreWeights,
    Technology,
    WatchlistEntry,
)
from bitgoeul.companies.regions import BY_CODE, CHAPTER_NAMES


class ChapterLookup:
    """Finds the organisation covering a province: the chapter (by code, else by Korean name),
    or the association headquarters. One instance per bulk operation caches the answers."""

    def __init__(self) -> None:
        self._cache: dict[str, Organization | None] = {}

    def for_province(self, province_code: str) -> Organization | None:
        if province_code not in self._cache:
            self._cache[province_code] = self._find(province_code)
        return self._cache[province_code]

    @staticmethod
    def _find(province_code: str) -> Organization | None:
        province = BY_CODE.get(province_code)
        if province is None:
            return None
        if province.chapter:
            chapters = Organization.objects.filter(kind=OrganizationKind.CHAPTER)
            found = chapters.filter(code=province.chapter).first()
            return found or chapters.filter(name=CHAPTER_NAMES[province.chapter]).first()
        return Organization.objects.filter(kind=OrganizationKind.ASSOCIATION).order_by("pk").first()


def technologies_active() -> QuerySet[Technology]:
    return Technology.objects.filter(is_active=True)


def weights_current() -> ScoreWeights:
    """The latest weights version (the migrations create version 1)."""
    return ScoreWeights.objects.order_by("-version").first() or ScoreWeights(version=0, weights={})


def company_latest_score(company: Company) -> CompanyScore | None:
    return company.scores.select_related("run__weights").order_by("-computed_at", "-pk").first()


def company_score_history(company: Company, limit: int = 20) -> list[CompanyScore]:
    """Newest first, in the order of `company_latest_score` (ties by id)."""
    scores = company.scores.select_related("run__weights").order_by("-computed_at", "-pk")
    return list(scores[:limit])


def companies_risen(
    *,
    since: dt.datetime,
    until: dt.datetime,
    limit: int = 50,
    base: QuerySet[Company] | None = None,
) -> list[dict[str, Any]]:
    """Companies whose score rose most between the last score on or before `since` and the
    last on or before `until`."""
    scores = CompanyScore.objects.filter(company=OuterRef("pk")).order_by("-computed_at", "-pk")
    rows = (
        (base if base is not None else Company.objects.all())
        .annotate(
            start=Subquery(scores.filter(computed_at__lte=since).values("score")[:1]),
            end=Subquery(scores.filter(computed_at__lte=until).values("score")[:1]),
        )
        .filter(start__isnull=False, end__isnull=False)
        .select_related("organization")
    )
    risen = [
        {"company": c, "start": c.start, "end": c.end, "change": round(c.end - c.start, 1)}  # type: ignore[attr-defined]
        for c in rows
    ]
    risen.sort(key=lambda r: -r["change"])
    return [r for r in risen if r["change"] > 0][:limit]


def nominations_inbox(*, state: str = NominationState.PENDING) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(state=state)
        .select_related("company__organization", "chapter", "nominated_by", "decided_by")
        .order_by("-created_at")
    )


def nominations_by_chapters(chapter_ids: set[int]) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(chapter_id__in=chapter_ids)
        .select_related("company__organization", "chapter", "nominated_by", "decided_by")
        .order_by("-created_at")
    )


def watchlist_for(user: Any) -> QuerySet[WatchlistEntry]:
    return (
        WatchlistEntry.objects.filter(user=user)
        .select_related("company__organization__parent")
        .order_by("-created_at")
    )


def companies_with_watch_note(user: Any) -> QuerySet[Company]:
    """Companies with the user's watchlist note on each as `watch_note` (None where the user
    does not watch it), read with the company: the company page's one row."""
    entry = WatchlistEntry.objects.filter(user_id=user.pk, company_id=OuterRef("pk"))
    return Company.objects.annotate(watch_note=Subquery(entry.values("note")[:1]))


def watched_company_ids(user: Any) -> set[int]:
    return set(WatchlistEntry.objects.filter(user=user).values_list("company_id", flat=True))


def technology_usage() -> QuerySet[Technology]:
    return Technology.objects.annotate(company_count=Count("companies")).order_by(
        "position", "code"
    )


# The fields a company profile needs before staff and programmes can judge the company, in the
# order the home page lists the empty ones ("technologies" is the related rows).
PROFILE_IMPORTANT_FIELDS = (
    "description",
    "province",
    "ksic_code",
    "technologies",
    "founded_on",
    "representative",
    "stage",
    "employees",
)


def company_home_record(organization_id: int) -> Company | None:
    """A company with its organisation, chapter and number of technologies (one query), for
    the member's home page; None for an organisation without a record. Only what the home
    shows is read: the important fields, the names and the consent (the count groups by every
    column read)."""
    return (
        Company.objects.select_related("organization__parent")
        .only(
            *(name for name in PROFILE_IMPORTANT_FIELDS if name != "technologies"),
            "chapter_consent_at",
            "organization__name",
            "organization__name_en",
            "organization__parent__name",
            "organization__parent__name_en",
        )
        .annotate(technology_count=Count("technologies"))
        .filter(pk=organization_id)
        .first()
    )


def company_empty_fields(company: Company) -> list[str]:
    """The important fields (PROFILE_IMPORTANT_FIELDS) the profile leaves empty."""
    empty = []
    for name in PROFILE_IMPORTANT_FIELDS:
        if name == "technologies":
            count = getattr(company, "technology_count", None)
            if (company.technologies.count() if count is None else count) == 0:
                empty.append(name)
        elif getattr(company, name) in (None, ""):
            empty.append(name)
    return empty


def staff_home_counts(user: Any, parent_ids: set[int]) -> dict[str, int]:
    """What association and chapter staff have waiting (one query): the companies they follow,
    their chapters' pending nominations, their watchlist."""
    return counts_in_one_query(
        min(parent_ids),
        companies=Company.objects.filter(
            organization__parent_id__in=parent_ids, import_batch__isnull=True
        ),
        pending_nominations=Nomination.objects.filter(
            chapter_id__in=parent_ids, state=NominationState.PENDING
        ),
        watchlist=WatchlistEntry.objects.filter(user=user),
    )


def counts_in_one_query(anchor_id: int, **querysets: QuerySet[Any]) -> dict[str, int]:
    """The number of rows of each queryset, read in one query as scalar subqueries on the row
    of an organisation that exists (`anchor_id`): home pages show several counts within their
    query budget."""
    row = (
        Organization.objects.filter(pk=anchor_id)
        .annotate(**{name: _count(queryset) for name, queryset in querysets.items()})
        .values(*querysets)
        .first()
    )
    return {name: int((row or {}).get(name) or 0) for name in querysets}


def _count(queryset: QuerySet[Any]) -> Subquery:
    # grouped by a constant: one row with the count of the whole queryset
    return Subquery(
        queryset.order_by()
        .annotate(whole=Value(1))
        .values("whole")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


def companies_recent_in(parent_ids: set[int], limit: int = 8) -> list[Company]:
    """The newest companies under the chapters (or association) given, with their chapter:
    their names only (the home lists them; the whole rows made SQLite sort every company's
    description and search text to keep eight)."""
    return list(
        Company.objects.filter(organization__parent_id__in=parent_ids, import_batch__isnull=True)
        .select_related("organization__parent")
        .only(
            "organization__name",
            "organization__name_en",
            "organization__parent__name",
            "organization__parent__name_en",
        )
        .order_by("-organization__created_at", "-pk")[:limit]
    )


def operator_home_counts(anchor_id: int) -> dict[str, int]:
    """What operator staff have waiting (one query, read on the row of their organisation):
    pending nominations, imports checked but not yet imported, companies to review (matched
    by name and region on import)."""
    return counts_in_one_query(
        anchor_id,
        pending_nominations=Nomination.objects.filter(state=NominationState.PENDING),
        imports_waiting=CompanyImport.objects.filter(state=ImportState.CHECKED),
        needs_review=Company.objects.filter(needs_review=True),
    )
