"""After the award: the agreement (협약), milestones with their tranches (단계별 지급), the
company's reports and staff's review of them (검수), and reminders of milestones coming due.

Who may call which service is decided in `access` (company members submit reports, call staff
do the rest); these functions own the states. Each state change locks its row, reads "before"
from it, checks its transition table (`IllegalTransition` otherwise) and writes one audit event.

Agreement flow: call staff record that the agreement was signed (the signed original stays in
the city's document system, where agreements are signed today); recording it moves the award
from AGREEMENT to ACTIVE. One accountable staff member, one audited act: nothing the company
could confirm on its own would be trusted more by the city's auditors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.companies.services.profile import company_metric_add
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.files import check_document
from bitgoeul.programs.models import Award, Milestone, MilestoneReport
from bitgoeul.programs.notification_kinds import (
    milestone_reminder_notify,
    report_reviewed_notify,
    report_submitted_notify,
)

AWARD_TRANSITIONS: dict[AwardState, set[AwardState]] = {
    AwardState.AGREEMENT: {AwardState.ACTIVE, AwardState.TERMINATED},
    AwardState.ACTIVE: {AwardState.COMPLETED, AwardState.TERMINATED},
    AwardState.COMPLETED: set(),
    AwardState.TERMINATED: set(),
}
MILESTONE_TRANSITIONS: dict[MilestoneState, set[MilestoneState]] = {
    MilestoneState.PENDING: {MilestoneState.SUBMITTED},
    MilestoneState.SUBMITTED: {MilestoneState.APPROVED, MilestoneState.RETURNED},
    MilestoneState.RETURNED: {MilestoneState.SUBMITTED},
    MilestoneState.APPROVED: set(),
}
# awards whose milestones staff may still plan
PLANNABLE = {AwardState.AGREEMENT, AwardState.ACTIVE}
REMIND_DAYS_AHEAD = 7
OUTCOME_FIGURES = ("hires", "revenue", "investment", "products")


class IllegalTransition(ValueError):
    """An award or milestone asked to move to a state its current state does not lead to."""

    def __init__(self, what: str, current: str, wanted: str) -> None:
        super().__init__(f"a {current} {what} cannot become {wanted}")
        self.what, self.current, self.wanted = what, current, wanted


def _locked_award(award: Award) -> Award:
    return Award.objects.select_for_update().get(pk=award.pk)


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update().get(pk=milestone.pk)


def _move_award(award: Award, state: AwardState) -> AwardState:
    before = AwardState(award.state)
    if state not in AWARD_TRANSITIONS[before]:
        raise IllegalTransition("award", before.value, state.value)
    award.state = state
    return before


def _move_milestone(milestone: Milestone, state: MilestoneState) -> MilestoneState:
    before = MilestoneState(milestone.state)
    if state not in MILESTONE_TRANSITIONS[before]:
        raise IllegalTransition("milestone", before.value, state.value)
    milestone.state = state
    return before


# --- the agreement -----------------------------------------------------------------------------


@transaction.atomic
def award_agreement_record(*, award: Award, actor: Any) -> Award:
    """Call staff record that the agreement was signed: AGREEMENT → ACTIVE, the signing time
    set, one audit event. Reports may be submitted from then on. Returns the saved award."""
    current = _locked_award(award)
    before = _move_award(current, AwardState.ACTIVE)
    current.agreement_signed_at = timezone.now()
    current.save(update_fields=["state", "agreement_signed_at"])
    audit_record(
        actor=actor,
        action="award.agreement",
        obj=current,
        before={"state": before.value},
        after={"state": current.state, "signed_at": current.agreement_signed_at},
    )
    return current


@transaction.atomic
def award_terminate(*, award: Award, actor: Any, note: str) -> Award:
    """Call staff end an award early (with the reason); nothing more is released."""
    current = _locked_award(award)
    before = _move_award(current, AwardState.TERMINATED)
    current.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="award.terminate",
        obj=current,
        before={"state": before.value},
        after={"state": current.state, "note": note},
    )
    return current


# --- milestones --------------------------------------------------------------------------------


def _check_tranches(award: Award, tranche: int, *, without: int | None = None) -> None:
    """The tranches of an award sum to at most its amount (the award row is locked)."""
    if tranche <= 0:
        raise ValidationError(_("A tranche must be more than 0 won."), code="tranche")
    others = Milestone.objects.filter(award=award)
    if without is not None:
        others = others.exclude(pk=without)
    planned = others.aggregate(total=Sum("tranche"))["total"] or 0
    if planned + tranche > award.amount:
        raise ValidationError(
            _(
                "The tranches would add up to %(total)s won, more than the award of "
                "%(amount)s won. At most %(left)s won is left to plan."
            )
            % {
                "total": f"{planned + tranche:,}",
                "amount": f"{award.amount:,}",
                "left": f"{max(award.amount - planned, 0):,}",
            },
            code="tranches_exceed_award",
        )


def _plannable(award: Award) -> None:
    if award.state not in PLANNABLE:
        raise ValidationError(
            _("The milestones of a completed or terminated award cannot change."), code="closed"
        )


def _milestone_values(milestone: Milestone) -> dict[str, Any]:
    return {
        "order": milestone.order,
        "deliverable": milestone.deliverable,
        "due_on": milestone.due_on,
        "tranche": milestone.tranche,
    }


@transaction.atomic
def milestone_create(
    *, award: Award, actor: Any, deliverable: str, due_on: dt.date, tranche: int
) -> Milestone:
    """Add a milestone at the end of the award's plan. The award row is locked so that two
    staff adding milestones at once cannot together plan more than the award's amount
    (`ValidationError` "tranches_exceed_award" names what is left)."""
    current = _locked_award(award)
    _plannable(current)
    _check_tranches(current, tranche)
    last = Milestone.objects.filter(award=current).order_by("-order").first()
    milestone = Milestone.objects.create(
        award=current,
        order=(last.order + 1) if last else 1,
        deliverable=deliverable,
        due_on=due_on,
        tranche=tranche,
    )
    audit_record(
        actor=actor, action="milestone.create", obj=milestone, after=_milestone_values(milestone)
    )
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, actor: Any, deliverable: str, due_on: dt.date, tranche: int
) -> Milestone:
    """Change a milestone that is not approved yet (an approved milestone is locked: its
    tranche was released). The audit event lists the fields that changed."""
    award = _locked_award(milestone.award)
    current = _locked_milestone(milestone)
    _plannable(award)
    if current.state == MilestoneState.APPROVED:
        raise ValidationError(_("An approved milestone cannot change."), code="approved")
    _check_tranches(award, tranche, without=current.pk)
    before = _milestone_values(current)
    current.deliverable, current.due_on, current.tranche = deliverable, due_on, tranche
    if current.due_on != before["due_on"]:
        current.reminded_at = None  # a new due date earns its own reminders
    current.save(update_fields=["deliverable", "due_on", "tranche", "reminded_at"])
    after = _milestone_values(current)
    changed = [key for key in after if before[key] != after[key]]
    audit_record(
        actor=actor,
        action="milestone.update",
        obj=current,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return current


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor: Any) -> None:
    """Delete a milestone no report was submitted for."""
    award = _locked_award(milestone.award)
    current = _locked_milestone(milestone)
    _plannable(award)
    if current.state != MilestoneState.PENDING or current.reports.exists():
        raise ValidationError(_("A milestone with a report cannot be deleted."), code="has_reports")
    audit_record(
        actor=actor, action="milestone.delete", obj=current, before=_milestone_values(current)
    )
    current.delete()


# --- reports and their review (검수) ------------------------------------------------------------


@dataclass(frozen=True)
class Outcomes:
    """The outcome figures a report gives (None: not reported)."""

    hires: int | None = None
    revenue: int | None = None
    investment: int | None = None
    products: int | None = None


def _check_outcomes(outcomes: Outcomes) -> None:
    for name in OUTCOME_FIGURES:
        value = getattr(outcomes, name)
        if value is not None and value < 0:
            raise ValidationError(
                _("Outcome figures cannot be negative."), code="negative", params={"field": name}
            )


@transaction.atomic
def milestone_report_submit(
    *,
    milestone: Milestone,
    actor: Any,
    file: IO[bytes],
    file_name: str,
    size: int,
    note: str,
    outcomes: Outcomes,
) -> MilestoneReport:
    """A company member submits a report for a pending or returned milestone of an active
    award: the file is checked by its content (`files.check_document`, ValidationError
    otherwise), the milestone becomes SUBMITTED, the call's staff are told."""
    check_document(file, file_name, size)
    _check_outcomes(outcomes)
    # only the award's row is locked (PostgreSQL would lock the joined call's too)
    award = (
        Award.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=milestone.award_id)
    )
    if award.state != AwardState.ACTIVE:
        raise ValidationError(
            _("Reports can be submitted once the agreement is signed, until the award ends."),
            code="award_not_active",
        )
    current = _locked_milestone(milestone)
    before = _move_milestone(current, MilestoneState.SUBMITTED)
    current.save(update_fields=["state"])
    report = MilestoneReport(
        milestone=current,
        file_name=file_name,
        note=note,
        submitted_by=actor,
        **{name: getattr(outcomes, name) for name in OUTCOME_FIGURES},
    )
    report.file.save(file_name, File(file, name=file_name), save=False)
    report.save()
    audit_record(
        actor=actor,
        action="milestone.report_submit",
        obj=current,
        before={"state": before.value},
        after={
            "state": current.state,
            "report": report.pk,
            **{name: getattr(outcomes, name) for name in OUTCOME_FIGURES},
        },
    )
    report_submitted_notify(report=report, call=award.application.call, actor=actor)
    return report


