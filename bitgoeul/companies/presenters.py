"""Turn stored scores and figures into what pages show (labels, readable values, charts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bitgoeul.accounts.types import Viewer
from bitgoeul.companies import access
from bitgoeul.companies.ksic import SECTIONS
from bitgoeul.companies.models import Company, CompanyMetric, CompanyScore, Investment
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.companies.score_math import SIGNALS
from bitgoeul.core.charts import Series, chart_spec

SIGNAL_LABELS = {
    "employee_growth": gettext_lazy("Employee growth"),
    "revenue_growth": gettext_lazy("Revenue growth"),
    "investment": gettext_lazy("Investment raised (recent counts more)"),
    "patents": gettext_lazy("Patents"),
    "certifications": gettext_lazy("Certifications (TIPS counts double)"),
    "ai_centrality": gettext_lazy("How central AI is to the business"),
    "track_record": gettext_lazy("Programme and infrastructure track record"),
}


INVESTMENT_WINDOW_YEARS = 3  # the money shown beside the investment signal: recent rounds


def money(amount: int, language: str | None = None) -> str:
    """An amount of won as people read it: `12억 원`, `3,500만 원` in Korean, `KRW 1.2 billion`,
    `KRW 35 million` in English (one decimal at most, never the raw won of a large amount)."""
    language = language or get_language() or "ko"

    def short(value: float) -> str:
        return f"{value:,.1f}".removesuffix(".0")

    if language.startswith("ko"):
        if amount >= 10**8:
            return _("KRW %(amount)s hundred million") % {"amount": short(amount / 10**8)}
        if amount >= 10**4:
            return _("KRW %(amount)s ten thousand") % {"amount": f"{round(amount / 10**4):,}"}
        return _("KRW %(amount)s") % {"amount": f"{amount:,}"}
    if amount >= 10**9:
        return _("KRW %(amount)s billion") % {"amount": short(amount / 10**9)}
    if amount >= 10**6:
        return _("KRW %(amount)s million") % {"amount": short(amount / 10**6)}
    return _("KRW %(amount)s") % {"amount": f"{amount:,}"}


def recent_investment(investments: Iterable[Investment], until: dt.date) -> int:
    """The money raised in the `INVESTMENT_WINDOW_YEARS` years up to `until`."""
    since = until - dt.timedelta(days=round(365.25 * INVESTMENT_WINDOW_YEARS))
    return sum(i.amount for i in investments if since < i.date <= until)


def investment_detail(raised: int, total: int) -> str:
    """`최근 3년 투자 12억 원`; the whole sum when the rounds are older (they still count,
    discounted); "" without any round."""
    years = INVESTMENT_WINDOW_YEARS
    if raised:
        return _("Raised %(amount)s in the last %(years)s years") % {
            "amount": money(raised),
            "years": years,
        }
    if total:
        return _("None in the last %(years)s years (%(amount)s before)") % {
            "amount": money(total),
            "years": years,
        }
    return ""


def signal_value(code: str, value: float | None) -> str:
    """A signal's raw value as a reader understands it (the investment signal is a log10 of
    decayed won: shown as a plain index with one decimal, never as money)."""
    if value is None:
        return _("no data")
    if code in {"employee_growth", "revenue_growth"}:
        return _("%(rate)+.0f%% a year") % {"rate": value * 100}
    if code == "investment":
        return _("signal value %(value).1f") % {"value": value}
    if code == "ai_centrality":
        return f"{value * 100:.0f} / 100"
    if code in {"patents", "certifications"}:
        return f"{value:.0f}"
    return f"{value:.1f}"


def breakdown_rows(
    score: CompanyScore, investments: Iterable[Investment] = ()
) -> list[dict[str, Any]]:
    """The rows of "why this score": the company's value of each signal, its percentile among
    peers (whole percent), the signal's weight (whole percent) and points (one decimal)."""
    signals = score.breakdown.get("signals", {})
    until = timezone.localdate(score.computed_at)
    investments = list(investments)
    raised = recent_investment(investments, until)
    total = sum(i.amount for i in investments if i.date <= until)
    rows = []
    for code in SIGNALS:
        value, percentile, weight, points = signals.get(code, [None, None, 0, 0])
        rows.append(
            {
                "code": code,
                "label": SIGNAL_LABELS[code],
                "value": signal_value(code, value),
                # the money behind the investment signal, in words
                "detail": investment_detail(raised, total) if code == "investment" else "",
                "percentile": None if percentile is None else round(percentile * 100),
                "weight": round((weight or 0) * 100),
                "points": f"{points or 0:.1f}",
                "missing": percentile is None,
            }
        )
    return rows


def section_name(letter: str, language: str | None = None) -> str:
    """The KSIC section's name in the language asked for (the letter when unknown)."""
    section = SECTIONS.get(letter)
    if section is None:
        return _("unknown sector")
    language = language or get_language() or "ko"
    return section[1] if language.startswith("en") else section[0]


