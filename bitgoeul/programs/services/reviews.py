"""Writes of reviews: a reviewer saves a draft and submits it, staff reopen a submitted review,
and reminders go to reviewers whose reviews are due soon or overdue.

A review reads the application's latest submitted revision at the time it starts (its first
save); `Review.revision` records which. Scores are per criterion of the assignment's stage; a
score `None` is "n/a" and never counts as zero (`scoring.review_total`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.notifications.services import notify
from bitgoeul.programs.enums import ApplicationState, CallState, ReviewState
from bitgoeul.programs.models import (
    ApplicationRevision,
    Assignment,
    Conflict,
    Criterion,
    Review,
    Score,
)
from bitgoeul.programs.notification_kinds import REVIEW_DUE, REVIEW_REOPENED
from bitgoeul.programs.scoring import CriterionScore, review_total

# Reviews can no longer change once the call has gone past selection.
CLOSED_CALL_STATES = {CallState.DELIVERY, CallState.CLOSED}
# The reminder before the due date goes this many days ahead; the same reminder is not sent
# again within `REMINDER_GAP`.
REMIND_DAYS_BEFORE = 2
REMINDER_GAP = dt.timedelta(days=1)


class ReviewError(Exception):
    """A review that cannot be saved or submitted as asked; the message is for people."""


# Scores by criterion id: a Decimal, or None for "n/a"; a criterion left out is not scored yet.
Scores = Mapping[int, Decimal | None]


def _criteria(assignment: Assignment) -> list[Criterion]:
    return list(Criterion.objects.filter(stage_id=assignment.stage_id).order_by("order", "pk"))


def _check_scores(criteria: list[Criterion], scores: Scores) -> None:
    known = {c.pk: c for c in criteria}
    for criterion_id, value in scores.items():
        criterion = known.get(criterion_id)
        if criterion is None:
            raise ReviewError(_("A score was given for a criterion of another stage."))
        if value is not None and not 0 <= value <= criterion.max_score:
            raise ReviewError(
                _("The score for %(criterion)s must be between 0 and %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_score}
            )


def _snapshot(review: Review) -> dict[str, Any]:
    return {
        "state": review.state,
        "total": review.total,
        "revision": review.revision.number if review.revision_id else None,
        "scores": {
            str(s.criterion_id): (None if s.value is None else str(s.value))
            for s in review.scores.order_by("criterion_id")
        },
    }


def _locked_review(assignment: Assignment) -> Review | None:
    return (
        Review.objects.select_for_update()
        .select_related("revision")
        .filter(assignment=assignment)
        .first()
    )


@transaction.atomic
def review_save(
    *,
    assignment: Assignment,
    actor: Any,
    scores: Scores,
    comment_to_staff: str = "",
    comment_to_applicant: str = "",
    revision: ApplicationRevision | None = None,
) -> Review:
    """Save the reviewer's draft. The first save starts the review on `revision` (default: the
    application's latest submitted revision). Raises `ReviewError` when the review is submitted
    (staff must reopen it), the call is past selection, or a score is out of range.
    Audited as `review.save` with the scores before and after."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    application = assignment.application
    if not assignment.active:
        raise ReviewError(_("This assignment was withdrawn."))
    if application.call.state in CLOSED_CALL_STATES:
        raise ReviewError(_("Reviews of this call are closed."))
    criteria = _criteria(assignment)
    _check_scores(criteria, scores)
    review = _locked_review(assignment)
    before = None if review is None else _snapshot(review)
    if review is not None and review.state == ReviewState.SUBMITTED:
        raise ReviewError(_("This review was submitted; staff must reopen it before changes."))
    if review is None:
        if revision is None or revision.application_id != application.pk:
            revision = application.revisions.order_by("-number").first()
        if revision is None:
            raise ReviewError(_("The application has no submitted version to review."))
        review = Review.objects.create(assignment=assignment, revision=revision)
    review.comment_to_staff = comment_to_staff
    review.comment_to_applicant = comment_to_applicant
    review.updated_at = timezone.now()
    review.save(update_fields=["comment_to_staff", "comment_to_applicant", "updated_at"])
    review.scores.exclude(criterion_id__in=list(scores)).delete()
    existing = {s.criterion_id: s for s in review.scores.all()}
    for criterion_id, value in scores.items():
        row = existing.get(criterion_id)
        if row is None:
            Score.objects.create(review=review, criterion_id=criterion_id, value=value)
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value"])
    audit_record(
        actor=actor, action="review.save", obj=review, before=before, after=_snapshot(review)
    )
    return review


