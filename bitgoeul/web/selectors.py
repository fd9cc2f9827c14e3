"""What the home dashboards show for each role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Invitation, Organization, User
from bitgoeul.audit.models import AuditEvent

T = TypeVar("T")


def data_version() -> int:
    """The newest audit event's id. Every change of data goes through a service that writes an
    audit event, so a cached figure keyed by this number is never stale."""
    # Raw SQL: this runs on every cached page view, and the ORM costs ten times the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {AuditEvent._meta.db_table}")  # nosec B608  # a constant table name, no value in the SQL
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def cached(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, remembered until the data changes (see data_version)."""
    return cast(T, cache.get_or_set(f"web:{key}:{data_version()}", compute, timeout=600))


def operator_dashboard() -> dict[str, Any]:
    return cached("operator-dashboard", _operator_dashboard)


def _operator_dashboard() -> dict[str, Any]:
    counts = Organization.objects.aggregate(
        companies=Count("pk", filter=Q(kind=OrganizationKind.COMPANY)),
        chapters=Count("pk", filter=Q(kind=OrganizationKind.CHAPTER)),
        institutions=Count("pk", filter=Q(kind=OrganizationKind.INSTITUTION)),
    )
    per_chapter = list(
        Organization.objects.filter(kind=OrganizationKind.CHAPTER)
        .annotate(companies=Count("children", filter=Q(children__kind=OrganizationKind.COMPANY)))
        .order_by("name")
        .values_list("name", "companies")
    )
    return {
        **counts,
        "users": User.objects.filter(is_active=True).count(),
        "chart": {
            "type": "bar",
            "label": "companies",
            "labels": [name for name, _ in per_chapter],
            "values": [n for _, n in per_chapter],
        },
        "chart_rows": per_chapter,
        "recent_events": list(AuditEvent.objects.select_related("actor")[:8]),
    }


def chapter_dashboard(chapter_ids: set[int]) -> dict[str, Any]:
    key = "chapter-dashboard:" + ",".join(map(str, sorted(chapter_ids)))
    return cached(key, lambda: _chapter_dashboard(chapter_ids))


def _chapter_dashboard(chapter_ids: set[int]) -> dict[str, Any]:
    companies = Organization.objects.filter(
        kind=OrganizationKind.COMPANY, parent_id__in=chapter_ids
    )
    return {
        "company_count": companies.count(),
        "recent_companies": list(
            companies.select_related("parent").order_by("-created_at", "-pk")[:8]
        ),
    }


def company_dashboard(company: Organization) -> dict[str, Any]:
    return cached(f"company-dashboard:{company.pk}", lambda: _company_dashboard(company))


def _company_dashboard(company: Organization) -> dict[str, Any]:
    return {
        "member_count": company.memberships.count(),
        "open_invitations": Invitation.objects.filter(
            organization=company, accepted_at__isnull=True, revoked_at__isnull=True
        ).count(),
    }


def public_figures() -> dict[str, int]:
    return Organization.objects.aggregate(
        companies=Count("pk", filter=Q(kind=OrganizationKind.COMPANY)),
        chapters=Count("pk", filter=Q(kind=OrganizationKind.CHAPTER)),
    )
