"""Writes of a company's own record: profile, yearly metrics, investments, certifications,
publication and chapter consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.services import organization_update
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.ksic import normalise_ksic, section_of
from bitgoeul.companies.models import (
    Certification,
    Company,
    CompanyMetric,
    Investment,
    Technology,
)
from bitgoeul.companies.regions import district_for, province_for
from bitgoeul.companies.score_math import growth_rate
from bitgoeul.companies.search_index import (
    SEARCH_FIELDS,
    search_index_sync,
    set_terms,
    tag_terms,
)
from bitgoeul.companies.selectors import ChapterLookup

PROFILE_FIELDS = (
    "representative",
    "founded_on",
    "address",
    "province",
    "district",
    "ksic_code",
    "industry",
    "stage",
    "employees",
    "revenue",
    "patents",
    "website",
    "description",
    "description_en",
    "products",
)


def _reindex(company: Company) -> None:
    set_terms(
        [company],
        [(company.organization.name, company.organization.name_en)],
        [list(company.technologies.all())],
    )
    company.save(update_fields=list(SEARCH_FIELDS))
    search_index_sync([company.pk])


@transaction.atomic
def company_profile_ensure(*, organization: Organization, actor: Any = None) -> Company:
    """The profile of a company organisation, created empty (and indexed) when missing; the
    organisation's chapter follows the profile's province once one is known (`company_update`).
    Called when a company organisation is created (`subscribers`), never from an access check.
    """
    company, created = Company.objects.get_or_create(organization=organization)
    if created:
        company.organization = organization
        _reindex(company)
        audit_record(actor=actor, action="company.create_profile", obj=company)
    return company


def _snapshot(company: Company) -> dict[str, Any]:
    data = {field: getattr(company, field) for field in PROFILE_FIELDS}
    data["name"], data["name_en"] = company.organization.name, company.organization.name_en
    data["chapter"] = company.organization.parent_id
    data["technologies"] = sorted(company.technologies.values_list("code", flat=True))
    return data


def _locked(company: Company) -> Company:
    """The company's row read again from the database and locked until the transaction ends:
    the "before" of an audit event comes from here, never from an instance a form has
    already changed (a ModelForm bound to `company` writes the posted values into it)."""
    return (
        Company.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=company.pk)
    )


@transaction.atomic
def company_update(
    *,
    company: Company,
    actor: Any,
    data: dict[str, Any],
    technologies: list[Technology] | None = None,
) -> Company:
    """Change profile fields (`PROFILE_FIELDS`, `name`, `name_en`) and the technology tags.

    The caller may rely on: the province is derived from the address when not given, the
    organisation's chapter follows the province, the search index is up to date, and one
    audit event records the fields that changed (before and after, "before" read from the
    locked row). Names and chapter change through `accounts.services.organization_update`,
    which audits them too. Returns the saved company (the instance passed in is not reused).
    """
    data = dict(data)
    current = _locked(company)
    before = _snapshot(current)
    names: dict[str, Any] = {k: data.pop(k) for k in ("name", "name_en") if k in data}
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            raise ValueError(f"not a profile field: {key}")
        setattr(current, key, value)
    if "address" in data and not data.get("province"):
        province = province_for(current.address)
        current.province = province.code if province else current.province
    if "address" in data and not data.get("district"):
        current.district = district_for(current.address) or current.district
    current.ksic_code = normalise_ksic(current.ksic_code) if current.ksic_code else ""
    current.ksic_section = section_of(current.ksic_code) if current.ksic_code else ""
    organization_changes: dict[str, Any] = dict(names)
    if current.province:
        covering = ChapterLookup().for_province(current.province)
        if covering is not None:
            organization_changes["parent_id"] = covering.pk
    if organization_changes:
        organization_update(organization=current.organization, actor=actor, **organization_changes)
    current.updated_at = timezone.now()
    current.save()
    if technologies is not None:
        current.technologies.set(technologies)
    _reindex(current)
    after = _snapshot(current)
    changed = [key for key in after if before.get(key) != after[key]]
    audit_record(
        actor=actor,
        action="company.update",
        obj=current,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return current


METRIC_FIGURES = ("employees", "revenue", "rnd_spend", "investment")


def _refresh_figures(company: Company) -> None:
    """Latest employees and revenue, and the revenue growth, from the yearly metrics."""
    metrics = list(company.metrics.order_by("year"))
    latest_employees = [m.employees for m in metrics if m.employees is not None]
    latest_revenue = [m.revenue for m in metrics if m.revenue is not None]
    if latest_employees:
        company.employees = latest_employees[-1]
    if latest_revenue:
        company.revenue = latest_revenue[-1]
    company.growth = growth_rate([(m.year, m.revenue) for m in metrics])
    company.save(update_fields=["employees", "revenue", "growth"])


@transaction.atomic
def company_metric_set(
    *,
    company: Company,
    actor: Any,
    year: int,
    employees: int | None,
    revenue: int | None,
    rnd_spend: int | None,
    investment: int | None,
) -> CompanyMetric:
    """Record one year's figures (replacing that year's if present: the audit event keeps the
    replaced figures as "before", read from the locked row)."""
    values = {
        "employees": employees,
        "revenue": revenue,
        "rnd_spend": rnd_spend,
        "investment": investment,
    }
    existing = CompanyMetric.objects.select_for_update().filter(company=company, year=year).first()
    before = (
        {"year": year, **{k: getattr(existing, k) for k in METRIC_FIGURES}} if existing else None
    )
    metric, created = CompanyMetric.objects.update_or_create(
        company=company, year=year, defaults=values
    )
    _refresh_figures(company)
    audit_record(
        actor=actor,
        action="company.metric_set",
        obj=company,
        before=before,
        after={"year": year, "new": created, **values},
    )
    return metric


@transaction.atomic
def company_metric_delete(*, metric: CompanyMetric, actor: Any) -> None:
    company = metric.company
    current = CompanyMetric.objects.select_for_update().get(pk=metric.pk)
    audit_record(
        actor=actor,
        action="company.metric_delete",
        obj=company,
        before={"year": current.year, **{k: getattr(current, k) for k in METRIC_FIGURES}},
    )
    current.delete()
    _refresh_figures(company)


@transaction.atomic
def company_metric_add(
    *,
    company: Company,
    actor: Any,
    year: int,
    employees: int = 0,
    revenue: int = 0,
    investment: int = 0,
    source: str = "",
) -> CompanyMetric:
    """Add figures to one year's (created when missing): another app's outcomes, e.g. the hires,
    revenue and investment of an approved programme report (`source` names it in the audit
    event). The year's row is locked, so two additions at once both count; "before" is read
    from it. A figure of 0 leaves that year's value as it was (None stays None). Employees are
    a headcount: hires added to a year without one start from the latest earlier year's
    headcount; revenue and investment are the year's flows, so they start from 0."""
    added = {"employees": employees, "revenue": revenue, "investment": investment}
    existing = CompanyMetric.objects.select_for_update().filter(company=company, year=year).first()
    metric = existing or CompanyMetric(company=company, year=year)
    before = {k: getattr(existing, k) for k in METRIC_FIGURES} if existing else None
    if employees and metric.employees is None:
        metric.employees = (
            CompanyMetric.objects.filter(company=company, year__lt=year, employees__isnull=False)
            .order_by("-year")
            .values_list("employees", flat=True)
            .first()
        )
    for field, amount in added.items():
        if amount:
            setattr(metric, field, (getattr(metric, field) or 0) + amount)
    metric.save()
    _refresh_figures(company)
    audit_record(
        actor=actor,
        action="company.metric_add",
        obj=company,
        before={"year": year, **before} if before else None,
        after={
            "year": year,
            "new": existing is None,
            "source": source,
            **{k: getattr(metric, k) for k in METRIC_FIGURES},
        },
    )
    return metric