def peer_group_label(group: str) -> str:
    """`정보통신업, 업력 3~7년` for the stored group `J|3-7`."""
    if group == "*":
        return _("all companies (the sector had too few peers)")
    section, band = group.split("|")
    name = section_name(section)
    if band == "*":
        return _("%(section)s, all ages (too few peers of the same age)") % {"section": name}
    if band == "?":
        return _("%(section)s, founding date unknown") % {"section": name}
    if band.endswith("+"):
        return _("%(section)s, founded %(years)s or more years ago") % {
            "section": name,
            "years": band[:-1],
        }
    low, high = band.split("-")
    return _("%(section)s, founded %(low)s to %(high)s years ago") % {
        "section": name,
        "low": low,
        "high": high,
    }


def metric_charts(metrics: list[CompanyMetric]) -> list[dict[str, Any]]:
    """Chart specs (`core.charts`): revenue, employees, R&D spend, investment; a year without
    the figure is a gap, not a zero."""
    years = [str(m.year) for m in metrics]
    charts = []
    for key, label in (
        ("revenue", _("Revenue (KRW)")),
        ("employees", _("Employees")),
        ("rnd_spend", _("R&D spend (KRW)")),
        ("investment", _("Investment (KRW)")),
    ):
        values = [getattr(m, key) for m in metrics]
        if any(v is not None for v in values):
            style = "line" if key == "employees" else "bar"
            charts.append(
                {
                    "id": f"chart-{key}",
                    "data": chart_spec(
                        label=label,
                        labels=years,
                        series=[Series(label, values, style=style)],
                        kind="count" if key == "employees" else "money",
                    ),
                }
            )
    return charts


# --- the directory's result rows ---------------------------------------------------------------

PRODUCTS_SHOWN = 60  # characters of a company's products in a result row
# The columns `result_rows` reads of a company, those of the visibility rule it applies
# (`access.company_fields`) included: the list reads its page's rows with only these
# (`CompanyResults(columns=...)`), not their descriptions and search terms. A column read but
# missing here costs a query per row, which tests/web/test_query_budgets.py catches.
RESULT_COLUMNS = (
    "organization__name",
    "organization__name_en",
    "organization__parent__name",
    "organization__parent__name_en",
    "province",
    "district",
    "products",
    "potential_score",
    "growth",
    "needs_review",
    # access.company_view_level
    "import_batch",
    "is_public",
    "is_prospect",
    "chapter_consent_at",
)


@dataclass(frozen=True)
class ResultRow:
    """One row of the company list, as `companies/_results.html` shows it: each cell's text
    worked out once here rather than by a dozen tags and filters per row in the template."""

    pk: int
    url: str
    name: str
    name_en: str
    watched: bool
    needs_review: bool  # shown to those who see scores
    region: str  # province and district, or "—"
    chapter: str  # the chapter's name, or "—"
    technologies: list[str]  # names in the page's language
    products: str  # cut to PRODUCTS_SHOWN characters, or "—"
    potential: float | None  # None: "—" (none yet, or not the viewer's to see)
    growth_percent: str  # "12" for +12 %, "" for "—"


def result_rows(
    companies: Iterable[Company],
    viewer: Viewer,
    *,
    watched: Collection[int],
    can_see_scores: bool,
    language: str | None = None,
) -> list[ResultRow]:
    """The list's rows for the viewer: scores only where `access.company_fields` lets the
    viewer see them, names of provinces and technologies in the page's language."""
    # as the template filters read the language: `province_name`, `org_name`, LANGUAGE_CODE
    language = language or get_language() or "ko"
    english = language.startswith("en")
    rows = []
    for company in companies:
        organization = company.organization
        shown = access.company_fields(viewer, company) if can_see_scores else frozenset()
        province = BY_CODE.get(company.province or "")
        province_name = (
            (str(province.name_en) if english else province.name) if province else company.province
        )
        region = province_name or "—"
        if company.district:
            region += f" {company.district}"
        parent = organization.parent
        growth = company.growth if "growth" in shown else None
        rows.append(
            ResultRow(
                pk=company.pk,
                url=reverse("companies:detail", args=[company.pk]),
                name=organization.name,
                name_en=organization.name_en,
                watched=company.pk in watched,
                needs_review=can_see_scores and company.needs_review,
                region=region,
                chapter=(parent.display_name(language) if parent else "") or "—",
                technologies=[
                    tech.name_en if language == "en" else tech.name
                    for tech in company.technology_list  # type: ignore[attr-defined]
                ],
                products=Truncator(company.products or "").chars(PRODUCTS_SHOWN) or "—",
                potential=company.potential_score if "potential_score" in shown else None,
                # as `{% widthratio growth 0.01 1 %}` wrote it: a share as a whole percentage
                growth_percent="" if growth is None else str(round(float(growth) / 0.01)),
            )
        )
    return rows
