"""Who may do what in the programs app, and what each viewer sees of a call or an application.
Views, the API, exports, notifications and search all ask these; access functions only read.

Calls: a draft call is seen only by its staff; every other state is public. Staff of a call are
operator staff and the staff or administrators of its organiser and co-organisers (association,
chapters, institutions). Who may open a call: operator staff and association or chapter staff.

Applications (`application_view_level`):
- PRIVATE: members of the applying company (any state) and staff of the call (not drafts);
- RECORD: a reviewer with an active assignment on it and no conflict with it (its submitted
  revisions only, never drafts, staff notes or other reviewers' names). In a blind call the
  applicant's identity is not in `APPLICATION_FIELDS` at RECORD: pages, file names, exports and
  notifications for reviewers must ask `application_fields` before showing it;
- NONE otherwise (404: outsiders learn nothing).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, membership_rows
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.programs.enums import ApplicationState, CallState
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Award,
    Call,
    CallAttachment,
    Conflict,
    EvaluationStage,
    Milestone,
    MilestoneReport,
    Review,
    Reviewer,
    SelectionRun,
)

STAFF_ROLES = {MembershipRole.ADMIN, MembershipRole.STAFF}
CALL_OPENER_KINDS = {
    OrganizationKind.OPERATOR,
    OrganizationKind.ASSOCIATION,
    OrganizationKind.CHAPTER,
}


def _signed_in(user: Viewer) -> bool:
    return isinstance(user, User) and user.is_authenticated


def _staff_org_ids(user: Viewer) -> set[int]:
    """Organisations (not companies) where the user is staff or administrator."""
    return {
        org_id
        for org_id, kind, role, _ in membership_rows(user)
        if kind != OrganizationKind.COMPANY and role in STAFF_ROLES
    }


def _company_org_ids(user: Viewer) -> set[int]:
    """Company organisations the user is a member of (any role)."""
    return {
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    }


# --- calls -------------------------------------------------------------------------------------


def can_open_calls(user: Viewer) -> bool:
    """Operator staff, and association or chapter staff, may open calls."""
    return is_operator_staff(user) or any(
        kind in CALL_OPENER_KINDS and role in STAFF_ROLES
        for _, kind, role, _ in membership_rows(user)
    )


def is_call_staff(user: Viewer, call: Call) -> bool:
    if not _signed_in(user):
        return False
    if is_operator_staff(user):
        return True
    org_ids = _staff_org_ids(user)
    if not org_ids:
        return False
    if call.organizer_id in org_ids:
        return True
    return call.co_organizers.filter(pk__in=org_ids).exists()


def may_staff_calls(user: Viewer) -> bool:
    """Whether `calls_staffed_by` can match any call for the user: operator staff, and staff of
    an organisation other than a company (a company member staffs no call)."""
    return _signed_in(user) and (is_operator_staff(user) or bool(_staff_org_ids(user)))


def calls_staffed_by(user: Viewer) -> Q:
    """The same rule as `is_call_staff`, for querysets of `Call`."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if is_operator_staff(user):
        return Q()
    org_ids = _staff_org_ids(user)
    return Q(organizer_id__in=org_ids) | Q(co_organizers__in=org_ids)


def can_see_call(user: Viewer, call: Call) -> bool:
    return call.state != CallState.DRAFT or is_call_staff(user, call)


def calls_visible_to(user: Viewer) -> Q:
    """Published calls, and drafts for their staff (may repeat rows: use `.distinct()`)."""
    return ~Q(state=CallState.DRAFT) | calls_staffed_by(user)


def call_for_viewer(user: Viewer, call_id: int) -> Call:
    call = Call.objects.select_related("organizer").filter(pk=call_id).first()
    if call is None or not can_see_call(user, call):
        raise Http404
    return call


def call_for_staff(user: Viewer, call_id: int) -> Call:
    """The call the user is staff of; 404 when they may not see it, 403 when they only may
    read it."""
    call = call_for_viewer(user, call_id)
    if not is_call_staff(user, call):
        raise PermissionDenied
    return call


# --- applications ------------------------------------------------------------------------------

APPLICATION_FIELDS = FieldPolicy(
    "application",
    {
        # identity: company name, 사업자등록번호, members, file names as uploaded
        "identity": ViewLevel.PRIVATE,
        "content": ViewLevel.RECORD,  # the submitted revision's answers and files
        "draft": ViewLevel.PRIVATE,  # the working draft (applicants; staff see it once submitted)
        "staff_note": ViewLevel.PRIVATE,
        "reviews": ViewLevel.PRIVATE,  # scores and comments of every reviewer (staff see names)
        "state": ViewLevel.RECORD,
    },
)


