"""What the home dashboards show for each role."""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, Q

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Invitation, Organization, User

# Short-lived caches of aggregates that grow with the data (counts over every organisation and
# user). Plain time-based expiry, no invalidation: a figure may be up to FIGURES_TTL seconds old
# after a change, which a dashboard can afford. Everything else on the pages is read fresh.
FIGURES_TTL = 60  # seconds
OPERATOR_FIGURES_KEY = "web:operator-figures"
PUBLIC_FIGURES_KEY = "web:public-figures"


def operator_dashboard() -> dict[str, Any]:
    """Cluster figures (cached under OPERATOR_FIGURES_KEY for FIGURES_TTL s). The latest audit
    events are the audit app's fragment, which the home loads after the page
    (`audit:recent`)."""
    return cast(
        dict[str, Any], cache.get_or_set(OPERATOR_FIGURES_KEY, _operator_figures, FIGURES_TTL)
    )


def _operator_figures() -> dict[str, Any]:
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
        "chart_rows": per_chapter,  # the chart is drawn from these (`web.views.home`)
    }


def company_dashboard(company: Organization) -> dict[str, Any]:
    return {
        "member_count": company.memberships.count(),
        "open_invitations": Invitation.objects.filter(
            organization=company, accepted_at__isnull=True, revoked_at__isnull=True
        ).count(),
    }


def public_figures() -> dict[str, int]:
    """The landing page's counts, cached under PUBLIC_FIGURES_KEY for FIGURES_TTL s."""
    return cast(dict[str, int], cache.get_or_set(PUBLIC_FIGURES_KEY, _public_figures, FIGURES_TTL))


def _public_figures() -> dict[str, int]:
    return Organization.objects.aggregate(
        companies=Count("pk", filter=Q(kind=OrganizationKind.COMPANY)),
        chapters=Count("pk", filter=Q(kind=OrganizationKind.CHAPTER)),
    )
