"""After the award: outcome figures into the company's yearly metrics, the programme track
record, and milestone reminders (once a day)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import CompanyMetric
from bitgoeul.companies.track_record import track_records
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, Milestone
from bitgoeul.programs.services.awards import milestone_report_approve, milestones_remind
from bitgoeul.programs.track_record import programme_track_record
from tests.conftest import World
from tests.programs.award_factories import make_award, make_milestone, make_report

SEOUL = dt.timezone(dt.timedelta(hours=9))


def _award(world: World, **kwargs: object) -> Award:
    return make_award(world.company, organizer=world.operator_org, **kwargs)  # type: ignore[arg-type]


# --- outcome figures into the company's record -------------------------------------------------


def test_approval_adds_the_report_figures_to_that_years_metrics(world: World) -> None:
    award = _award(world)
    company_id = award.application.company_id
    CompanyMetric.objects.create(
        company_id=company_id, year=2026, employees=10, revenue=500_000_000, investment=None
    )
    submitted = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SEOUL)
    report = make_report(
        make_milestone(award),
        hires=3,
        revenue=120_000_000,
        investment=200_000_000,
        products=1,
        submitted_at=submitted,
    )
    milestone_report_approve(report=report, actor=world.operator)
    metric = CompanyMetric.objects.get(company_id=company_id, year=2026)
    assert (metric.employees, metric.revenue, metric.investment) == (
        13,
        620_000_000,
        200_000_000,
    )
    event = AuditEvent.objects.get(action="company.metric_add")
    assert event.after is not None
    assert (event.object_id, event.before, event.after["source"]) == (
        str(company_id),
        {
            "year": 2026,
            "employees": 10,
            "revenue": 500_000_000,
            "rnd_spend": None,
            "investment": None,
        },
        f"programs.milestonereport:{report.pk}",
    )


def test_hires_in_a_year_without_figures_start_from_the_last_headcount(world: World) -> None:
    award = _award(world)
    company_id = award.application.company_id
    CompanyMetric.objects.create(company_id=company_id, year=2024, employees=8)
    report = make_report(
        make_milestone(award), hires=2, submitted_at=dt.datetime(2026, 5, 1, tzinfo=SEOUL)
    )
    milestone_report_approve(report=report, actor=world.operator)
    metric = CompanyMetric.objects.get(company_id=company_id, year=2026)
    assert (metric.employees, metric.revenue, metric.investment) == (10, None, None)


def test_the_year_is_the_submission_day_in_seoul(world: World) -> None:
    award = _award(world)
    # 2025-12-31 23:30 in Seoul is still 2025 there, though 14:30 UTC
    submitted = dt.datetime(2025, 12, 31, 14, 30, tzinfo=dt.UTC)
    report = make_report(make_milestone(award), revenue=1_000_000, submitted_at=submitted)
    milestone_report_approve(report=report, actor=world.operator)
    assert list(
        CompanyMetric.objects.filter(company_id=award.application.company_id).values_list(
            "year", "revenue"
        )
    ) == [(2025, 1_000_000)]


def test_a_returned_report_adds_nothing(world: World) -> None:
    from bitgoeul.programs.services.awards import milestone_report_return

    award = _award(world)
    report = make_report(make_milestone(award), hires=5, revenue=9)
    milestone_report_return(report=report, actor=world.operator, comments="보완")
    assert CompanyMetric.objects.filter(company_id=award.application.company_id).count() == 0


def test_a_report_without_figures_writes_no_metric(world: World) -> None:
    award = _award(world)
    milestone_report_approve(report=make_report(make_milestone(award)), actor=world.operator)
    assert CompanyMetric.objects.count() == 0
    assert AuditEvent.objects.filter(action="company.metric_add").count() == 0


# --- track record ------------------------------------------------------------------------------


def test_track_record_counts_signed_awards_and_milestones_approved_on_time(world: World) -> None:
    award = _award(world)
    due = dt.date(2026, 4, 30)
    on_time = make_report(
        make_milestone(award, due_on=due),
        submitted_at=dt.datetime(2026, 4, 30, 23, 0, tzinfo=SEOUL),
    )
    late = make_report(
        make_milestone(award, order=2, due_on=due),
        submitted_at=dt.datetime(2026, 5, 1, 0, 30, tzinfo=SEOUL),
    )
    make_milestone(award, order=3, due_on=due)  # not reported: nothing
    for report in (on_time, late):
        milestone_report_approve(report=report, actor=world.operator)
    # another company: an agreement not yet signed, and a terminated award, earn nothing
    make_award(world.other_company, organizer=world.operator_org, state=AwardState.AGREEMENT)
    make_award(world.other_company, organizer=world.operator_org, state=AwardState.TERMINATED)
    assert programme_track_record() == {award.application.company_id: 15.0}
    assert track_records() == {award.application.company_id: 15.0}  # registered provider


def test_a_completed_award_still_counts(world: World) -> None:
    award = _award(world, state=AwardState.COMPLETED)
    assert programme_track_record() == {award.application.company_id: 10.0}


# --- reminders ---------------------------------------------------------------------------------


def _reminders() -> list[tuple[int, str]]:
    return sorted(
        Notification.objects.filter(kind="programs.milestone_due").values_list(
            "recipient_id", "object_id"
        )
    )


@pytest.fixture
def due_and_overdue(world: World) -> tuple[Milestone, Milestone, Milestone]:
    award = _award(world)
    today = timezone.localdate()
    soon = make_milestone(award, due_on=today + dt.timedelta(days=7))
    overdue = make_milestone(award, order=2, due_on=today - dt.timedelta(days=1))
    later = make_milestone(award, order=3, due_on=today + dt.timedelta(days=8))
    return soon, overdue, later


def test_reminders_go_to_the_companys_members_for_due_and_overdue_milestones(
    world: World, due_and_overdue: tuple[Milestone, Milestone, Milestone]
) -> None:
    soon, overdue, _later = due_and_overdue
    summary = milestones_remind()
    assert (summary.due_soon, summary.overdue, summary.notices) == (1, 1, 4)
    assert _reminders() == sorted(
        (user.pk, str(m.pk)) for user in (world.owner, world.teammate) for m in (soon, overdue)
    )


def test_reminders_go_at_most_once_a_day(
    world: World, due_and_overdue: tuple[Milestone, Milestone, Milestone]
) -> None:
    milestones_remind()
    again = milestones_remind()
    assert (again.due_soon, again.overdue, again.notices) == (0, 0, 0)
    assert len(_reminders()) == 4
    next_day = milestones_remind(now=timezone.now() + dt.timedelta(days=1))
    # the next day the two are reminded again, and the third has come within 7 days
    assert (next_day.due_soon, next_day.overdue, next_day.notices) == (2, 1, 6)


def test_no_reminder_for_submitted_or_approved_milestones_or_unsigned_awards(
    world: World,
) -> None:
    today = timezone.localdate()
    award = _award(world)
    make_milestone(award, due_on=today, state=MilestoneState.SUBMITTED)
    make_milestone(award, order=2, due_on=today, state=MilestoneState.APPROVED)
    unsigned = make_award(world.company, organizer=world.operator_org, state=AwardState.AGREEMENT)
    make_milestone(unsigned, due_on=today)
    assert milestones_remind().notices == 0


def test_returned_milestone_is_reminded(world: World) -> None:
    make_milestone(_award(world), due_on=timezone.localdate(), state=MilestoneState.RETURNED)
    assert milestones_remind().notices == 2


def test_remind_command_dry_run_sends_nothing(
    world: World, due_and_overdue: tuple[Milestone, Milestone, Milestone]
) -> None:
    out = StringIO()
    call_command("milestones", "remind", "--dry-run", stdout=out)
    assert out.getvalue().strip() == ("would remind: 1 due within 7 days, 1 overdue; 0 notices")
    assert _reminders() == []
    assert Milestone.objects.filter(reminded_at__isnull=False).count() == 0
    call_command("milestones", "remind", stdout=out)
    assert len(_reminders()) == 4
