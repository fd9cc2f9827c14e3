"""Reads of the matchmaking app: the lists each side sees, the staff pipeline and its figures,
and the delivery record that feeds the companies' track record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import Viewer
from bitgoeul.matchmaking import access
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind, Sector
from bitgoeul.matchmaking.models import Invitation, Meeting, Need, Outcome


def needs_of_my_companies(user: Viewer) -> QuerySet[Need]:
    """The needs of the companies the user is a member of, newest first."""
    return (
        Need.objects.filter(company_id__in=access.company_org_ids(user))
        .select_related("company__organization")
        .annotate(invited=Count("invitations"))
    )


def invitations_received(user: Viewer) -> QuerySet[Invitation]:
    """Invitations to the user's companies that they may see (not withdrawn), newest first."""
    return (
        Invitation.objects.filter(
            supplier_id__in=access.company_org_ids(user),
            state__in=access.LIVE_INVITATION_STATES,
        )
        .select_related("need__company__organization", "supplier__organization")
        .order_by("-created_at", "-pk")
    )


def invitations_of_need(need: Need) -> list[Invitation]:
    """Every invitation of a need with its meetings and outcome (the requester's side)."""
    return list(
        need.invitations.select_related("supplier__organization", "outcome").prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at", "pk"))
        )
    )


def invitation_with_details(invitation: Invitation) -> Invitation:
    """One invitation (the supplier's side) with its meetings and outcome."""
    return (
        Invitation.objects.select_related("supplier__organization", "outcome")
        .prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at", "pk"))
        )
        .get(pk=invitation.pk)
    )


# --- track record ------------------------------------------------------------------------------

CONTRACT_POINTS = 10.0
PILOT_POINTS = 5.0


def delivery_points() -> dict[int, float]:
    """Per supplier: 10 points per contract and 5 per pilot that matchmaking conversations
    ended in (`companies.track_record` adds them to the programmes' points)."""
    points: dict[int, float] = {}
    rows = (
        Outcome.objects.filter(kind__in=[OutcomeKind.CONTRACT, OutcomeKind.PILOT])
        .order_by()
        .values_list("invitation__supplier_id", "kind")
        .annotate(n=Count("pk"))
    )
    for supplier_id, kind, n in rows:
        each = CONTRACT_POINTS if kind == OutcomeKind.CONTRACT else PILOT_POINTS
        points[supplier_id] = points.get(supplier_id, 0.0) + each * n
    return points


# --- pipeline ----------------------------------------------------------------------------------


@dataclass
class PipelineRow:
    label: str
    needs: dict[str, int] = field(default_factory=dict)  # need state → count
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome kind → count

    @property
    def total(self) -> int:
        return sum(self.needs.values())


@dataclass
class Figures:
    needs: int
    open_needs: int
    invitations: int
    interested: int
    meetings: int
    contracts: int
    pilots: int
    no_fit: int
    contract_amount_krw: int


def _rows(needs: QuerySet[Need], key: str, labels: dict[Any, str]) -> list[PipelineRow]:
    rows: dict[Any, PipelineRow] = {}
    for value, state, n in needs.order_by().values_list(key, "state").annotate(n=Count("pk")):
        row = rows.setdefault(value, PipelineRow(labels.get(value, str(value or "—"))))
        row.needs[state] = n
    outcomes = (
        Outcome.objects.filter(invitation__need__in=needs)
        .order_by()
        .values_list(f"invitation__need__{key}", "kind")
        .annotate(n=Count("pk"))
    )
    for value, kind, n in outcomes:
        row = rows.setdefault(value, PipelineRow(labels.get(value, str(value or "—"))))
        row.outcomes[kind] = n
    return sorted(rows.values(), key=lambda r: (-r.total, r.label))


def pipeline(user: Viewer) -> dict[str, Any]:
    """The pipeline the user may follow: needs (not drafts) by chapter and by sector with their
    counts per state and outcome, and the figures of the whole."""
    needs = Need.objects.filter(access.pipeline_filter(user)).exclude(state=NeedState.DRAFT)
    chapter_ids = set(needs.values_list("company__organization__parent_id", flat=True))
    chapters = dict(
        Organization.objects.filter(pk__in=[c for c in chapter_ids if c]).values_list("pk", "name")
    )
    invitations = Invitation.objects.filter(need__in=needs)
    outcomes = Outcome.objects.filter(invitation__need__in=needs)
    by_kind = dict(outcomes.order_by().values_list("kind").annotate(n=Count("pk")))
    figures = Figures(
        needs=needs.count(),
        open_needs=needs.filter(state=NeedState.OPEN).count(),
        invitations=invitations.exclude(state=InvitationState.WITHDRAWN).count(),
        interested=invitations.filter(state=InvitationState.ACCEPTED).count(),
        meetings=Meeting.objects.filter(
            invitation__need__in=needs, cancelled_at__isnull=True
        ).count(),
        contracts=by_kind.get(OutcomeKind.CONTRACT, 0),
        pilots=by_kind.get(OutcomeKind.PILOT, 0),
        no_fit=by_kind.get(OutcomeKind.NO_FIT, 0),
        contract_amount_krw=outcomes.aggregate(total=Sum("amount_krw", default=0))["total"],
    )
    return {
        "by_chapter": _rows(needs, "company__organization__parent_id", chapters),
        "by_sector": _rows(needs, "sector", {k: str(v) for k, v in Sector.choices}),
        "figures": figures,
    }


def recent_pipeline_needs(user: Viewer, limit: int = 50) -> QuerySet[Need]:
    return (
        Need.objects.filter(access.pipeline_filter(user))
        .exclude(state=NeedState.DRAFT)
        .select_related("company__organization__parent")
        .annotate(
            invited=Count("invitations", filter=~Q(invitations__state=InvitationState.WITHDRAWN))
        )[:limit]
    )
