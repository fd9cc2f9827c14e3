"""`company_search`: Korean full-text search with filters and sorting, on SQLite FTS5 (BM25)
and PostgreSQL (`ts_rank_cd` over the generated tsvector)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, overload

from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.utils import timezone

from bitgoeul.companies import access
from bitgoeul.companies.enums import SortOrder
from bitgoeul.companies.models import Certification, Company
from bitgoeul.companies.search_index import name_key, name_keys
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.search.query import Query, parse_query
from bitgoeul.search.terms import words

# BM25 column weights on SQLite (name, body, tags); PostgreSQL uses setweight A/C/B.
BM25_WEIGHTS = (10.0, 1.0, 4.0)
# Lists stop counting (and ranking) at this many matches: "more than 300 companies". Finding
# and ranking more costs PostgreSQL a scan of the table for a rare word (measured on 100,000
# companies: p95 110 ms at 1,000, under 50 ms at 300); nobody pages further than 15 pages.
RESULT_CAP = 300
FTS_TABLE = "companies_company_fts"
# The query terms that ask for AI companies (parse_query adds each as the other's synonym).
AI_QUERY_TERMS = frozenset({"ai", "인공지능"})


def key_match(keys: str, key: str) -> int:
    """0 when one of a company's name keys (`search_index.name_keys`, space-separated) is the
    `name_key` of the text typed, 1 when one starts with it, 2 otherwise."""
    if not key:
        return 2
    padded = f" {keys} "
    if f" {key} " in padded:
        return 0
    return 1 if f" {key}" in padded else 2


def name_match(names: Sequence[str], key: str) -> int:
    """`key_match` of the names themselves (a search reads the keys stored with the terms)."""
    return key_match(name_keys(names), key)


@dataclass(frozen=True)
class SearchFilters:
    chapter: int | None = None  # organisation id of the chapter (or the association)
    province: str = ""
    section: str = ""  # KSIC section letter
    ksic: str = ""  # KSIC code prefix, e.g. 62 or 620
    technology: str = ""  # Technology.code
    stage: str = ""
    certification: str = ""  # CertificationKind, valid today
    employees_min: int | None = None
    employees_max: int | None = None
    founded_from: dt.date | None = None
    founded_until: dt.date | None = None
    needs_review: bool = False

    def as_params(self) -> dict[str, Any]:
        """JSON-friendly (for export jobs)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, "", False):
                out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SearchFilters:
        data = dict(params)
        for key in ("founded_from", "founded_until"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# The company field (access.COMPANY_FIELDS) each filter and sort reads: a filter or a sort on
# a field applies only to the companies on which the viewer may see that field, so that
# narrowing a list never reveals a value the viewer may not see.
FILTER_FIELDS = {
    "chapter": "chapter",
    "province": "province",
    "section": "ksic_code",
    "ksic": "ksic_code",
    "technology": "technologies",
    "stage": "stage",
    "certification": "certifications",
    "employees_min": "employees",
    "employees_max": "employees",
    "founded_from": "founded_on",
    "founded_until": "founded_on",
}
SORT_FIELDS: dict[str, str] = {
    SortOrder.POTENTIAL: "potential_score",
    SortOrder.GROWTH: "growth",
    SortOrder.FOUNDED: "founded_on",
}


def filters_refused(viewer: Any, filters: SearchFilters) -> list[str]:
    """The filters set in `filters` on fields the viewer may see on no company at all (the API
    refuses them; the web form does not offer them)."""
    return [
        name
        for name, field in FILTER_FIELDS.items()
        if getattr(filters, name) not in (None, "")
        and not access.company_field_usable(viewer, field)
    ]


def sort_allowed(viewer: Any, sort: str) -> bool:
    field = SORT_FIELDS.get(sort)
    return field is None or access.company_field_usable(viewer, field)


def _where_visible(viewer: Any, field: str, condition: Q) -> Q:
    """`condition`, on the companies where the viewer may see `field` only."""
    level = access.COMPANY_FIELDS.level_for(field)
    if level <= ViewLevel.PUBLIC:
        return condition  # the list holds only companies the viewer sees at least publicly
    return condition & access.companies_at_least(viewer, level)


def _filter(queryset: QuerySet[Company], f: SearchFilters, viewer: Any) -> QuerySet[Company]:
    conditions = {
        "chapter": Q(organization__parent_id=f.chapter) if f.chapter else None,
        "province": Q(province=f.province) if f.province else None,
        "section": Q(ksic_section=f.section) if f.section else None,
        "ksic": Q(ksic_code__startswith=f.ksic) if f.ksic else None,
        "stage": Q(stage=f.stage) if f.stage else None,
        "employees_min": (
            Q(employees__gte=f.employees_min) if f.employees_min is not None else None
        ),
        "employees_max": (
            Q(employees__lte=f.employees_max) if f.employees_max is not None else None
        ),
        "founded_from": Q(founded_on__gte=f.founded_from) if f.founded_from else None,
        "founded_until": Q(founded_on__lte=f.founded_until) if f.founded_until else None,
    }
    q = Q()
    for name, condition in conditions.items():
        if condition is not None:
            q &= _where_visible(viewer, FILTER_FIELDS[name], condition)
    if f.needs_review and access.can_mark_reviewed(viewer):
        q &= Q(needs_review=True)
    queryset = queryset.filter(q)
    if f.technology:
        queryset = queryset.filter(technologies__code=f.technology)
    if f.certification:
        today = timezone.localdate()
        valid = Certification.objects.filter(company=OuterRef("pk"), kind=f.certification).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
        queryset = queryset.filter(Exists(valid))
    return queryset


def _match(
    queryset: QuerySet[Company], text: str, *, rank: bool = True
) -> QuerySet[Company] | None:
    """The queryset narrowed to the full-text matches, annotated with `relevance` (higher is
    better) when `rank`; None when the text has no searchable term."""
    query = parse_query(text)
    if query.is_empty:
        return None
    if connection.vendor == "sqlite" and not rank:
        # The matches are found once (a materialised IN list), whatever index the filters use.
        return queryset.extra(
            where=[
                "companies_company.organization_id IN "
                f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
            ],
            params=[query.fts5()],
        )
    if connection.vendor == "postgresql" and not rank:
        return queryset.extra(
            where=["companies_company.search_vector @@ to_tsquery('simple', %s)"],
            params=[query.tsquery()],
        )
    if connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        # .extra() joins the FTS5 table; the ORM has no expression for a virtual table.
        return queryset.extra(
            tables=["companies_company_fts"],
            where=[
                "companies_company_fts.rowid = companies_company.organization_id",
                "companies_company_fts MATCH %s",
            ],
            params=[query.fts5()],
            select={"relevance": f"-bm25(companies_company_fts, {weights})"},
        )
    if connection.vendor == "postgresql":
        tsquery = query.tsquery()
        return queryset.extra(
            where=["companies_company.search_vector @@ to_tsquery('simple', %s)"],
            params=[tsquery],
            select={
                "relevance": "ts_rank_cd(companies_company.search_vector, to_tsquery('simple', %s))"
            },
            select_params=[tsquery],
        )
    # Other databases: a plain substring search on the term columns.
    condition = Q()
    for term in query.terms:
        condition |= Q(search_name__icontains=term) | Q(search_body__icontains=term)
    return queryset.filter(condition).extra(select={"relevance": "0"})


# companies_ranked_for_text first ranks this many times `limit` matches without the filter
RANK_OVERFETCH = 4


def _ranked_sql(query: Query, limit: int, sql: str = "") -> tuple[str, list[Any]]:
    """The engine's statement for the best `limit` matches of `query`, restricted to the ids
    `sql` selects when given (its parameters follow the query's)."""
    if connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        # The FTS5 table drives; bm25 is computed for the rows kept by the restriction only.
        return (
            f"SELECT rowid, -bm25({FTS_TABLE}, {weights}) AS relevance FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s {f'AND EXISTS ({sql})' if sql else ''} "
            "ORDER BY relevance DESC, rowid LIMIT %s"
        ), [query.fts5()]
    tsquery = query.tsquery()
    return (
        "SELECT organization_id, ts_rank_cd(search_vector, to_tsquery('simple', %s)) AS r "
        "FROM companies_company WHERE search_vector @@ to_tsquery('simple', %s) "
        f"{f'AND organization_id IN ({sql})' if sql else ''} "
        "ORDER BY r DESC, organization_id LIMIT %s"
    ), [tsquery, tsquery]


def companies_ranked_for_text(where: Q, query: Query, *, limit: int) -> list[tuple[int, float]]:
    """Up to `limit` (company id, relevance) of the companies matching `where` and any term of
    `query` (as prefixes), best first: BM25 on SQLite (the column weights of the search),
    `ts_rank_cd` on PostgreSQL. For callers that rank a long text (a matchmaking need) rather
    than a search box: every match is scored, and only the best leave the engine.

    The filter is applied in two steps because running it inside the engine for every match
    costs more than the ranking itself (20,000 companies: 20 ms more at p95): the best
    `RANK_OVERFETCH × limit` matches are ranked without it and then filtered by id; only when
    too few of those pass is the ranking run again with the filter inside the engine (the
    same result, found the slow way)."""
    if query.is_empty or limit <= 0:
        return []
    if connection.vendor not in {"sqlite", "postgresql"}:
        matched = _match(Company.objects.filter(where), " ".join(query.terms))
        if matched is None:
            return []
        ids = matched.order_by("pk").values_list("pk", flat=True)[:limit]
        return [(int(pk), 0.0) for pk in ids]
    inner = Company.objects.filter(where).order_by()
    wide = limit * RANK_OVERFETCH
    statement, arguments = _ranked_sql(query, wide)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*arguments, wide])
        best = [(int(pk), float(score)) for pk, score in cursor.fetchall()]
    if not inner.query.where:  # no filter (an operator's view of every company)
        return best[:limit]
    allowed = set(
        inner.filter(organization_id__in=[pk for pk, _ in best]).values_list("pk", flat=True)
    )
    kept = [(pk, score) for pk, score in best if pk in allowed]
    if len(kept) >= limit or len(best) < wide:
        return kept[:limit]
    if connection.vendor == "sqlite":
        restricted = inner.extra(where=[f"companies_company.organization_id = {FTS_TABLE}.rowid"])
    else:
        restricted = inner
    sql, params = restricted.values("pk").query.sql_with_params()
    statement, arguments = _ranked_sql(query, limit, sql)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*arguments, *params, limit])
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def company_search(
    *,
    viewer: Any,
    text: str = "",
    filters: SearchFilters | None = None,
    sort: str = SortOrder.RELEVANCE,
) -> QuerySet[Company]:
    """Companies the viewer may see, matching the text (any term, as prefixes) and filters,
    in the order asked for. Sorting by potential or growth is for those who may see scores;
    others get relevance (or name without a text)."""
    queryset = Company.objects.filter(access.visible_filter(viewer)).select_related(
        "organization__parent"
    )
    queryset = _filter(queryset, filters or SearchFilters(), viewer)
    sort = _allowed_sort(viewer, sort)
    matched = _match(queryset, text, rank=sort == SortOrder.RELEVANCE)
    if matched is not None:
        queryset = matched
    elif sort == SortOrder.RELEVANCE:
        sort = SortOrder.NAME
    if sort == SortOrder.RELEVANCE:
        return queryset.order_by("-relevance", "organization__name")  # type: ignore[misc]
    return _order(queryset, sort, viewer)


