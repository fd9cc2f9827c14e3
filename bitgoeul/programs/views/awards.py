"""Pages after the award: the company's "our agreements" (milestones, report upload) and the
call staff's agreements of a call, the 검수 queue and the review of each report."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.core.http import error_text
from bitgoeul.programs import access
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.files import DOCUMENT_KINDS
from bitgoeul.programs.models import Milestone
from bitgoeul.programs.selectors import (
    awards_with_milestones,
    call_awards,
    calls_with_awards,
    reports_awaiting_review,
    totals_sum,
    tranche_totals,
)
from bitgoeul.programs.services.awards import (
    IllegalTransition,
    Outcomes,
    award_agreement_record,
    milestone_create,
    milestone_delete,
    milestone_report_approve,
    milestone_report_return,
    milestone_report_submit,
    milestone_update,
)

LIST_LIMIT = 200
ACCEPT = ",".join(f".{kind}" for kind in DOCUMENT_KINDS)


class MilestoneForm(forms.Form):
    deliverable = forms.CharField(label=gettext_lazy("Deliverable"), max_length=300)
    due_on = forms.DateField(
        label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    tranche = forms.IntegerField(
        label=gettext_lazy("Tranche (KRW)"),
        min_value=1,
        help_text=gettext_lazy("The tranches of an award add up to at most its amount."),
    )


class ReportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Report file"),
        help_text=gettext_lazy("PDF, HWP, HWPX, DOCX or XLSX, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note to staff"), required=False, widget=forms.Textarea({"rows": 3})
    )
    hires = forms.IntegerField(label=gettext_lazy("New hires"), min_value=0, required=False)
    revenue = forms.IntegerField(label=gettext_lazy("Revenue (KRW)"), min_value=0, required=False)
    investment = forms.IntegerField(
        label=gettext_lazy("Investment attracted (KRW)"), min_value=0, required=False
    )
    products = forms.IntegerField(
        label=gettext_lazy("Products launched"), min_value=0, required=False
    )


DECISIONS = [
    ("approve", gettext_lazy("Approve and release the tranche")),
    ("return", gettext_lazy("Return with comments")),
]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Outcome of the review"), choices=DECISIONS, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments to the company"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=gettext_lazy("Required when you return the report."),
    )


# --- the company -------------------------------------------------------------------------------


@login_required
def my_awards(request: AuthenticatedHttpRequest) -> HttpResponse:
    """우리 협약: the awards of the user's companies, with milestones and what to do next."""
    awards = list(awards_with_milestones(access.awards_of_member(request.user))[:LIST_LIMIT])
    rows = [(award, tranche_totals(award)) for award in awards]
    return render(request, "programs/awards/mine.html", {"rows": rows})


@login_required
def award_detail(request: AuthenticatedHttpRequest, award_id: int) -> HttpResponse:
    """One award: for its company, the milestones with a report form each; for call staff,
    the agreement, the milestone plan and the review of reports."""
    award = access.award_for_viewer(request.user, award_id)
    award = awards_with_milestones(Q(pk=award.pk)).get()
    is_staff = access.is_award_staff(request.user, award)
    is_member = access.is_award_company_member(request.user, award)
    milestones = list(award.milestones.all())
    active = award.state == AwardState.ACTIVE
    plannable = award.state in {AwardState.AGREEMENT, AwardState.ACTIVE}
    rows = []
    for milestone in milestones:
        reports = list(milestone.reports.all())
        awaiting = reports[0] if reports and reports[0].approved is None else None
        rows.append(
            {
                "milestone": milestone,
                "reports": reports,
                "report_form": (
                    ReportForm(auto_id=f"id_m{milestone.pk}_%s")
                    if is_member
                    and active
                    and milestone.state in {MilestoneState.PENDING, MilestoneState.RETURNED}
                    else None
                ),
                "edit_form": (
                    MilestoneForm(
                        auto_id=f"id_e{milestone.pk}_%s",
                        initial={
                            "deliverable": milestone.deliverable,
                            "due_on": milestone.due_on,
                            "tranche": milestone.tranche,
                        },
                    )
                    if is_staff and plannable and milestone.state != MilestoneState.APPROVED
                    else None
                ),
                "review_form": (
                    ReviewForm(auto_id=f"id_r{milestone.pk}_%s")
                    if is_staff and awaiting is not None
                    else None
                ),
                "awaiting": awaiting,
            }
        )
    context = {
        "award": award,
        "call": award.application.call,
        "rows": rows,
        "totals": tranche_totals(award),
        "is_staff": is_staff,
        "is_member": is_member,
        "new_form": MilestoneForm(auto_id="id_new_%s") if is_staff and plannable else None,
        "can_record_agreement": is_staff and award.state == AwardState.AGREEMENT,
    }
    return render(request, "programs/awards/detail.html", context)


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, milestone_id: int) -> HttpResponse:
    milestone = access.milestone_for_company(request.user, milestone_id)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect("programs:award_detail", award_id=milestone.award_id)
    upload = form.cleaned_data["file"]
    data = form.cleaned_data
    try:
        milestone_report_submit(
            milestone=milestone,
            actor=request.user,
            file=upload,
            file_name=upload.name,
            size=upload.size,
            note=data["note"],
            outcomes=Outcomes(
                hires=data["hires"],
                revenue=data["revenue"],
                investment=data["investment"],
                products=data["products"],
            ),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    except IllegalTransition:
        messages.error(request, _("A report on this milestone is already awaiting review."))
    else:
        messages.success(request, _("The report was submitted. Staff were told to review it."))
    return redirect("programs:award_detail", award_id=milestone.award_id)


@login_required
def report_file(request: AuthenticatedHttpRequest, report_id: int) -> FileResponse:
    report = access.report_for_viewer(request.user, report_id)
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name)


