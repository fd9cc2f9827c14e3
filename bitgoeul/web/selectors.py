"""What the home dashboards show for each role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Invitation, Organization, User
from bitgoeul.audit.models import AuditEvent


def operator_dashboard() -> dict[str, Any]:
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
