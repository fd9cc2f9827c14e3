"""Who may see and do what with companies. Views and the API call these; nothing else decides.

One rule gives the level a viewer has on a company (`company_view_level`) and, in the same
place, the companies on which a viewer has at least a level (`companies_at_least`, a filter
for lists, search filters and sorts). `COMPANY_FIELDS` says which fields each level shows;
pages, the API, exports and search ask it:
- public: names, description, products, technologies, region, chapter, sector, certifications,
  website — everyone, when the company opted in (`is_public`);
- record: the above for any company, plus 사업자등록번호, representative, founding date, stage,
  address and patents — its members, operator staff, and association/chapter staff following
  the company's chapter;
- private: yearly figures, employees, revenue, investments, the potential score and its
  breakdown, growth, nominations — its members, operator staff, and the staff of its chapter
  only while the company consents to share with its chapter (read-only).
Access functions only read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bitgoeul.accounts import access as accounts_access
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.importing.hidden import IMPORT_PENDING_HIDDEN, PROSPECT_HIDDEN
from bitgoeul.companies.models import Company, CompanyImport, Nomination
from bitgoeul.core.visibility import FieldPolicy, ViewLevel

PUBLIC, RECORD, PRIVATE = ViewLevel.PUBLIC, ViewLevel.RECORD, ViewLevel.PRIVATE

# The one declaration of which company fields each level shows (names as the API and the
# exports use them; "metrics", "investments", "score", "nominations" are the related rows).
COMPANY_FIELDS = FieldPolicy(
    "company",
    {
        "name": PUBLIC,
        "name_en": PUBLIC,
        "province": PUBLIC,
        "district": PUBLIC,
        "chapter": PUBLIC,
        "ksic_code": PUBLIC,
        "industry": PUBLIC,
        "technologies": PUBLIC,
        "certifications": PUBLIC,
        "website": PUBLIC,
        "products": PUBLIC,
        "description": PUBLIC,
        "description_en": PUBLIC,
        "is_public": PUBLIC,
        "brn": RECORD,
        "representative": RECORD,
        "founded_on": RECORD,
        "stage": RECORD,
        "address": RECORD,
        "patents": RECORD,
        "employees": PRIVATE,
        "revenue": PRIVATE,
        "growth": PRIVATE,
        "potential_score": PRIVATE,
        "score": PRIVATE,
        "metrics": PRIVATE,
        "investments": PRIVATE,
        "nominations": PRIVATE,
    },
)


def followed_parent_ids(user: Viewer) -> set[int]:
    """Organisations whose child companies the user follows as association or chapter staff:
    their chapters, and the association itself (it covers the provinces without a chapter)."""
    ids = set(accounts_access.staff_chapter_ids(user))
    for org_id, kind, _, _ in accounts_access.membership_rows(user):
        if kind == OrganizationKind.ASSOCIATION:
            ids.add(org_id)
    return ids


def member_company_ids(user: Viewer) -> set[int]:
    return {
        org_id
        for org_id, kind, _, _ in accounts_access.membership_rows(user)
        if kind == OrganizationKind.COMPANY
    }


def is_staff(user: Viewer) -> bool:
    """Operator staff or association/chapter staff: the people who discover companies."""
    return accounts_access.is_operator_staff(user) or accounts_access.is_chapter_staff(user)


@dataclass(frozen=True)
class Grant:
    """One reason a viewer has a level on a company, as a test on one company and as the same
    test in SQL."""

    level: ViewLevel
    applies: Callable[[Company], bool]
    q: Q


def _grants(user: Viewer) -> list[Grant]:
    """THE visibility rule of companies: every level a viewer may have, and on which companies.
    (A new kind of company, e.g. one never public, changes its grant here, in both forms.)"""
    cached: list[Grant] | None = getattr(user, "_bitgoeul_company_grants", None)
    if cached is not None:
        return cached
    # Prospects (imported without 사업자등록번호) are never public: staff see them through
    # their own grants below.
    grants = [
        Grant(
            PUBLIC, lambda c: c.is_public and not c.is_prospect, Q(is_public=True) & PROSPECT_HIDDEN
        )
    ]
    if accounts_access.is_operator_staff(user):
        grants.append(Grant(PRIVATE, lambda c: True, Q()))
    members = member_company_ids(user)
    if members:
        grants.append(
            Grant(PRIVATE, lambda c: c.organization_id in members, Q(organization_id__in=members))
        )
    parents = followed_parent_ids(user)
    if parents:
        grants.append(
            Grant(
                RECORD,
                lambda c: c.organization.parent_id in parents,
                Q(organization__parent_id__in=parents),
            )
        )
        grants.append(
            Grant(
                PRIVATE,
                lambda c: c.chapter_consent_at is not None and c.organization.parent_id in parents,
                Q(organization__parent_id__in=parents, chapter_consent_at__isnull=False),
            )
        )
    if isinstance(user, User) and user.is_authenticated:
        # read once per request, like the memberships it comes from (user_memberships)
        vars(user)["_bitgoeul_company_grants"] = grants
    return grants


def company_view_level(user: Viewer, company: Company) -> ViewLevel:
    """The level the user has on the company: NONE (not even that it exists) to PRIVATE.
    Rows of an import still being written are seen by nobody until it completes."""
    if company.import_batch is not None:
        return ViewLevel.NONE
    return max(
        (grant.level for grant in _grants(user) if grant.applies(company)), default=ViewLevel.NONE
    )


def companies_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The companies on which the user has at least `level`, as a filter (`Q()`: all). Rows of
    an import still being written are left out, whoever asks."""
    conditions = [grant.q for grant in _grants(user) if grant.level >= level]
    if level <= ViewLevel.NONE:
        return Q()
    if any(not q for q in conditions):
        return IMPORT_PENDING_HIDDEN
    if not conditions:
        # none: a condition that compiles to SQL (an empty IN list would not, and search
        # composes raw SQL from this filter)
        return Q(pk__isnull=True)
    combined = conditions[0]
    for q in conditions[1:]:
        combined |= q
    return combined & IMPORT_PENDING_HIDDEN


