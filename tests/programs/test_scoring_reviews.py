"""Reviews: save, submit, reopen (audited), n/a never zero, and reminders without repeats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.audit.models import AuditEvent
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import CallState, ConflictSource, ReviewState
from bitgoeul.programs.models import (
    ApplicationRevision,
    Assignment,
    Conflict,
    Criterion,
    EvaluationStage,
    Review,
)
from bitgoeul.programs.services.reviews import (
    ReviewError,
    review_reminders_send,
    review_reopen,
    review_save,
    review_submit,
)
from tests.conftest import World
from tests.programs.factories import ApplicationFactory, ReviewerFactory
from tests.programs.scoring_setup import assign, call_in_review, scored

pytestmark = pytest.mark.django_db


def setup_assignment() -> tuple[Assignment, list[Criterion], EvaluationStage]:
    call, stage, criteria = call_in_review()
    application = ApplicationFactory.create(call=call)
    assignment = assign(application, ReviewerFactory.create(), stage)
    return assignment, criteria, stage


def test_submit_computes_weighted_total() -> None:
    assignment, _, _ = setup_assignment()
    # 기술성 8/10 × 60 + 사업성 3/5 × 40 = 48 + 24 = 72
    review = scored(assignment, [8, 3])
    assert (review.state, review.total) == (ReviewState.SUBMITTED, pytest.approx(72.0))


def test_na_is_never_counted_as_zero() -> None:
    assignment, _, _ = setup_assignment()
    review = scored(assignment, [8, None])
    assert review.total == pytest.approx(80.0)  # 48 if n/a were 0


def test_all_na_review_has_no_total() -> None:
    assignment, _, _ = setup_assignment()
    review = scored(assignment, [None, None])
    assert (review.state, review.total) == (ReviewState.SUBMITTED, None)


def test_submit_requires_every_criterion_scored_or_na() -> None:
    assignment, criteria, _ = setup_assignment()
    user = assignment.reviewer.user
    with transaction.atomic():
        review = review_save(
            assignment=assignment,
            actor=user,
            scores={criteria[0].pk: Decimal(5)},
        )
    with pytest.raises(ReviewError, match=r"사업성|Business"):
        review_submit(review=review, actor=user)
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT


def test_score_out_of_range_is_refused() -> None:
    assignment, criteria, _ = setup_assignment()
    with pytest.raises(ReviewError):
        review_save(
            assignment=assignment,
            actor=assignment.reviewer.user,
            scores={criteria[1].pk: Decimal(6)},  # max 5
        )
    assert Review.objects.count() == 0


def test_review_records_latest_revision_at_start_and_keeps_it() -> None:
    assignment, _criteria, _ = setup_assignment()
    application = assignment.application
    second = ApplicationRevision.objects.create(application=application, number=2, data={})
    user = assignment.reviewer.user
    review = review_save(assignment=assignment, actor=user, scores={})
    assert review.revision_id == second.pk
    ApplicationRevision.objects.create(application=application, number=3, data={})
    review = review_save(assignment=assignment, actor=user, scores={})
    assert review.revision_id == second.pk


def test_save_and_submit_are_audited_with_scores() -> None:
    assignment, criteria, _ = setup_assignment()
    review = scored(assignment, [8, None])
    events = list(AuditEvent.objects.filter(object_id=str(review.pk)).order_by("pk"))
    assert [e.action for e in events] == ["review.save", "review.submit"]
    assert events[1].before is not None and events[1].before["state"] == "draft"
    assert events[1].after is not None and events[1].after["total"] == pytest.approx(80.0)
    assert events[0].after is not None and events[0].after["scores"] == {
        str(criteria[0].pk): "8.00",
        str(criteria[1].pk): None,
    }


def test_submitted_review_is_locked_until_staff_reopen_it(world: World) -> None:
    assignment, _criteria, _ = setup_assignment()
    review = scored(assignment, [8, 3])
    user = assignment.reviewer.user
    with pytest.raises(ReviewError):
        review_save(assignment=assignment, actor=user, scores={})
    staff = world.operator
    with transaction.atomic():
        reopened = review_reopen(review=review, actor=staff, note="근거를 보완해 주세요")
    assert (reopened.state, reopened.total) == (ReviewState.DRAFT, None)
    assert reopened.submitted_at is None
    assert AuditEvent.objects.filter(action="review.reopen", object_id=str(review.pk)).count() == 1
    assert Notification.objects.filter(recipient=user, kind="programs.review_reopened").count() == 1
    again = scored_again(assignment, user)
    assert again.total == pytest.approx(72.0)


def scored_again(assignment: Assignment, user: User) -> Review:
    review = Review.objects.get(assignment=assignment)
    return review_submit(review=review, actor=user)


def test_reviews_are_closed_once_the_call_is_in_delivery() -> None:
    assignment, _, _ = setup_assignment()
    call = assignment.application.call
    call.state = CallState.DELIVERY
    call.save()
    with pytest.raises(ReviewError):
        review_save(
            assignment=assignment,
            actor=assignment.reviewer.user,
            scores={},
        )


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_due_soon_then_overdue_never_twice_a_day() -> None:
    assignment, _, stage = setup_assignment()
    now = timezone.now()
    stage.review_due_at = now + dt.timedelta(days=1)
    stage.save()
    user = assignment.reviewer.user
    mail.outbox.clear()
    with transaction.atomic():
        assert review_reminders_send(now=now) == 1
    with transaction.atomic():
        assert review_reminders_send(now=now + dt.timedelta(hours=5)) == 0  # within a day
    notices = Notification.objects.filter(recipient=user, kind="programs.review_due")
    assert notices.count() == 1
    assert notices.get().params["overdue"] is False
    # two days later it is overdue: a new reminder
    with transaction.atomic():
        assert review_reminders_send(now=now + dt.timedelta(days=2)) == 1
    assert [n.params["overdue"] for n in notices.order_by("pk")] == [False, True]


def test_reminder_sends_email_without_the_applicant_name(
    django_capture_on_commit_callbacks: Any,
) -> None:
    assignment, _, stage = setup_assignment()
    call = assignment.application.call
    call.blind = True
    call.save()
    stage.review_due_at = timezone.now() - dt.timedelta(hours=1)
    stage.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert review_reminders_send() == 1
    assert len(mail.outbox) == 1
    name = assignment.application.company.organization.name
    message = mail.outbox[0]
    assert name not in str(message.subject) + str(message.body)
    assert f"{assignment.application_id}" in message.subject


def test_no_reminder_when_submitted_too_far_ahead_or_in_conflict() -> None:
    now = timezone.now()
    call, stage, _ = call_in_review()
    stage.review_due_at = now + dt.timedelta(days=1)
    stage.save()
    done = assign(ApplicationFactory.create(call=call), ReviewerFactory.create(), stage)
    scored(done, [5, 5])
    conflicted = assign(ApplicationFactory.create(call=call), ReviewerFactory.create(), stage)
    Conflict.objects.create(
        application=conflicted.application,
        reviewer=conflicted.reviewer,
        source=ConflictSource.DECLARED,
    )
    with transaction.atomic():
        assert review_reminders_send(now=now) == 0
    # far ahead: not yet
    stage.review_due_at = now + dt.timedelta(days=10)
    stage.save()
    open_one = assign(ApplicationFactory.create(call=call), ReviewerFactory.create(), stage)
    with transaction.atomic():
        assert review_reminders_send(now=now) == 0
    with transaction.atomic():
        assert review_reminders_send(now=now + dt.timedelta(days=9)) == 1
    assert Notification.objects.filter(kind="programs.review_due").count() == 1
    assert Notification.objects.get(kind="programs.review_due").object_id == str(open_one.pk)


def test_remind_command_dry_run_then_sends() -> None:
    from io import StringIO

    from django.core.management import call_command

    _, _, stage = setup_assignment()
    stage.review_due_at = timezone.now() - dt.timedelta(hours=2)
    stage.save()
    out = StringIO()
    call_command("programs", "remind", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "1 reviewers would be reminded (dry run)"
    assert Notification.objects.filter(kind="programs.review_due").count() == 0
    call_command("programs", "remind", stdout=out)
    call_command("programs", "remind", stdout=out)
    assert out.getvalue().splitlines()[1:] == ["1 reviewers reminded", "0 reviewers reminded"]
    assert Notification.objects.filter(kind="programs.review_due").count() == 1
