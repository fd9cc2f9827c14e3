"""API operations of the programs app: awards. The company's members read their awards and
submit milestone reports; call staff read the 검수 queue and approve or return reports. Writes
need a write token (or a browser session with its CSRF token)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from bitgoeul.programs import access
from bitgoeul.programs.api.base import router
from bitgoeul.programs.models import Award, Milestone, MilestoneReport
from bitgoeul.programs.selectors import (
    awards_with_milestones,
    reports_awaiting_review,
    tranche_totals,
)
from bitgoeul.programs.services.awards import (
    IllegalTransition,
    Outcomes,
    milestone_report_approve,
    milestone_report_return,
    milestone_report_submit,
)

LIMIT = 200


class ReportOut(Schema):
    id: int
    milestone: int
    file_name: str
    file_url: str
    note: str
    hires: int | None
    revenue: int | None
    investment: int | None
    products: int | None
    submitted_at: dt.datetime
    approved: bool | None  # None: awaiting review
    review_note: str
    reviewed_at: dt.datetime | None


class MilestoneOut(Schema):
    id: int
    order: int
    deliverable: str
    due_on: dt.date
    tranche: int
    state: str
    released_at: dt.datetime | None
    reports: list[ReportOut]


class AwardOut(Schema):
    id: int
    call: int
    call_title: str
    company: int
    company_name: str
    amount: int
    state: str
    agreement_signed_at: dt.datetime | None
    released: int
    remaining: int
    url: str
    milestones: list[MilestoneOut]


class ReportOutcomes(Schema):
    note: str = ""
    hires: int | None = None
    revenue: int | None = None
    investment: int | None = None
    products: int | None = None


class ReviewIn(Schema):
    decision: Literal["approve", "return"]
    comments: str = ""


def _report(report: MilestoneReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "milestone": report.milestone_id,
        "file_name": report.file_name,
        "file_url": reverse("programs:report_file", args=[report.pk]),
        "note": report.note,
        "hires": report.hires,
        "revenue": report.revenue,
        "investment": report.investment,
        "products": report.products,
        "submitted_at": report.submitted_at,
        "approved": report.approved,
        "review_note": report.review_note,
        "reviewed_at": report.reviewed_at,
    }


def _milestone(milestone: Milestone) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "order": milestone.order,
        "deliverable": milestone.deliverable,
        "due_on": milestone.due_on,
        "tranche": milestone.tranche,
        "state": milestone.state,
        "released_at": milestone.released_at,
        "reports": [_report(r) for r in milestone.reports.all()],
    }


def _award(award: Award) -> dict[str, Any]:
    totals = tranche_totals(award)
    return {
        "id": award.pk,
        "call": award.application.call_id,
        "call_title": award.application.call.title,
        "company": award.application.company_id,
        "company_name": award.application.company.organization.name,
        "amount": award.amount,
        "state": award.state,
        "agreement_signed_at": award.agreement_signed_at,
        "released": totals.released,
        "remaining": totals.remaining,
        "url": reverse("programs:award_detail", args=[award.pk]),
        "milestones": [_milestone(m) for m in award.milestones.all()],
    }


def _refused(error: ValidationError) -> HttpError:
    return HttpError(422, " ".join(error.messages))


@router.get(
    "/awards", response=list[AwardOut], url_name="award_list", summary="My companies' awards"
)
def award_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The awards of the companies the caller is a member of, with milestones and reports."""
    awards = awards_with_milestones(access.awards_of_member(request.user))[:LIMIT]
    return [_award(award) for award in awards]


@router.get("/awards/{award_id}", response=AwardOut, url_name="award_detail", summary="One award")
def award_detail(request: HttpRequest, award_id: int) -> dict[str, Any]:
    """For the awarded company's members and the call's staff (404 for everyone else)."""
    award = access.award_for_viewer(request.user, award_id)
    return _award(awards_with_milestones(Q(pk=award.pk)).get())


@router.post(
    "/milestones/{milestone_id}/reports",
    response={201: ReportOut},
    url_name="milestone_report_create",
    summary="Submit a milestone report (multipart: file and outcome figures)",
)
def milestone_report_create(
    request: HttpRequest,
    milestone_id: int,
    outcomes: Form[ReportOutcomes],
    file: File[UploadedFile],
) -> Status[dict[str, Any]]:
    """A member of the awarded company submits a report for a pending or returned milestone;
    the file is checked by its content (PDF, HWP, HWPX, DOCX, XLSX, 20 MB). 409 when a report
    already awaits review."""
    milestone = access.milestone_for_company(request.user, milestone_id)
    try:
        report = milestone_report_submit(
            milestone=milestone,
            actor=request.user,
            file=file,
            file_name=file.name or "report",
            size=file.size or 0,
            note=outcomes.note,
            outcomes=Outcomes(
                hires=outcomes.hires,
                revenue=outcomes.revenue,
                investment=outcomes.investment,
                products=outcomes.products,
            ),
        )
    except ValidationError as error:
        raise _refused(error) from error
    except IllegalTransition as error:
        raise HttpError(409, "a report on this milestone already awaits review") from error
    return Status(201, _report(report))


@router.get(
    "/calls/{call_id}/review-queue",
    response=list[ReportOut],
    url_name="award_review_queue",
    summary="Reports awaiting review (검수) in a call",
)
def award_review_queue(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    """Call staff only (404 for everyone else); oldest first."""
    call = access.call_for_award_staff(request.user, call_id)
    return [_report(r) for r in reports_awaiting_review(call)[:LIMIT]]


@router.post(
    "/reports/{report_id}/review",
    response=ReportOut,
    url_name="report_review",
    summary="Approve (release the tranche) or return a report",
)
def report_review(request: HttpRequest, report_id: int, payload: ReviewIn) -> dict[str, Any]:
    """Call staff approve the latest report of a submitted milestone (its tranche is released)
    or return it with comments (required). 409 when it was already reviewed."""
    report = access.report_for_staff(request.user, report_id)
    try:
        if payload.decision == "approve":
            reviewed = milestone_report_approve(
                report=report, actor=request.user, comments=payload.comments
            )
        else:
            reviewed = milestone_report_return(
                report=report, actor=request.user, comments=payload.comments
            )
    except ValidationError as error:
        raise _refused(error) from error
    except IllegalTransition as error:
        raise HttpError(409, "this report was already reviewed") from error
    return _report(reviewed)