def is_applicant(user: Viewer, application: Application) -> bool:
    return application.company_id in _company_org_ids(user)


def reviewer_sees(user: Viewer, application: Application) -> bool:
    """An active assignment on the application and no conflict recorded with it."""
    if not _signed_in(user):
        return False
    assert isinstance(user, User)
    return (
        Assignment.objects.filter(
            application=application, reviewer_id=user.pk, active=True
        ).exists()
        and not Conflict.objects.filter(application=application, reviewer_id=user.pk).exists()
    )


def application_view_level(user: Viewer, application: Application) -> ViewLevel:
    if not _signed_in(user):
        return ViewLevel.NONE
    if is_applicant(user, application):
        return ViewLevel.PRIVATE
    if application.state != ApplicationState.DRAFT and is_call_staff(user, application.call):
        return ViewLevel.PRIVATE
    if application.state != ApplicationState.DRAFT and reviewer_sees(user, application):
        return ViewLevel.RECORD
    return ViewLevel.NONE


def application_fields(user: Viewer, application: Application) -> frozenset[str]:
    """The fields of `APPLICATION_FIELDS` the viewer sees; a reviewer of an open (not blind)
    call also sees the applicant's identity."""
    level = application_view_level(user, application)
    shown = APPLICATION_FIELDS.fields_for(level)
    if level == ViewLevel.RECORD and not application.call.blind:
        shown |= {"identity"}
    return shown


def applications_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `application_view_level`, as a filter on `Application` querysets."""
    if not _signed_in(user) or level > ViewLevel.PRIVATE:
        return Q(pk__in=[])
    assert isinstance(user, User)
    submitted = ~Q(state=ApplicationState.DRAFT)
    staff_calls = Call.objects.filter(calls_staffed_by(user)).values("pk")
    rule = Q(company_id__in=_company_org_ids(user)) | (submitted & Q(call_id__in=staff_calls))
    if level <= ViewLevel.RECORD:
        assigned = Exists(
            Assignment.objects.filter(application=OuterRef("pk"), reviewer_id=user.pk, active=True)
        )
        conflicted = Exists(
            Conflict.objects.filter(application=OuterRef("pk"), reviewer_id=user.pk)
        )
        rule |= submitted & Q(assigned) & ~Q(conflicted)
    return rule


def visible_applications(
    user: Viewer, level: ViewLevel = ViewLevel.RECORD
) -> QuerySet[Application]:
    return Application.objects.filter(applications_at_least(user, level))


def application_for_viewer(
    user: Viewer, application_id: int, level: ViewLevel = ViewLevel.RECORD
) -> Application:
    """The application if the viewer has at least `level` on it, else 404."""
    application = (
        Application.objects.select_related("call", "company__organization")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application_view_level(user, application) < level:
        raise Http404
    return application


def application_for_applicant(user: Viewer, application_id: int) -> Application:
    """The application of one of the user's companies (drafts included), else 404."""
    application = application_for_viewer(user, application_id, ViewLevel.PRIVATE)
    if not is_applicant(user, application):
        raise Http404
    return application


# --- calls (call builder, notice board, feed, calls API) ---------------------------------------


def require_can_open_calls(user: Viewer) -> None:
    if not can_open_calls(user):
        raise PermissionDenied


def call_organizer_choices(user: Viewer) -> QuerySet[Organization]:
    """Organisations the user may name as a call's organiser: any organisation that is not a
    company for operator staff, else those where the user is staff or administrator and that
    may open calls (association, chapter)."""
    orgs = Organization.objects.exclude(kind=OrganizationKind.COMPANY).order_by("kind", "name")
    if is_operator_staff(user):
        return orgs
    own = {
        org_id
        for org_id, kind, role, _ in membership_rows(user)
        if kind in CALL_OPENER_KINDS and role in STAFF_ROLES
    }
    return orgs.filter(pk__in=own)


def call_co_organizer_choices() -> QuerySet[Organization]:
    """Any organisation that is not a company may co-organise (its staff then staff the call)."""
    return Organization.objects.exclude(kind=OrganizationKind.COMPANY).order_by("kind", "name")


def calls_staff_may_list(user: Viewer) -> bool:
    """The staff list of calls: people who may open calls or staff at least one call."""
    return can_open_calls(user) or Call.objects.filter(calls_staffed_by(user)).exists()


