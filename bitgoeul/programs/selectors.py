"""Reads of the programs app shared by pages, the API and other apps; one section per area."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, Call, Milestone, MilestoneReport

# --- awards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrancheTotals:
    amount: int  # the award (or the sum of a call's awards)
    planned: int  # tranches of the milestones
    released: int  # tranches of approved milestones

    @property
    def remaining(self) -> int:
        """What is still to be released of the award's amount."""
        return self.amount - self.released


def _with_milestones(awards: QuerySet[Award]) -> QuerySet[Award]:
    reports = MilestoneReport.objects.select_related("submitted_by", "reviewed_by").order_by(
        "-submitted_at", "-pk"
    )
    return awards.select_related(
        "application__call", "application__company__organization"
    ).prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.order_by("order").prefetch_related(
                Prefetch("reports", queryset=reports)
            ),
        )
    )


def awards_with_milestones(rule: Q) -> QuerySet[Award]:
    """Awards matching `rule` (an access filter), each with its milestones and their reports
    (newest first): three queries whatever the number of rows."""
    return _with_milestones(Award.objects.filter(rule)).order_by("-created_at", "-pk")


def call_awards(call: Call) -> QuerySet[Award]:
    return _with_milestones(Award.objects.filter(application__call=call)).order_by(
        "application__company__organization__name", "pk"
    )


def tranche_totals(award: Award) -> TrancheTotals:
    """Totals of an award whose milestones were prefetched (no query)."""
    milestones = list(award.milestones.all())
    return TrancheTotals(
        amount=award.amount,
        planned=sum(m.tranche for m in milestones),
        released=sum(m.tranche for m in milestones if m.state == MilestoneState.APPROVED),
    )


def totals_sum(totals: list[TrancheTotals]) -> TrancheTotals:
    return TrancheTotals(
        amount=sum(t.amount for t in totals),
        planned=sum(t.planned for t in totals),
        released=sum(t.released for t in totals),
    )


def reports_awaiting_review(call: Call) -> QuerySet[MilestoneReport]:
    """The 검수 queue: the latest report of each submitted milestone of the call, oldest first."""
    return (
        MilestoneReport.objects.filter(
            milestone__award__application__call=call,
            milestone__state=MilestoneState.SUBMITTED,
            approved__isnull=True,
        )
        .select_related("milestone__award__application__company__organization", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def calls_with_awards(rule: Q) -> QuerySet[Call]:
    """Calls matching `rule` (the staff filter) that have awards, with their counts."""
    from django.db.models import Count

    return (
        Call.objects.filter(rule)
        .filter(applications__award__isnull=False)
        .annotate(
            award_count=Count("applications__award", distinct=True),
            to_review=Count(
                "applications__award__milestones",
                filter=Q(applications__award__milestones__state=MilestoneState.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-closes_at", "pk")
        .distinct()
    )


def milestones_needing_reports(awards: Q, days: int = 30) -> QuerySet[Milestone]:
    """Milestones of the active awards matching `awards` (an access filter on `Award`) that
    still need a report and are due within `days` days or overdue, soonest first."""
    until = timezone.localdate() + dt.timedelta(days=days)
    return (
        Milestone.objects.filter(
            award__in=Award.objects.filter(awards, state=AwardState.ACTIVE),
            state__in=[MilestoneState.PENDING, MilestoneState.RETURNED],
            due_on__lte=until,
        )
        .select_related("award__application__call")
        .order_by("due_on", "pk")
    )


def reports_to_review_count(calls: Q) -> int:
    """Submitted milestones awaiting review in the calls matching `calls` (the staff filter)."""
    return Milestone.objects.filter(
        award__application__call__in=Call.objects.filter(calls).values("pk"),
        state=MilestoneState.SUBMITTED,
    ).count()
