"""The awards area's services: agreement, milestones and tranches, reports and 검수."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from bitgoeul.audit.models import AuditEvent
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, Milestone, MilestoneReport
from bitgoeul.programs.services.awards import (
    IllegalTransition,
    Outcomes,
    award_agreement_record,
    award_terminate,
    milestone_create,
    milestone_delete,
    milestone_report_approve,
    milestone_report_return,
    milestone_report_submit,
    milestone_update,
)
from tests.conftest import World
from tests.programs.award_factories import PDF, make_award, make_milestone, make_report


def _award(world: World, **kwargs: object) -> Award:
    return make_award(world.company, organizer=world.operator_org, **kwargs)  # type: ignore[arg-type]


def _submit(milestone: Milestone, world: World, **outcomes: int) -> MilestoneReport:
    return milestone_report_submit(
        milestone=milestone,
        actor=world.owner,
        file=io.BytesIO(PDF),
        file_name="결과보고서.pdf",
        size=len(PDF),
        note="실증을 마쳤습니다.",
        outcomes=Outcomes(**outcomes),
    )


def _events(action: str) -> list[tuple[dict | None, dict | None]]:
    return [(e.before, e.after) for e in AuditEvent.objects.filter(action=action).order_by("pk")]


# --- agreement ---------------------------------------------------------------------------------


def test_agreement_recorded_makes_the_award_active_and_is_audited(world: World) -> None:
    award = _award(world, state=AwardState.AGREEMENT)
    award_agreement_record(award=award, actor=world.operator)
    award.refresh_from_db()
    assert award.state == AwardState.ACTIVE
    assert award.agreement_signed_at is not None
    [(before, after)] = _events("award.agreement")
    assert after is not None
    assert (before, after["state"]) == ({"state": "agreement"}, "active")


def test_agreement_recorded_twice_is_an_illegal_transition(world: World) -> None:
    award = _award(world, state=AwardState.AGREEMENT)
    award_agreement_record(award=award, actor=world.operator)
    with pytest.raises(IllegalTransition):
        award_agreement_record(award=award, actor=world.operator)  # stale instance: row re-read
    assert AuditEvent.objects.filter(action="award.agreement").count() == 1


def test_terminated_award_takes_no_more_milestones(world: World) -> None:
    award = _award(world)
    award_terminate(award=award, actor=world.operator, note="협약 위반")
    with pytest.raises(ValidationError) as error:
        milestone_create(
            award=award,
            actor=world.operator,
            deliverable="최종 보고",
            due_on=dt.date(2027, 1, 1),
            tranche=1,
        )
    assert error.value.code == "closed"


# --- milestones and tranches -------------------------------------------------------------------


def test_milestones_are_numbered_in_order_and_audited(world: World) -> None:
    award = _award(world)
    for tranche in (30_000_000, 40_000_000):
        milestone_create(
            award=award,
            actor=world.operator,
            deliverable="보고",
            due_on=dt.date(2027, 1, 1),
            tranche=tranche,
        )
    assert list(award.milestones.values_list("order", "tranche")) == [
        (1, 30_000_000),
        (2, 40_000_000),
    ]
    assert len(_events("milestone.create")) == 2


def test_tranches_may_add_up_to_exactly_the_award(world: World) -> None:
    award = _award(world, amount=100_000_000)
    make_milestone(award, tranche=60_000_000)
    milestone_create(
        award=award,
        actor=world.operator,
        deliverable="최종",
        due_on=dt.date(2027, 1, 1),
        tranche=40_000_000,
    )
    assert award.milestones.count() == 2


def test_tranches_over_the_award_are_refused_with_what_is_left(world: World) -> None:
    award = _award(world, amount=100_000_000)
    make_milestone(award, tranche=60_000_000)
    with pytest.raises(ValidationError) as error:
        milestone_create(
            award=award,
            actor=world.operator,
            deliverable="최종",
            due_on=dt.date(2027, 1, 1),
            tranche=40_000_001,
        )
    assert error.value.code == "tranches_exceed_award"
    assert "40,000,000" in error.value.messages[0]  # what is left to plan
    assert award.milestones.count() == 1


def test_milestone_update_checks_tranches_without_counting_itself(world: World) -> None:
    award = _award(world, amount=100_000_000)
    first = make_milestone(award, tranche=60_000_000)
    make_milestone(award, order=2, tranche=40_000_000)
    milestone_update(
        milestone=first,
        actor=world.operator,
        deliverable="착수 보고",
        due_on=first.due_on,
        tranche=60_000_000,
    )
    with pytest.raises(ValidationError):
        milestone_update(
            milestone=first,
            actor=world.operator,
            deliverable="착수 보고",
            due_on=first.due_on,
            tranche=60_000_001,
        )
    [(before, after)] = _events("milestone.update")
    assert (before, after) == ({"deliverable": "1차 실증 결과 보고"}, {"deliverable": "착수 보고"})


def test_approved_milestone_cannot_change_or_be_deleted(world: World) -> None:
    award = _award(world)
    milestone = make_milestone(award, state=MilestoneState.APPROVED)
    with pytest.raises(ValidationError):
        milestone_update(
            milestone=milestone,
            actor=world.operator,
            deliverable="바꿈",
            due_on=milestone.due_on,
            tranche=1,
        )
    with pytest.raises(ValidationError):
        milestone_delete(milestone=milestone, actor=world.operator)
    assert Milestone.objects.get(pk=milestone.pk).deliverable == "1차 실증 결과 보고"


def test_pending_milestone_is_deleted_with_an_audit_event(world: World) -> None:
    milestone = make_milestone(_award(world))
    milestone_delete(milestone=milestone, actor=world.operator)
    assert Milestone.objects.filter(pk=milestone.pk).count() == 0
    [(before, _)] = _events("milestone.delete")
    assert before is not None and before["tranche"] == 30_000_000


# --- reports and 검수 ---------------------------------------------------------------------------


def test_report_submitted_marks_the_milestone_and_tells_the_call_staff(world: World) -> None:
    milestone = make_milestone(_award(world))
    report = _submit(milestone, world, hires=2)
    milestone.refresh_from_db()
    assert (milestone.state, report.hires, report.submitted_by) == (
        MilestoneState.SUBMITTED,
        2,
        world.owner,
    )
    assert list(
        Notification.objects.filter(kind="programs.report_submitted").values_list(
            "recipient_id", flat=True
        )
    ) == [world.operator.pk]


def test_report_file_is_checked_by_content(world: World) -> None:
    milestone = make_milestone(_award(world))
    with pytest.raises(ValidationError) as error:
        milestone_report_submit(
            milestone=milestone,
            actor=world.owner,
            file=io.BytesIO(b"MZ not a pdf"),
            file_name="보고서.pdf",
            size=12,
            note="",
            outcomes=Outcomes(),
        )
    assert error.value.code == "content"
    assert MilestoneReport.objects.count() == 0


def test_report_before_the_agreement_is_refused(world: World) -> None:
    milestone = make_milestone(_award(world, state=AwardState.AGREEMENT))
    with pytest.raises(ValidationError) as error:
        _submit(milestone, world)
    assert error.value.code == "award_not_active"


def test_second_report_while_one_awaits_review_is_refused(world: World) -> None:
    milestone = make_milestone(_award(world))
    _submit(milestone, world)
    with pytest.raises(IllegalTransition):
        _submit(milestone, world)
    assert MilestoneReport.objects.count() == 1


def test_tranche_is_released_on_approval_only(world: World) -> None:
    milestone = make_milestone(_award(world))
    report = _submit(milestone, world)
    milestone.refresh_from_db()
    assert milestone.released_at is None  # submitting releases nothing
    milestone_report_return(report=report, actor=world.operator, comments="증빙 보완")
    milestone.refresh_from_db()
    assert (milestone.state, milestone.released_at) == (MilestoneState.RETURNED, None)
    again = _submit(milestone, world)
    milestone_report_approve(report=again, actor=world.operator)
    milestone.refresh_from_db()
    assert milestone.state == MilestoneState.APPROVED
    assert milestone.released_at is not None
    [(before, after)] = _events("milestone.report_approve")
    assert after is not None
    assert (before, after["tranche"], after["report"]) == (
        {"state": "submitted"},
        30_000_000,
        again.pk,
    )


def test_returned_report_keeps_the_comments_and_the_company_is_told(world: World) -> None:
    milestone = make_milestone(_award(world))
    report = _submit(milestone, world)
    milestone_report_return(report=report, actor=world.operator, comments="증빙 보완 바랍니다")
    report.refresh_from_db()
    assert (report.approved, report.review_note, report.reviewed_by) == (
        False,
        "증빙 보완 바랍니다",
        world.operator,
    )
    notices = Notification.objects.filter(kind="programs.report_returned")
    assert sorted(notices.values_list("recipient_id", flat=True)) == sorted(
        [world.owner.pk, world.teammate.pk]
    )


def test_return_needs_comments(world: World) -> None:
    report = make_report(make_milestone(_award(world)))
    with pytest.raises(ValidationError):
        milestone_report_return(report=report, actor=world.operator, comments="  ")
    assert Milestone.objects.get().state == MilestoneState.SUBMITTED


def test_an_older_report_cannot_be_reviewed(world: World) -> None:
    milestone = make_milestone(_award(world))
    first = _submit(milestone, world)
    milestone_report_return(report=first, actor=world.operator, comments="보완")
    _submit(milestone, world)
    with pytest.raises(IllegalTransition):
        milestone_report_approve(report=first, actor=world.operator)
    assert Milestone.objects.get().released_at is None


def test_approved_milestone_is_locked_against_a_second_review(world: World) -> None:
    report = make_report(make_milestone(_award(world)))
    milestone_report_approve(report=report, actor=world.operator)
    with pytest.raises(IllegalTransition):
        milestone_report_return(report=report, actor=world.operator, comments="다시")
    with pytest.raises(IllegalTransition):
        milestone_report_approve(report=report, actor=world.operator)
    assert AuditEvent.objects.filter(action="milestone.report_approve").count() == 1


def test_award_completes_when_every_milestone_is_approved(world: World) -> None:
    award = _award(world)
    first = make_report(make_milestone(award))
    second = make_report(make_milestone(award, order=2))
    milestone_report_approve(report=first, actor=world.operator)
    award.refresh_from_db()
    assert award.state == AwardState.ACTIVE
    milestone_report_approve(report=second, actor=world.operator)
    award.refresh_from_db()
    assert award.state == AwardState.COMPLETED
    assert _events("award.complete") == [({"state": "active"}, {"state": "completed"})]
    notices = Notification.objects.filter(kind="programs.report_approved")
    assert notices.count() == 4  # owner and teammate, twice