@transaction.atomic
def investment_add(
    *, company: Company, actor: Any, date: dt.date, round: str, amount: int, investors: str
) -> Investment:
    investment = Investment.objects.create(
        company=company, date=date, round=round, amount=amount, investors=investors
    )
    audit_record(
        actor=actor,
        action="company.investment_add",
        obj=company,
        after={"date": date, "round": round, "amount": amount, "investors": investors},
    )
    return investment


@transaction.atomic
def investment_delete(*, investment: Investment, actor: Any) -> None:
    current = Investment.objects.select_for_update().get(pk=investment.pk)
    audit_record(
        actor=actor,
        action="company.investment_delete",
        obj=investment.company,
        before={
            "date": current.date,
            "round": current.round,
            "amount": current.amount,
            "investors": current.investors,
        },
    )
    current.delete()


def venture_expiry(issued_on: dt.date) -> dt.date:
    """The last day of a 벤처기업 확인's three years (one issued on 29 February ends on the
    28th, three years on)."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + 3)
    except ValueError:  # 29 February in a year that has none
        anniversary = issued_on.replace(year=issued_on.year + 3, day=28) + dt.timedelta(days=1)
    return anniversary - dt.timedelta(days=1)


@transaction.atomic
def certification_add(
    *,
    company: Company,
    actor: Any,
    kind: str,
    venture_type: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Certification:
    """Add a certification; a 벤처기업 확인 without an expiry date gets the legal three years."""
    if kind == "venture" and issued_on and not expires_on:
        expires_on = venture_expiry(issued_on)
    certification = Certification.objects.create(
        company=company,
        kind=kind,
        venture_type=venture_type if kind == "venture" else "",
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    audit_record(
        actor=actor,
        action="company.certification_add",
        obj=company,
        after={
            "kind": kind,
            "venture_type": certification.venture_type,
            "number": number,
            "issued_on": issued_on,
            "expires_on": expires_on,
        },
    )
    return certification


@transaction.atomic
def certification_delete(*, certification: Certification, actor: Any) -> None:
    current = Certification.objects.select_for_update().get(pk=certification.pk)
    audit_record(
        actor=actor,
        action="company.certification_delete",
        obj=certification.company,
        before={
            "kind": current.kind,
            "venture_type": current.venture_type,
            "number": current.number,
            "issued_on": current.issued_on,
            "expires_on": current.expires_on,
        },
    )
    current.delete()


@transaction.atomic
def company_set_public(*, company: Company, actor: Any, is_public: bool) -> Company:
    """Publish the profile (names, description, products, technologies, region,
    certifications, website) to everyone, or take it back."""
    current = _locked(company)
    before = current.is_public
    current.is_public = company.is_public = is_public
    current.save(update_fields=["is_public"])
    audit_record(
        actor=actor,
        action="company.set_public",
        obj=current,
        before={"is_public": before},
        after={"is_public": is_public},
    )
    return current


@transaction.atomic
def company_set_chapter_consent(*, company: Company, actor: Any, consent: bool) -> Company:
    """Give or withdraw the company's consent to let its chapter's staff read its private data
    (read-only). Effective immediately; the audit trail keeps every change."""
    current = _locked(company)
    before = current.chapter_consent_at
    current.chapter_consent_at = timezone.now() if consent else None
    company.chapter_consent_at = current.chapter_consent_at
    current.save(update_fields=["chapter_consent_at"])
    audit_record(
        actor=actor,
        action="company.chapter_consent",
        obj=current,
        before={"consent": before is not None, "since": before},
        after={"consent": consent, "chapter": current.organization.parent_id},
    )
    return current


@transaction.atomic
def company_set_sharing(
    *, company: Company, actor: Any, is_public: bool, share_with_chapter: bool
) -> Company:
    """The sharing form's two choices at once: each that changed is recorded by its own
    service (and audit event); both or neither are saved."""
    if is_public != company.is_public:
        company = company_set_public(company=company, actor=actor, is_public=is_public)
    if share_with_chapter != company.shares_with_chapter:
        company = company_set_chapter_consent(
            company=company, actor=actor, consent=share_with_chapter
        )
    return company


@transaction.atomic
def company_mark_reviewed(*, company: Company, actor: Any) -> Company:
    """Clear the review flag an import set when it matched the company by name and region."""
    current = _locked(company)
    before = current.review_reason
    current.needs_review, current.review_reason = False, ""
    current.save(update_fields=["needs_review", "review_reason"])
    audit_record(actor=actor, action="company.reviewed", obj=current, before={"reason": before})
    return current


@transaction.atomic
def technology_save(
    *, actor: Any, technology: Technology | None = None, **fields: Any
) -> Technology:
    """Create a technology tag, or change one; companies carrying it are re-indexed. A change
    is audited with the fields that changed, "before" read from the locked row."""
    if technology is None:
        tech = Technology(**fields)
        tech.save()
        audit_record(actor=actor, action="technology.save", obj=tech, after=fields)
        return tech
    tech = Technology.objects.select_for_update().get(pk=technology.pk)
    diff = {k: v for k, v in fields.items() if getattr(tech, k) != v}
    before = {k: getattr(tech, k) for k in diff}
    for key, value in fields.items():
        setattr(tech, key, value)
    tech.save()
    if diff:
        audit_record(actor=actor, action="technology.save", obj=tech, before=before, after=diff)
        companies = list(
            tech.companies.select_related("organization").prefetch_related("technologies")
        )
        for company in companies:
            company.search_tags = tag_terms(company.technologies.all())
        Company.objects.bulk_update(companies, ["search_tags"], batch_size=500)
        search_index_sync([c.pk for c in companies])
    return tech