def _latest_report(milestone: Milestone) -> MilestoneReport:
    report = (
        MilestoneReport.objects.select_for_update()
        .filter(milestone=milestone)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if report is None or report.approved is not None:
        raise IllegalTransition("milestone", milestone.state, "reviewed")
    return report


@transaction.atomic
def milestone_report_return(
    *, report: MilestoneReport, actor: Any, comments: str
) -> MilestoneReport:
    """Call staff return the milestone's latest report with comments (required): the
    milestone becomes RETURNED and the company's members are told; they submit again."""
    if not comments.strip():
        raise ValidationError(_("Say what the company should change."), code="comments")
    current = _locked_milestone(report.milestone)
    before = _move_milestone(current, MilestoneState.RETURNED)
    latest = _latest_report(current)
    if latest.pk != report.pk:
        raise IllegalTransition("milestone", before.value, "reviewed")
    current.save(update_fields=["state"])
    latest.approved, latest.review_note = False, comments
    latest.reviewed_by, latest.reviewed_at = actor, timezone.now()
    latest.save(update_fields=["approved", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action="milestone.report_return",
        obj=current,
        before={"state": before.value},
        after={"state": current.state, "report": latest.pk, "note": comments},
    )
    report_reviewed_notify(report=latest, actor=actor)
    return latest


@transaction.atomic
def milestone_report_approve(
    *, report: MilestoneReport, actor: Any, comments: str = ""
) -> MilestoneReport:
    """Call staff approve the milestone's latest report. Side effects, all in one transaction:
    the milestone becomes APPROVED and is locked, its tranche is released (`released_at`);
    the report's hires, revenue and investment are added to the company's figures of the year
    the report was submitted (`companies.services.profile.company_metric_add`); when every
    milestone of the award is approved the award becomes COMPLETED; the company's members
    are told. Audited (milestone, and award when it completes)."""
    award = _locked_award(report.milestone.award)
    current = _locked_milestone(report.milestone)
    before = _move_milestone(current, MilestoneState.APPROVED)
    latest = _latest_report(current)
    if latest.pk != report.pk:
        raise IllegalTransition("milestone", before.value, "reviewed")
    now = timezone.now()
    current.released_at = now
    current.save(update_fields=["state", "released_at"])
    latest.approved, latest.review_note = True, comments
    latest.reviewed_by, latest.reviewed_at = actor, now
    latest.save(update_fields=["approved", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action="milestone.report_approve",
        obj=current,
        before={"state": before.value},
        after={
            "state": current.state,
            "report": latest.pk,
            "tranche": current.tranche,
            "released_at": now,
            "note": comments,
        },
    )
    _outcomes_to_company(award, latest, actor)
    pending = Milestone.objects.filter(award=award).exclude(state=MilestoneState.APPROVED)
    if award.state == AwardState.ACTIVE and not pending.exists():
        award_before = _move_award(award, AwardState.COMPLETED)
        award.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="award.complete",
            obj=award,
            before={"state": award_before.value},
            after={"state": award.state},
        )
    report_reviewed_notify(report=latest, actor=actor)
    return latest


def _outcomes_to_company(award: Award, report: MilestoneReport, actor: Any) -> None:
    """The report's figures, added to the company's record through the companies service."""
    if not any((report.hires, report.revenue, report.investment)):
        return
    company = Company.objects.get(pk=award.application.company_id)
    company_metric_add(
        company=company,
        actor=actor,
        year=timezone.localtime(report.submitted_at).year,
        employees=report.hires or 0,
        revenue=report.revenue or 0,
        investment=report.investment or 0,
        source=f"programs.milestonereport:{report.pk}",
    )


# --- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSummary:
    due_soon: int
    overdue: int
    notices: int


def milestones_to_remind(today: dt.date) -> list[Milestone]:
    """Milestones of active awards that still need a report (pending or returned) and are
    due within `REMIND_DAYS_AHEAD` days or overdue, not reminded since the start of today."""
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return list(
        Milestone.objects.filter(
            award__state=AwardState.ACTIVE,
            state__in=[MilestoneState.PENDING, MilestoneState.RETURNED],
            due_on__lte=today + dt.timedelta(days=REMIND_DAYS_AHEAD),
        )
        .exclude(reminded_at__gte=start_of_today)
        .select_related("award__application__company__organization", "award__application__call")
        .order_by("due_on", "pk")
    )


def milestones_remind(
    *, actor: Any = None, dry_run: bool = False, now: dt.datetime | None = None
) -> ReminderSummary:
    """Tell the company's members of each milestone due within 7 days or overdue, at most
    once a calendar day (Asia/Seoul) per milestone (`reminded_at`). Each milestone is handled
    in its own transaction, so a run that stops half-way leaves the reminded ones marked."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_soon = overdue = notices = 0
    for milestone in milestones_to_remind(today):
        late = milestone.due_on < today
        overdue += late
        due_soon += not late
        if dry_run:
            continue
        with transaction.atomic():
            current = _locked_milestone(milestone)
            start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
            if current.reminded_at is not None and current.reminded_at >= start_of_today:
                continue  # another run reminded it meanwhile
            current.reminded_at = now
            current.save(update_fields=["reminded_at"])
            notices += milestone_reminder_notify(milestone=milestone, today=today, actor=actor)
    return ReminderSummary(due_soon=due_soon, overdue=overdue, notices=notices)
