"""Reads of the programs app that pages, the API and other areas share (one section per area)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.programs import access
from bitgoeul.programs.access import applications_at_least
from bitgoeul.programs.diffs import FieldDiff, answers_diff
from bitgoeul.programs.enums import (
    ApplicationState,
    AwardState,
    CallState,
    MilestoneState,
    ReviewState,
    RunState,
)
from bitgoeul.programs.models import (
    Application,
    ApplicationFile,
    ApplicationRevision,
    Assignment,
    AssignmentRun,
    Award,
    Call,
    Conflict,
    EvaluationStage,
    Milestone,
    MilestoneReport,
    Review,
    Reviewer,
)
from bitgoeul.programs.scoring import Aggregate, Rated, aggregate

# --- calls -------------------------------------------------------------------------------------

SEOUL = ZoneInfo("Asia/Seoul")
CLOSING_SOON_DAYS = 7  # "closing soon" on the notice board: closes within a week


class BoardState:
    """The notice board's state filter."""

    UPCOMING = "upcoming"  # published, not open yet
    OPEN = "open"
    CLOSING_SOON = "closing_soon"
    CLOSED = "closed"  # past the closing time, or the call has moved on to review and later

    VALUES = (UPCOMING, OPEN, CLOSING_SOON, CLOSED)


def board_state_choices() -> list[tuple[str, str]]:
    return [
        (BoardState.OPEN, _("Open")),
        (BoardState.CLOSING_SOON, _("Closing soon")),
        (BoardState.UPCOMING, _("Opening soon")),
        (BoardState.CLOSED, _("Closed")),
    ]


def published_calls() -> QuerySet[Call]:
    """Every call that is not a draft (the notice board, the feed, the public API)."""
    return Call.objects.exclude(state=CallState.DRAFT)