@transaction.atomic
def review_submit(*, review: Review, actor: Any) -> Review:
    """Submit a saved draft: every criterion of the stage must be scored or n/a. Sets `total`
    (weighted, out of 100, over the criteria that are not n/a; None when all are n/a) and
    `submitted_at`; audited as `review.submit`. Raises `ReviewError` otherwise."""
    review = Review.objects.select_for_update().select_related("revision").get(pk=review.pk)
    assignment = Assignment.objects.select_related("application__call").get(pk=review.assignment_id)
    if assignment.application.call.state in CLOSED_CALL_STATES:
        raise ReviewError(_("Reviews of this call are closed."))
    if review.state == ReviewState.SUBMITTED:
        raise ReviewError(_("This review was already submitted."))
    before = _snapshot(review)
    criteria = _criteria(assignment)
    given = {s.criterion_id: s.value for s in review.scores.all()}
    missing = [c.name for c in criteria if c.pk not in given]
    if missing:
        raise ReviewError(
            _("Score every criterion or mark it n/a: %(criteria)s")
            % {"criteria": ", ".join(missing)}
        )
    review.total = review_total(
        CriterionScore(given[c.pk], c.max_score, c.weight) for c in criteria
    )
    review.state = ReviewState.SUBMITTED
    review.submitted_at = review.updated_at = timezone.now()
    review.save(update_fields=["total", "state", "submitted_at", "updated_at"])
    audit_record(
        actor=actor, action="review.submit", obj=review, before=before, after=_snapshot(review)
    )
    return review


@transaction.atomic
def review_reopen(*, review: Review, actor: Any, note: str = "") -> Review:
    """Staff send a submitted review back to its reviewer as a draft (its scores kept, its
    total cleared until it is submitted again); the reviewer is notified. Audited as
    `review.reopen` with the note."""
    review = Review.objects.select_for_update().select_related("revision").get(pk=review.pk)
    if review.state != ReviewState.SUBMITTED:
        raise ReviewError(_("Only a submitted review can be reopened."))
    assignment = Assignment.objects.select_related("application__call", "reviewer__user").get(
        pk=review.assignment_id
    )
    if assignment.application.call.state in CLOSED_CALL_STATES:
        raise ReviewError(_("Reviews of this call are closed."))
    before = _snapshot(review)
    review.state = ReviewState.DRAFT
    review.total = None
    review.submitted_at = None
    review.updated_at = timezone.now()
    review.save(update_fields=["state", "total", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="review.reopen",
        obj=review,
        before=before,
        after={**_snapshot(review), "note": note},
    )
    notify(
        recipients=[assignment.reviewer.user],
        kind=REVIEW_REOPENED,
        obj=assignment,
        params={"note": note},
        actor=actor,
    )
    return review


def reminders_due(*, now: dt.datetime | None = None, days_before: int = REMIND_DAYS_BEFORE) -> Q:
    """Active assignments whose review is not submitted, whose stage is due within
    `days_before` days or overdue, on a call still in review, not reminded in the last day."""
    moment = now or timezone.now()
    submitted = Review.objects.filter(assignment=OuterRef("pk"), state=ReviewState.SUBMITTED)
    conflicted = Conflict.objects.filter(
        application=OuterRef("application"), reviewer=OuterRef("reviewer")
    )
    return (
        Q(active=True, stage__review_due_at__isnull=False)
        & Q(stage__review_due_at__lte=moment + dt.timedelta(days=days_before))
        & ~Q(application__state=ApplicationState.DRAFT)
        & ~Q(application__call__state__in=CLOSED_CALL_STATES)
        & ~Q(Exists(submitted))
        & ~Q(Exists(conflicted))
        & (Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lte=moment - REMINDER_GAP))
    )


@transaction.atomic
def review_reminders_send(
    *, actor: Any = None, now: dt.datetime | None = None, days_before: int = REMIND_DAYS_BEFORE
) -> int:
    """Remind each reviewer (in-app and e-mail, through notifications) of every unsubmitted
    review due within `days_before` days ("due soon") or past its due time ("overdue"). The same
    assignment is reminded at most once within a day, so cron may run this hourly. Returns the
    number of assignments reminded. No audit event: a reminder changes no state people decide."""
    moment = now or timezone.now()
    rows = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(reminders_due(now=moment, days_before=days_before))
        .select_related("stage", "reviewer__user", "application__call")
        .order_by("pk")
    )
    for assignment in rows:
        due = assignment.stage.review_due_at
        assert due is not None  # filtered above
        notify(
            recipients=[assignment.reviewer.user],
            kind=REVIEW_DUE,
            obj=assignment,
            params={"overdue": due <= moment, "due": due.isoformat()},
            actor=actor,
        )
    Assignment.objects.filter(pk__in=[a.pk for a in rows]).update(review_reminded_at=moment)
    return len(rows)