def call_attachment_for_viewer(user: Viewer, call_id: int, attachment_id: int) -> CallAttachment:
    """An attachment of a call the viewer may see (a draft's only for its staff), else 404."""
    call = call_for_viewer(user, call_id)
    attachment = CallAttachment.objects.filter(call=call, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


# --- awards (after the award: agreement, milestones, reports, 검수) -------------------------------
# An award is seen by the members of the awarded company and by the staff of its call; nobody
# else learns that it exists (404). Company members submit reports; call staff do the rest.


def is_award_company_member(user: Viewer, award: Award) -> bool:
    return _signed_in(user) and award.application.company_id in _company_org_ids(user)


def is_award_staff(user: Viewer, award: Award) -> bool:
    return is_call_staff(user, award.application.call)


def can_see_award(user: Viewer, award: Award) -> bool:
    return is_award_company_member(user, award) or is_award_staff(user, award)


def may_manage_awards(user: Viewer) -> bool:
    """Operator staff, and staff of an organisation that may organise calls (the page of
    the calls with awards they staff)."""
    return may_staff_calls(user)


def is_company_member(user: Viewer) -> bool:
    return _signed_in(user) and bool(_company_org_ids(user))


def awards_of_member(user: Viewer) -> Q:
    """Awards of the companies the user is a member of, as a filter on `Award`."""
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(application__company_id__in=_company_org_ids(user))


def _award(award_id: int) -> Award:
    award = (
        Award.objects.select_related(
            "application__call__organizer", "application__company__organization"
        )
        .filter(pk=award_id)
        .first()
    )
    if award is None:
        raise Http404
    return award


def award_for_viewer(user: Viewer, award_id: int) -> Award:
    """The award if the user is a member of its company or staff of its call, else 404."""
    award = _award(award_id)
    if not can_see_award(user, award):
        raise Http404
    return award


def award_for_staff(user: Viewer, award_id: int) -> Award:
    """The award if the user is staff of its call, else 404 (its company gets 403)."""
    award = award_for_viewer(user, award_id)
    if not is_award_staff(user, award):
        raise PermissionDenied
    return award


def call_for_award_staff(user: Viewer, call_id: int) -> Call:
    """The call whose awards the user manages (staff of the call), else 404."""
    call = Call.objects.select_related("organizer").filter(pk=call_id).first()
    if call is None or not is_call_staff(user, call):
        raise Http404
    return call


def milestone_for_staff(user: Viewer, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.filter(pk=milestone_id).only("pk", "award_id").first()
    if milestone is None:
        raise Http404
    award = award_for_staff(user, milestone.award_id)
    return Milestone.objects.select_related("award").get(pk=milestone.pk, award=award)


def milestone_for_company(user: Viewer, milestone_id: int) -> Milestone:
    """A milestone of one of the user's companies' awards (call staff get 403), else 404."""
    milestone = Milestone.objects.filter(pk=milestone_id).only("pk", "award_id").first()
    if milestone is None:
        raise Http404
    award = award_for_viewer(user, milestone.award_id)
    if not is_award_company_member(user, award):
        raise PermissionDenied
    return Milestone.objects.select_related("award").get(pk=milestone.pk)


def report_for_viewer(user: Viewer, report_id: int) -> MilestoneReport:
    """A report (and its file) for the award's company and call staff, else 404."""
    report = MilestoneReport.objects.select_related("milestone").filter(pk=report_id).first()
    if report is None:
        raise Http404
    award_for_viewer(user, report.milestone.award_id)
    return report


def report_for_staff(user: Viewer, report_id: int) -> MilestoneReport:
    report = report_for_viewer(user, report_id)
    award_for_staff(user, report.milestone.award_id)
    return report


# --- apps (applications) ---------------------------------------------------------------------


def applicant_company_ids(user: Viewer) -> list[int]:
    """The companies the user may apply for (any role), the one they act for first."""
    return sorted(_company_org_ids(user))


def application_for_call_staff(user: Viewer, application_id: int) -> Application:
    """A submitted application of a call the user is staff of: 404 when they may not see it,
    403 when they see it only as its applicant."""
    application = application_for_viewer(user, application_id, ViewLevel.PRIVATE)
    if application.state == ApplicationState.DRAFT or not is_call_staff(user, application.call):
        raise PermissionDenied
    return application


def call_list_fields(user: Viewer, call: Call) -> frozenset[str]:
    """The fields of `APPLICATION_FIELDS` the staff list and its export show on every row:
    the rows are those `applications_at_least(user, PRIVATE)` gives for a call the user is
    staff of, where `application_view_level` is PRIVATE (the same rule, asked once)."""
    if not is_call_staff(user, call):
        return frozenset()
    return APPLICATION_FIELDS.fields_for(ViewLevel.PRIVATE)


# --- scoring: reviews, score table, selection runs ---------------------------------------------


def assignment_for_reviewer(user: Viewer, assignment_id: int) -> Assignment:
    """The user's own active assignment on a submitted application they have no conflict with,
    else 404 (a reviewer with a conflict learns nothing more than an outsider)."""
    if not _signed_in(user):
        raise Http404
    assert isinstance(user, User)
    assignment = (
        Assignment.objects.select_related("application__call", "stage")
        .filter(pk=assignment_id, reviewer_id=user.pk, active=True)
        .exclude(application__state=ApplicationState.DRAFT)
        .first()
    )
    if (
        assignment is None
        or Conflict.objects.filter(
            application_id=assignment.application_id, reviewer_id=user.pk
        ).exists()
    ):
        raise Http404
    return assignment


def reviewer_assignments(user: Viewer) -> Q:
    """`Assignment` rows the user may open as a reviewer (the rule of `assignment_for_reviewer`)."""
    if not _signed_in(user):
        return Q(pk__in=[])
    assert isinstance(user, User)
    conflicted = Exists(
        Conflict.objects.filter(application=OuterRef("application"), reviewer_id=user.pk)
    )
    return (
        Q(reviewer_id=user.pk, active=True)
        & ~Q(application__state=ApplicationState.DRAFT)
        & ~Q(conflicted)
    )


# --- review: reviewer pool, conflicts, assignment ------------------------------------------------


def can_manage_reviewers(user: Viewer) -> bool:
    """The reviewer pool is shared by every call: those who may open calls manage it."""
    return can_open_calls(user)


def require_reviewer_manager(user: Viewer) -> None:
    if not can_manage_reviewers(user):
        raise PermissionDenied


def reviewer_for_editor(user: Viewer, reviewer_id: int) -> Reviewer:
    """A reviewer's profile for pool managers and for the reviewer themself; 404 otherwise."""
    reviewer = (
        Reviewer.objects.select_related("user__reviewer_profile").filter(pk=reviewer_id).first()
    )
    if reviewer is None or not _signed_in(user):
        raise Http404
    assert isinstance(user, User)
    if reviewer.pk != user.pk and not can_manage_reviewers(user):
        raise Http404
    return reviewer


def stage_for_staff(user: Viewer, stage_id: int) -> EvaluationStage:
    """A stage of a call the user is staff of: 404 unless they may see the call, 403 when they
    only may read it."""
    stage = EvaluationStage.objects.select_related("call").filter(pk=stage_id).first()
    if stage is None:
        raise Http404
    call_for_staff(user, stage.call_id)
    return stage


def review_for_staff(user: Viewer, review_id: int) -> Review:
    review = (
        Review.objects.select_related("assignment__application__call", "assignment__stage")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    call_for_staff(user, review.assignment.application.call_id)
    return review


def selection_run_for_staff(user: Viewer, run_id: int) -> SelectionRun:
    run = SelectionRun.objects.select_related("call").filter(pk=run_id).first()
    if run is None:
        raise Http404
    call_for_staff(user, run.call_id)
    return run


def can_see_selection_result(user: Viewer, application: Application) -> bool:
    """An applicant learns the result (and the evaluation summary) once selection is approved."""
    return application.state in {
        ApplicationState.SELECTED,
        ApplicationState.NOT_SELECTED,
    } and (_signed_in(user) and is_applicant(user, application))


def application_for_result(user: Viewer, application_id: int) -> Application:
    application = application_for_applicant(user, application_id)
    if not can_see_selection_result(user, application):
        raise Http404
    return application


def assignment_run_for_staff(user: Viewer, run_id: int) -> AssignmentRun:
    run = AssignmentRun.objects.select_related("stage__call").filter(pk=run_id).first()
    if run is None:
        raise Http404
    call_for_staff(user, run.stage.call_id)
    return run


def reviewer_row_fields(application: Application) -> frozenset[str]:
    """The fields a reviewer sees of an application already filtered by
    `applications_at_least(user, RECORD)` (lists of assignments): what `application_fields`
    gives at RECORD, without a query per row. A reviewer who is also the call's staff sees
    no more here than any reviewer (the conservative side in a blind call)."""
    shown = APPLICATION_FIELDS.fields_for(ViewLevel.RECORD)
    return shown if application.call.blind else shown | {"identity"}