def _state_filter(state: str, now: dt.datetime) -> Q:
    accepting = Q(state=CallState.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    if state == BoardState.OPEN:
        return accepting
    if state == BoardState.CLOSING_SOON:
        return accepting & Q(closes_at__lte=now + dt.timedelta(days=CLOSING_SOON_DAYS))
    if state == BoardState.UPCOMING:
        return Q(state=CallState.PUBLISHED, opens_at__gt=now)
    if state == BoardState.CLOSED:
        return ~Q(state=CallState.PUBLISHED) | Q(closes_at__lte=now)
    raise ValueError(f"unknown board state {state!r}")


def call_board(
    *,
    text: str = "",
    state: str = "",
    organizer: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Call]:
    """Published calls matching the search, newest first. The search is a plain "contains" on
    the title (Korean and English) and the body, every word of the query required: calls are
    few (hundreds), so a Kiwi index would cost more than it saves, and a Korean word is found
    inside longer words (실증 in 실증사업)."""
    now = now or timezone.now()
    calls = published_calls().select_related("organizer")
    for word in text.split()[:10]:
        calls = calls.filter(
            Q(title__icontains=word) | Q(title_en__icontains=word) | Q(body__icontains=word)
        )
    if state:
        calls = calls.filter(_state_filter(state, now))
    if organizer is not None:
        co_organised = Call.co_organizers.through.objects.filter(organization_id=organizer).values(
            "call_id"
        )
        calls = calls.filter(Q(organizer_id=organizer) | Q(pk__in=co_organised))
    return calls.order_by("-published_at", "-pk")


def board_organizers() -> QuerySet[Organization]:
    """Organisations that organise or co-organise a published call (the organiser filter)."""
    calls = published_calls()
    return Organization.objects.filter(
        Q(pk__in=calls.values("organizer_id"))
        | Q(
            pk__in=Call.co_organizers.through.objects.filter(call__in=calls).values(
                "organization_id"
            )
        )
    ).order_by("name")


@dataclass(frozen=True)
class Deadline:
    """The D-day badge of a call: its words and its tone (a KRDS badge class)."""

    label: str
    tone: str  # "" (open), "warning" (a week or less), "muted" (closed or not open yet)


def call_deadline(call: Call, now: dt.datetime | None = None) -> Deadline:
    """ "D-3", "Closes today" (오늘 마감) or "Closed" (마감), counted in calendar days in
    Asia/Seoul: a call that closes at 18:00 tomorrow is D-1 all of today."""
    now = now or timezone.now()
    if call.state != CallState.PUBLISHED or now >= call.closes_at:
        return Deadline(_("Closed"), "muted")
    if now < call.opens_at:
        return Deadline(_("Opening soon"), "muted")
    days = (call.closes_at.astimezone(SEOUL).date() - now.astimezone(SEOUL).date()).days
    if days == 0:
        return Deadline(_("Closes today"), "danger")
    return Deadline(f"D-{days}", "warning" if days <= CLOSING_SOON_DAYS else "")


def calls_for_staff(user: Viewer) -> QuerySet[Call]:
    """The calls the user staffs, each with `submitted` (applications past the draft) and
    `drafts` counted in the same query; newest first."""
    staffed = Call.objects.filter(access.calls_staffed_by(user)).values("pk")
    return (
        Call.objects.filter(pk__in=staffed)
        .select_related("organizer")
        .annotate(
            submitted=Count("applications", filter=~Q(applications__state=ApplicationState.DRAFT)),
            drafts=Count("applications", filter=Q(applications__state=ApplicationState.DRAFT)),
        )
        .order_by("-created_at", "-pk")
    )


def call_detail_parts(call: Call) -> dict[str, Any]:
    """What the call's page shows besides the call: stages with criteria, rules, attachments,
    co-organisers (four queries whatever their number)."""
    return {
        "stages": list(call.stages.prefetch_related("criteria")),
        "rules": list(call.eligibility_rules.all()),
        "attachments": list(call.attachments.all()),
        "co_organizers": list(call.co_organizers.order_by("name")),
    }


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


# --- apps (applications) -------------------------------------------------------------------------


def my_applications(user: Viewer) -> QuerySet[Application]:
    """The applications of the user's companies (drafts included), latest first."""
    return (
        Application.objects.filter(company_id__in=access.applicant_company_ids(user))
        .select_related("call", "company__organization")
        .order_by("-updated_at", "-pk")
    )


# sort code → ordering of the staff list (the last key keeps pages stable)
LIST_SORTS: dict[str, tuple[str, ...]] = {
    "-submitted": ("-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "amount": ("requested_amount", "pk"),
    "-amount": ("-requested_amount", "pk"),
    "title": ("title", "pk"),
    "company": ("company__organization__name", "pk"),
}
# What the staff list reads with each row, in the same query. The benchmark's baseline sets it
# to () to measure the page without its query optimisations (benchmarks/bench_programs_list.py).
STAFF_LIST_RELATED: tuple[str, ...] = ("company__organization__parent",)


@dataclass(frozen=True)
class ApplicationFilters:
    state: str = ""
    province: str = ""
    amount_min: int | None = None
    amount_max: int | None = None
    q: str = ""
    sort: str = "-submitted"

    def as_params(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "province": self.province,
            "amount_min": self.amount_min,
            "amount_max": self.amount_max,
            "q": self.q,
            "sort": self.sort,
        }


def call_applications(
    *, call: Call, viewer: Viewer, filters: ApplicationFilters
) -> QuerySet[Application]:
    """The submitted applications of a call the viewer is staff of, filtered and sorted. The
    rows are those `access.applications_at_least(viewer, PRIVATE)` gives (never drafts)."""
    rows = Application.objects.filter(
        access.applications_at_least(viewer, ViewLevel.PRIVATE), call=call
    ).exclude(state=ApplicationState.DRAFT)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.province:
        rows = rows.filter(company__province=filters.province)
    if filters.amount_min is not None:
        rows = rows.filter(requested_amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        rows = rows.filter(requested_amount__lte=filters.amount_max)
    if filters.q.strip():
        text = filters.q.strip()
        rows = rows.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    ordering = LIST_SORTS.get(filters.sort, LIST_SORTS["-submitted"])
    if STAFF_LIST_RELATED:  # (select_related() with no names would follow every foreign key)
        rows = rows.select_related(*STAFF_LIST_RELATED)
    return rows.order_by(*ordering)


def application_revisions(application: Application) -> list[ApplicationRevision]:
    return list(application.revisions.select_related("submitted_by").order_by("number"))


def draft_files(application: Application) -> dict[str, list[ApplicationFile]]:
    """The draft's files by field key."""
    out: dict[str, list[ApplicationFile]] = defaultdict(list)
    for stored in ApplicationFile.objects.filter(application=application, revision=None).order_by(
        "pk"
    ):
        out[stored.field_key].append(stored)
    return dict(out)


def revision_files(revision: ApplicationRevision) -> dict[str, list[ApplicationFile]]:
    out: dict[str, list[ApplicationFile]] = defaultdict(list)
    for stored in revision.files.order_by("pk"):
        out[stored.field_key].append(stored)
    return dict(out)


def revision_diff(
    application: Application, before: ApplicationRevision, after: ApplicationRevision
) -> list[FieldDiff]:
    """Two revisions of the application compared field by field (the form's order)."""
    names: dict[int, dict[str, list[str]]] = {before.pk: {}, after.pk: {}}
    for stored in ApplicationFile.objects.filter(revision__in=[before, after]):
        assert stored.revision_id is not None
        names[stored.revision_id].setdefault(stored.field_key, []).append(stored.name)
    return answers_diff(
        list(application.call.form_fields.all()),
        before.data,
        after.data,
        names[before.pk],
        names[after.pk],
    )


# --- scoring -----------------------------------------------------------------------------------


def reviewer_assignment_list(user: Any) -> QuerySet[Assignment]:
    """The reviewer's active assignments across calls (conflicts left out), soonest due first,
    with the review's state and the call read in the same query."""
    return (
        Assignment.objects.filter(access.reviewer_assignments(user))
        .select_related("stage", "application__call", "review")
        .order_by("stage__review_due_at", "application__call_id", "application_id")
    )


def scoring_stage(call: Call) -> EvaluationStage | None:
    """The stage whose scores decide the selection: the last stage with active assignments,
    else the call's last stage."""
    stages = list(call.stages.order_by("-order"))
    with_assignments = set(
        Assignment.objects.filter(stage__call=call, active=True).values_list("stage_id", flat=True)
    )
    for stage in stages:
        if stage.pk in with_assignments:
            return stage
    return stages[0] if stages else None


def _stage_reviews(stage: EvaluationStage) -> QuerySet[Review]:
    """Reviews of the stage's active assignments, without those whose reviewer has since been
    found in conflict with the application."""
    conflicted = Conflict.objects.filter(
        application_id__in=Assignment.objects.filter(stage=stage).values("application_id")
    ).values_list("application_id", "reviewer_id")
    pairs = set(conflicted)
    rows = Review.objects.filter(
        assignment__stage=stage,
        assignment__active=True,
        assignment__application__state__in=[
            ApplicationState.SUBMITTED,
            ApplicationState.SELECTED,
            ApplicationState.NOT_SELECTED,
        ],
    )
    if pairs:
        rows = rows.exclude(
            pk__in=[
                r.pk
                for r in rows.select_related("assignment").only(
                    "pk", "assignment__application_id", "assignment__reviewer_id"
                )
                if (r.assignment.application_id, r.assignment.reviewer_id) in pairs
            ]
        )
    return rows


def stage_rated(stage: EvaluationStage) -> list[Rated]:
    """The submitted reviews' totals of the stage (all-n/a reviews have none: left out)."""
    rows = (
        _stage_reviews(stage)
        .filter(state=ReviewState.SUBMITTED, total__isnull=False)
        .values_list("assignment__application_id", "assignment__reviewer_id", "total")
        .order_by("assignment__application_id", "assignment__reviewer_id")
    )
    return [
        Rated(app, reviewer, float(total)) for app, reviewer, total in rows if total is not None
    ]


def stage_aggregates(stage: EvaluationStage) -> dict[Hashable, Aggregate]:
    return aggregate(stage_rated(stage))


@dataclass
class ScoreCell:
    reviewer: str
    reviewer_id: int
    review_id: int | None
    state: str  # "" when the reviewer has not started
    total: float | None
    not_applicable: int


@dataclass
class ScoreRow:
    application: Application
    cells: list[ScoreCell] = field(default_factory=list)
    aggregate: Aggregate | None = None
    not_applicable: int = 0


def score_table(stage: EvaluationStage) -> list[ScoreRow]:
    """Per application of the stage: each reviewer's total (names: staff only), the aggregates
    side by side and the n/a counts; best calibrated score first, unscored last."""
    aggregates = stage_aggregates(stage)
    assignments = (
        Assignment.objects.filter(stage=stage, active=True)
        .exclude(application__state=ApplicationState.DRAFT)
        .select_related("application__company__organization", "reviewer__user")
        .order_by("application_id", "reviewer__user__name", "pk")
    )
    reviews = {
        r.assignment_id: r
        for r in _stage_reviews(stage).annotate(
            na=Count("scores", filter=Q(scores__value__isnull=True))
        )
    }
    conflicts = set(
        Conflict.objects.filter(application__assignments__stage=stage).values_list(
            "application_id", "reviewer_id"
        )
    )
    rows: dict[int, ScoreRow] = {}
    for assignment in assignments:
        row = rows.setdefault(
            assignment.application_id,
            ScoreRow(assignment.application, aggregate=aggregates.get(assignment.application_id)),
        )
        if (assignment.application_id, assignment.reviewer_id) in conflicts:
            continue
        review = reviews.get(assignment.pk)
        na = int(getattr(review, "na", 0) or 0)
        row.cells.append(
            ScoreCell(
                reviewer=assignment.reviewer.user.name or assignment.reviewer.user.email,
                reviewer_id=assignment.reviewer_id,
                review_id=review.pk if review else None,
                state=review.state if review else "",
                total=review.total if review and review.state == ReviewState.SUBMITTED else None,
                not_applicable=na,
            )
        )
        row.not_applicable += na

    def order(row: ScoreRow) -> tuple[int, float, int]:
        value = row.aggregate.calibrated if row.aggregate else None
        return (value is None, -(value or 0.0), row.application.pk)

    return sorted(rows.values(), key=order)


# --- review: reviewer pool, conflicts, assignment ------------------------------------------------


def stage_applications(stage: EvaluationStage) -> QuerySet[Application]:
    """The applications reviewed in a stage: submitted ones whose `stage` is this one, and, in
    the call's first stage, submitted ones not yet placed in any stage (before review starts
    nobody has set it)."""
    first = not EvaluationStage.objects.filter(
        call_id=stage.call_id, order__lt=stage.order
    ).exists()
    in_stage = Q(stage=stage)
    if first:
        in_stage |= Q(stage__isnull=True)
    return Application.objects.filter(
        in_stage, call_id=stage.call_id, state=ApplicationState.SUBMITTED
    ).order_by("pk")


def call_review_applications(call: Call) -> QuerySet[Application]:
    """Every application of a call that reached review (not drafts, not withdrawn)."""
    return Application.objects.filter(call=call).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )


def reviewer_pool() -> QuerySet[Reviewer]:
    return (
        Reviewer.objects.select_related("user__reviewer_profile")
        .prefetch_related("technologies")
        .annotate(tie_count=Count("ties", distinct=True))
        .order_by("user__name", "pk")
    )


def call_conflicts(call: Call) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(application__call=call)
        .select_related("application__company__organization", "reviewer__user")
        .order_by("application_id", "reviewer_id", "source")
    )


def stage_runs(stage: EvaluationStage) -> QuerySet[AssignmentRun]:
    return AssignmentRun.objects.filter(stage=stage).order_by("-created_at", "-pk")


def run_assignments(run: AssignmentRun) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(run=run)
        .select_related("reviewer__user", "application__company__organization")
        .order_by("application_id", "-affinity", "reviewer_id")
    )


