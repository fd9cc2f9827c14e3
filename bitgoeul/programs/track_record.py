"""The programme track record each company has earned, reported to the potential score
(`companies.track_record`). The formula is in docs/programs.md ("Track record"):

    points = 10 × awards with a signed agreement (in delivery or completed)
           +  5 × milestones approved whose approved report came in by the due date

A terminated award earns nothing; a milestone approved late earns nothing beyond its award.
Companies with no such award are absent (the score leaves the signal out for them).
"""

from __future__ import annotations

from django.utils import timezone

from bitgoeul.companies.track_record import track_record_provider
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, MilestoneReport

AWARD_POINTS = 10.0
ON_TIME_MILESTONE_POINTS = 5.0


@track_record_provider("programs")
def programme_track_record() -> dict[int, float]:
    points: dict[int, float] = {}
    signed = Award.objects.filter(state__in=[AwardState.ACTIVE, AwardState.COMPLETED]).values_list(
        "application__company_id", flat=True
    )
    for company_id in signed:
        points[company_id] = points.get(company_id, 0.0) + AWARD_POINTS
    approved = MilestoneReport.objects.filter(
        approved=True,
        milestone__state=MilestoneState.APPROVED,
        milestone__award__state__in=[AwardState.ACTIVE, AwardState.COMPLETED],
    ).values_list("milestone__award__application__company_id", "submitted_at", "milestone__due_on")
    for company_id, submitted_at, due_on in approved:
        if timezone.localdate(submitted_at) <= due_on:
            points[company_id] = points.get(company_id, 0.0) + ON_TIME_MILESTONE_POINTS
    return points