def _allowed_sort(viewer: Any, sort: str) -> str:
    """The sort asked for, or relevance when it reads a field the viewer sees nowhere."""
    return sort if sort_allowed(viewer, sort) else SortOrder.RELEVANCE


def _order(queryset: QuerySet[Company], sort: str, viewer: Any) -> QuerySet[Company]:
    """Highest first by the sort's field where the viewer may see it; the companies where they
    may not come after, by name, as if the value were unknown."""
    field = SORT_FIELDS.get(sort)
    if field is None:
        return queryset.order_by("organization__name", "pk")
    visible = access.companies_at_least(viewer, access.COMPANY_FIELDS.level_for(field))
    key: Any = F(field) if not visible else Case(When(visible, then=F(field)), default=None)
    return queryset.order_by(key.desc(nulls_last=True), "organization__name", "pk")


def listed_technologies() -> Prefetch[Any]:
    """The technologies of each listed company as a list, `company.technology_list`: read in
    one query, without the related manager and queryset Django builds per company for
    `company.technologies.all()` (a fifth of a list page's rows' cost)."""
    return Prefetch("technologies", to_attr="technology_list")


class CompanyResults(Sequence[Company]):
    """One search as the web list and the API page it: `count()` stops at `RESULT_CAP`
    (`capped` then says there are more) and a slice fetches only the rows of that page.

    For a text sorted by relevance, the engine finds at most `RESULT_CAP` candidates — first
    the companies that match every word typed, then those that match any word — and ranks only
    those (BM25 on SQLite, `ts_rank_cd` on PostgreSQL), so a broad query costs the same as a
    narrow one. When fewer match, every match is ranked and the count is exact. Other orders
    (and no text) page the full `company_search` queryset and count up to the cap.

    The candidates are then re-ranked by what the engines' scores do not see: a company whose
    name is the text typed comes first, then those whose name starts with it (these are looked
    for by name first, so that a common word cannot push them out of the candidates); for an
    AI search, companies where AI is central (name, technologies, description) come before
    those that only mention it.

    The companies of a slice carry their technologies as `technology_list`. With `columns`,
    they are read with only those columns (`QuerySet.only`: a list that shows a few of them
    need not read every description and term column); any other is then read by one more
    query per company, so `columns` lists every field the caller reads.
    """

    def __init__(
        self,
        *,
        viewer: Any,
        text: str = "",
        filters: SearchFilters | None = None,
        sort: str = SortOrder.RELEVANCE,
        columns: Sequence[str] = (),
    ) -> None:
        self.viewer = viewer
        self.columns = tuple(columns)
        self.filters = filters or SearchFilters()
        self.sort = _allowed_sort(viewer, sort)
        self.query = parse_query(text)
        self.text = text
        self.capped = False
        self._count: int | None = None
        self._ranked: list[tuple[int, float]] | None = None

    @property
    def ranked_in_engine(self) -> bool:
        return (
            self.sort == SortOrder.RELEVANCE
            and not self.query.is_empty
            and connection.vendor in {"sqlite", "postgresql"}
        )

    def _base(self) -> QuerySet[Company]:
        return _filter(
            Company.objects.filter(access.visible_filter(self.viewer)), self.filters, self.viewer
        )

    def queryset(self) -> QuerySet[Company]:
        """The full, exactly ordered queryset (exports)."""
        return company_search(
            viewer=self.viewer, text=self.text, filters=self.filters, sort=self.sort
        )

    # --- relevance in the engine ---------------------------------------------------------
    def _candidates(self, match: str) -> list[tuple[int, float]]:
        """Up to RESULT_CAP + 1 (id, relevance) of the visible, filtered companies matching
        (one more than the cap says whether there are more)."""
        inner = self._base().order_by()
        restricted = bool(inner.query.where)  # visibility or filters; operators see everyone
        sql: str = ""
        params: tuple[Any, ...] = ()
        if connection.vendor == "sqlite":
            if restricted:
                sql, params = (
                    inner.extra(where=[f"companies_company.organization_id = {FTS_TABLE}.rowid"])
                    .values("pk")
                    .query.sql_with_params()
                )
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            # The FTS5 table drives and stops at the limit (correlated EXISTS, never a nested
            # loop that runs MATCH once per company); bm25 is computed only for rows kept.
            statement = (
                f"SELECT rowid, -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s {f'AND EXISTS ({sql})' if sql else ''} LIMIT %s"
            )
            arguments = [match, *params, RESULT_CAP + 1]
        else:
            if restricted:
                sql, params = inner.values("pk").query.sql_with_params()
            statement = (
                "SELECT organization_id, ts_rank_cd(search_vector, to_tsquery('simple', %s)) "
                "FROM companies_company WHERE search_vector @@ to_tsquery('simple', %s) "
                f"{f'AND organization_id IN ({sql})' if sql else ''} LIMIT %s"
            )
            arguments = [match, match, *params, RESULT_CAP + 1]
        with connection.cursor() as cursor:
            cursor.execute(statement, arguments)
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def _name_match(self) -> str:
        """The engine's expression for companies whose name holds every word typed as a
        prefix (name column only); "" when no word is searchable."""
        typed = [w for w in dict.fromkeys(words(self.text)) if w.isalnum()][:8]
        if not typed:
            return ""
        if connection.vendor == "sqlite":
            return " AND ".join(f'name : "{w}"*' for w in typed)
        return " & ".join(f"{w}:*A" for w in typed)  # weight A: the name (migration 0002)

    def _rank(self) -> list[tuple[int, float]]:
        if self._ranked is None:
            sqlite = connection.vendor == "sqlite"
            found = dict(
                self._candidates(self.query.fts5_all() if sqlite else self.query.tsquery_all())
            )
            every_word = set(found)
            if len(self.query.groups) > 1 and len(found) <= RESULT_CAP:
                # Too few match every word: any word will do, after those matching every word.
                any_word = self._candidates(self.query.fts5() if sqlite else self.query.tsquery())
                for pk, score in any_word:
                    found.setdefault(pk, score)
                self.capped = len(any_word) > RESULT_CAP
            else:
                self.capped = len(found) > RESULT_CAP
            if self.capped and (by_name := self._name_match()):
                # Among more than the cap, the companies named so may be missing: add them.
                for pk, score in self._candidates(by_name):
                    found.setdefault(pk, score)
                    every_word.add(pk)
            keys = self._rerank_keys(list(found))
            ranked = sorted(
                found.items(),
                key=lambda item: (
                    keys[item[0]][0],  # exact name, name prefix, others
                    keys[item[0]][1],  # an AI search: AI central first
                    item[0] not in every_word,
                    keys[item[0]][2],
                    -item[1],
                    item[0],
                ),
            )
            self._ranked = ranked[:RESULT_CAP]
            self._count = len(self._ranked)
        return self._ranked

    def _rerank_keys(self, ids: list[int]) -> dict[int, tuple[int, bool, float]]:
        """(name match, AI not central, minus the AI weight to a tenth) per candidate, read in
        one query of what the index stored with the terms: the name keys
        (`search_index.name_keys`), and for an AI search the weight (`search_index.ai_weight`)."""
        if not ids:
            return {}
        key = name_key(self.text)
        about_ai = bool(AI_QUERY_TERMS & set(self.query.terms))
        fields = ["pk", "search_name_keys"]
        if about_ai:
            fields += ["search_ai_weight", "search_ai_central"]
        keys: dict[int, tuple[int, bool, float]] = {}
        # by the organisation's id: the same column as `pk__in`, but read as plain integers
        # (the pk is a one-to-one key, whose lookup treats each of the 300 ids as an object)
        for row in Company.objects.filter(organization__id__in=ids).values_list(*fields):
            pk, stored = row[0], row[1]
            weight, central = (row[2], row[3]) if about_ai else (0.0, False)
            keys[pk] = (key_match(stored, key), about_ai and not central, -round(weight, 1))
        return keys

    def _read(self, queryset: QuerySet[Company]) -> QuerySet[Company]:
        """The page's companies with their technologies, and only `columns` when given."""
        if self.columns:
            queryset = queryset.only(*self.columns)
        return queryset.prefetch_related(listed_technologies())

    # --- Sequence ------------------------------------------------------------------------
    def count(self) -> int:  # type: ignore[override]
        """The number of results, at most RESULT_CAP (then `capped` is true)."""
        if self._count is None:
            if self.ranked_in_engine:
                self._rank()
            else:
                # any RESULT_CAP + 1 rows will do: no ORDER BY, so the engine stops early
                found = self.queryset().order_by().values("pk")[: RESULT_CAP + 1].count()
                self.capped = found > RESULT_CAP
                self._count = min(found, RESULT_CAP)
        assert self._count is not None
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Company: ...

    @overload
    def __getitem__(self, index: slice) -> list[Company]: ...

    def __getitem__(self, index: int | slice) -> Company | list[Company]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop or RESULT_CAP, RESULT_CAP)
        if not self.ranked_in_engine:
            return list(self._read(self.queryset())[start:stop])
        page = self._rank()[start:stop]
        rows = self._read(
            Company.objects.filter(organization__id__in=[pk for pk, _ in page]).select_related(
                "organization__parent"
            )
        ).in_bulk()
        out = []
        for pk, score in page:
            company = rows[pk]
            company.relevance = score  # type: ignore[attr-defined]
            out.append(company)
        return out