def reviewer_open_assignments(user: User) -> QuerySet[Assignment]:
    """A reviewer's active assignments on applications they may read (`access`: submitted,
    no conflict recorded) — the conflict declaration list."""
    readable = Application.objects.filter(applications_at_least(user, ViewLevel.RECORD))
    return (
        Assignment.objects.filter(reviewer_id=user.pk, active=True, application__in=readable)
        .select_related("application__call", "application__company__organization", "stage")
        .order_by("stage__review_due_at", "application_id")
    )


# --- integration: the staff steps of a call --------------------------------------------------


@dataclass
class StageStep:
    stage: EvaluationStage
    run_state: str  # the latest assignment run's state, "" when none was started
    assigned: int  # active assignments
    reviewed: int  # submitted reviews of active assignments


@dataclass
class CallSteps:
    """What the call's staff page counts for each step (a few aggregate queries, whatever the
    size of the call)."""

    applications: int  # submitted or further (drafts are the companies' own)
    by_state: dict[str, int]
    stages: list[StageStep]
    conflicts: int
    selection_runs: int
    selection_approved: bool
    awards: int


def call_steps(call: Call) -> CallSteps:
    by_state = dict(
        Application.objects.filter(call=call)
        .exclude(state=ApplicationState.DRAFT)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    counts: dict[int, tuple[int, int]] = {
        row["stage_id"]: (row["assigned"], row["reviewed"])
        for row in Assignment.objects.filter(application__call=call, active=True)
        .order_by()
        .values("stage_id")
        .annotate(
            assigned=Count("pk"),
            reviewed=Count("pk", filter=Q(review__state=ReviewState.SUBMITTED)),
        )
    }
    latest: dict[int, str] = {}
    for stage_id, state in (
        AssignmentRun.objects.filter(stage__call=call)
        .order_by("stage_id", "-created_at", "-pk")
        .values_list("stage_id", "state")
    ):
        latest.setdefault(stage_id, state)
    runs = list(call.selection_runs.values_list("state", flat=True))
    return CallSteps(
        applications=sum(by_state.values()),
        by_state=by_state,
        stages=[
            StageStep(
                stage=stage,
                run_state=latest.get(stage.pk, ""),
                assigned=counts.get(stage.pk, (0, 0))[0],
                reviewed=counts.get(stage.pk, (0, 0))[1],
            )
            for stage in EvaluationStage.objects.filter(call=call).order_by("order")
        ],
        conflicts=Conflict.objects.filter(application__call=call).count(),
        selection_runs=len(runs),
        selection_approved=RunState.APPROVED in runs,
        awards=Award.objects.filter(application__call=call).count(),
    )


# --- recipients of the app's notices -----------------------------------------------------------


def call_staff_users(call: Call) -> list[User]:
    """Staff and administrators of the call's organiser and co-organisers (operator staff
    elsewhere may open the call, but the organisers run it and are the ones told)."""
    org_ids = [call.organizer_id, *call.co_organizers.values_list("pk", flat=True)]
    rows = Membership.objects.filter(
        organization_id__in=org_ids, role__in=[MembershipRole.ADMIN, MembershipRole.STAFF]
    ).select_related("user")
    return list({m.user_id: m.user for m in rows}.values())


def company_member_users(company_ids: set[int]) -> dict[int, list[User]]:
    """The active members of each company, by company id (one query)."""
    members: dict[int, list[User]] = {}
    rows = Membership.objects.filter(
        organization_id__in=company_ids,
        organization__kind=OrganizationKind.COMPANY,
        user__is_active=True,
    ).select_related("user")
    for membership in rows:
        members.setdefault(membership.organization_id, []).append(membership.user)
    return members