def company_max_level(user: Viewer) -> ViewLevel:
    """The highest level the user can have on any company (PUBLIC for visitors)."""
    return max(grant.level for grant in _grants(user))


def company_fields(user: Viewer, company: Company) -> frozenset[str]:
    """The fields of `COMPANY_FIELDS` the user may see on this company."""
    return COMPANY_FIELDS.fields_for(company_view_level(user, company))


def company_field_usable(user: Viewer, field: str) -> bool:
    """Whether the user may filter or sort on a field: they may see it on some company (the
    filter then applies only to the companies where they see it)."""
    return COMPANY_FIELDS.shows(field, company_max_level(user))


def follows(user: Viewer, company: Company) -> bool:
    return company.organization.parent_id in followed_parent_ids(user)


def can_view_profile(user: Viewer, company: Company) -> bool:
    return company_view_level(user, company) >= PUBLIC


def can_view_record(user: Viewer, company: Company) -> bool:
    return company_view_level(user, company) >= RECORD


def can_view_private(user: Viewer, company: Company) -> bool:
    return company_view_level(user, company) >= PRIVATE


def can_edit(user: Viewer, company: Company) -> bool:
    role = accounts_access.organization_role(user, company.organization)
    return role in {MembershipRole.ADMIN, MembershipRole.STAFF} or (
        accounts_access.is_operator_staff(user)
    )


def can_manage_sharing(user: Viewer, company: Company) -> bool:
    """Publishing the profile and consenting to share with the chapter are the company's own
    decisions: its administrators make them, nobody else."""
    return accounts_access.is_organization_admin(user, company.organization)


def can_nominate(user: Viewer, company: Company) -> bool:
    return follows(user, company)


def can_watch(user: Viewer, company: Company) -> bool:
    return is_staff(user) and can_view_record(user, company)


def can_see_scores(user: Viewer) -> bool:
    """Scores in lists and sorting by potential or growth: operator staff."""
    return accounts_access.is_operator_staff(user)


def visible_filter(user: Viewer) -> Q:
    """The companies whose record or public profile the user may see, as a filter."""
    return companies_at_least(user, PUBLIC)


def _company(organization_id: int, rows: QuerySet[Company] | None = None) -> Company:
    """The company (with its organisation and chapter), or 404; from `rows` when given (a page
    that reads more with the company). Only reads: a company organisation gets its record when
    it is created (`services.profile`)."""
    found = (
        (Company.objects.all() if rows is None else rows)
        .select_related("organization__parent")
        .filter(pk=organization_id, organization__kind=OrganizationKind.COMPANY)
        .first()
    )
    if found is None:
        raise Http404
    return found


def company_for_viewer(
    user: Viewer, organization_id: int, rows: QuerySet[Company] | None = None
) -> Company:
    """The company whose page the user may see (public profile or more), or 404 (read from
    `rows` when given)."""
    company = _company(organization_id, rows)
    if not can_view_profile(user, company):
        raise Http404
    return company


def company_for_private(user: Viewer, organization_id: int) -> Company:
    company = company_for_viewer(user, organization_id)
    if not can_view_private(user, company):
        raise PermissionDenied
    return company


def company_for_editor(user: Viewer, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_edit(user, company):
        raise PermissionDenied
    return company


def company_for_sharing(user: Viewer, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_manage_sharing(user, company):
        raise PermissionDenied
    return company


def company_for_nominator(user: Viewer, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_nominate(user, company):
        raise PermissionDenied
    return company


def company_for_watcher(user: Viewer, organization_id: int) -> Company:
    company = _company(organization_id)
    if not can_view_record(user, company):
        raise Http404
    if not can_watch(user, company):
        raise PermissionDenied
    return company


def require_staff(user: Viewer) -> None:
    if not is_staff(user):
        raise PermissionDenied


def require_operator_staff(user: Viewer) -> None:
    accounts_access.require_operator_staff(user)


def nomination_for_decider(user: Viewer, nomination_id: int) -> Nomination:
    require_operator_staff(user)
    nomination = Nomination.objects.select_related("company__organization").filter(pk=nomination_id)
    found = nomination.first()
    if found is None:
        raise Http404
    return found


def can_see_nomination_decision(user: Viewer, nomination: Nomination) -> bool:
    """Who is told of (and may read) a decision on a nomination: the staff of the nominating
    chapter, as for withdrawing it (`nomination_for_nominator`), and operator staff."""
    return nomination.chapter_id in followed_parent_ids(user) or accounts_access.is_operator_staff(
        user
    )


def nomination_for_nominator(user: Viewer, nomination_id: int) -> Nomination:
    """A nomination its chapter's staff may withdraw."""
    found = (
        Nomination.objects.select_related("company__organization").filter(pk=nomination_id).first()
    )
    if found is None or found.chapter_id not in followed_parent_ids(user):
        raise Http404
    return found


def company_import_for_owner(user: User, import_id: Any) -> CompanyImport:
    """An import the user started (operator staff only import)."""
    require_operator_staff(user)
    found = CompanyImport.objects.filter(pk=import_id).first()
    if found is None or (found.uploaded_by_id != user.pk):
        raise Http404
    return found


def can_import(user: Viewer) -> bool:
    """Bulk imports and exports touch every chapter's companies: operator staff only import."""
    return accounts_access.is_operator_staff(user)


def can_mark_reviewed(user: Viewer) -> bool:
    return accounts_access.is_operator_staff(user)