# --- call staff --------------------------------------------------------------------------------


@login_required
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The calls with awards that the user is staff of (404 for people who staff none)."""
    if not access.may_manage_awards(request.user):
        raise Http404
    calls = list(calls_with_awards(access.calls_staffed_by(request.user))[:LIST_LIMIT])
    return render(request, "programs/awards/manage.html", {"calls": calls})


@login_required
def call_award_list(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_award_staff(request.user, call_id)
    awards = list(call_awards(call)[:LIST_LIMIT])
    rows = [(award, tranche_totals(award)) for award in awards]
    context = {
        "call": call,
        "rows": rows,
        "totals": totals_sum([totals for _, totals in rows]),
        "to_review": reports_awaiting_review(call).count(),
    }
    return render(request, "programs/awards/call.html", context)


@login_required
def review_queue(request: AuthenticatedHttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_award_staff(request.user, call_id)
    reports = list(reports_awaiting_review(call)[:LIST_LIMIT])
    rows = [(report, ReviewForm(auto_id=f"id_q{report.pk}_%s")) for report in reports]
    return render(request, "programs/awards/queue.html", {"call": call, "rows": rows})


@login_required
@require_POST
def agreement_record(request: AuthenticatedHttpRequest, award_id: int) -> HttpResponse:
    award = access.award_for_staff(request.user, award_id)
    try:
        award_agreement_record(award=award, actor=request.user)
    except IllegalTransition:
        messages.error(request, _("The agreement of this award was already recorded."))
    else:
        messages.success(request, _("The signed agreement was recorded. The award is in delivery."))
    return redirect("programs:award_detail", award_id=award.pk)


@login_required
@require_POST
def milestone_add(request: AuthenticatedHttpRequest, award_id: int) -> HttpResponse:
    award = access.award_for_staff(request.user, award_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone_create(award=award, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The milestone was added."))
    else:
        messages.error(request, _("Check the milestone: deliverable, due date and tranche."))
    return redirect("programs:award_detail", award_id=award.pk)


@login_required
@require_POST
def milestone_edit(request: AuthenticatedHttpRequest, milestone_id: int) -> HttpResponse:
    milestone = access.milestone_for_staff(request.user, milestone_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone_update(milestone=milestone, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The milestone was saved."))
    else:
        messages.error(request, _("Check the milestone: deliverable, due date and tranche."))
    return redirect("programs:award_detail", award_id=milestone.award_id)


@login_required
@require_POST
def milestone_remove(request: AuthenticatedHttpRequest, milestone_id: int) -> HttpResponse:
    milestone = access.milestone_for_staff(request.user, milestone_id)
    try:
        milestone_delete(milestone=milestone, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The milestone was deleted."))
    return redirect("programs:award_detail", award_id=milestone.award_id)


@login_required
@require_POST
def report_review(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for_staff(request.user, report_id)
    milestone: Milestone = report.milestone
    form = ReviewForm(request.POST)
    back = (
        redirect("programs:review_queue", call_id=milestone.award.application.call_id)
        if request.POST.get("next") == "queue"
        else redirect("programs:award_detail", award_id=milestone.award_id)
    )
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return back
    decision, comments = form.cleaned_data["decision"], form.cleaned_data["comments"]
    try:
        if decision == "approve":
            milestone_report_approve(report=report, actor=request.user, comments=comments)
        else:
            milestone_report_return(report=report, actor=request.user, comments=comments)
    except ValidationError as error:
        messages.error(request, error_text(error))
    except IllegalTransition:
        messages.error(request, _("This report was already reviewed."))
    else:
        messages.success(
            request,
            _("The report was approved and the tranche released. The company was told.")
            if decision == "approve"
            else _("The report was returned. The company was told."),
        )
    return back
