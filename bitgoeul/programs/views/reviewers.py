"""Pages of the review area: the reviewer pool, profiles and ties, conflicts of a call, and
the reviewer's own conflict declarations (phone-sized)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.brn import brn_normalize
from bitgoeul.accounts.models import Organization, User
from bitgoeul.programs import access
from bitgoeul.programs.enums import ConflictSource
from bitgoeul.programs.models import Reviewer, ReviewerTie
from bitgoeul.programs.selectors import (
    call_conflicts,
    call_review_applications,
    reviewer_open_assignments,
    reviewer_pool,
)
from bitgoeul.programs.services.conflicts import (
    AlreadyDeclared,
    ConflictExists,
    conflict_declare,
    conflict_record,
    conflicts_find,
)
from bitgoeul.programs.services.reviewers import (
    TieError,
    reviewer_add,
    reviewer_tie_add,
    reviewer_tie_delete,
    reviewer_update,
)
from bitgoeul.programs.views.review_forms import (
    DeclarationForm,
    ReviewerAddForm,
    ReviewerProfileForm,
    StaffConflictForm,
    TieForm,
)

LIST_LIMIT = 500


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    access.require_reviewer_manager(request.user)
    form = ReviewerAddForm()
    if request.method == "POST":
        form = ReviewerAddForm(request.POST)
        if form.is_valid():
            user = User.objects.filter(
                email__iexact=form.cleaned_data["email"], is_active=True
            ).first()
            if user is None:
                form.add_error("email", _("No account has this e-mail address."))
            else:
                reviewer = reviewer_add(
                    user=user, actor=request.user, max_load=form.cleaned_data["max_load"]
                )
                messages.success(request, _("%(name)s is in the reviewer pool.") % {"name": user})
                return redirect("programs:reviewer_edit", reviewer_id=reviewer.pk)
    reviewers = list(reviewer_pool()[:LIST_LIMIT])
    return render(request, "programs/review/pool.html", {"reviewers": reviewers, "form": form})


@login_required
def reviewer_edit(request: HttpRequest, reviewer_id: int) -> HttpResponse:
    """The profile, for pool managers and for the reviewer themself."""
    reviewer = access.reviewer_for_editor(request.user, reviewer_id)
    profile = reviewer.user.reviewer_profile
    initial = {
        "technologies": list(reviewer.technologies.all()),
        "expertise": profile.expertise,
        "max_load": reviewer.max_load,
    }
    form = ReviewerProfileForm(initial=initial)
    if request.method == "POST":
        form = ReviewerProfileForm(request.POST)
        if form.is_valid():
            reviewer_update(
                reviewer=reviewer,
                actor=request.user,
                max_load=form.cleaned_data["max_load"],
                technologies=form.cleaned_data["technologies"],
                expertise=form.cleaned_data["expertise"],
            )
            messages.success(request, _("The profile was saved."))
            return redirect("programs:reviewer_edit", reviewer_id=reviewer.pk)
    context = {
        "reviewer": reviewer,
        "form": form,
        "tie_form": TieForm(),
        "ties": list(reviewer.ties.select_related("organization").order_by("-started_on", "pk")),
        "is_self": reviewer.pk == getattr(request.user, "pk", None),
    }
    return render(request, "programs/review/reviewer_edit.html", context)


@login_required
@require_POST
def tie_add(request: HttpRequest, reviewer_id: int) -> HttpResponse:
    reviewer = access.reviewer_for_editor(request.user, reviewer_id)
    form = TieForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        number = brn_normalize(data["business_number"])
        organization = Organization.objects.filter(brn=number).first() if number else None
        try:
            reviewer_tie_add(
                reviewer=reviewer,
                actor=request.user,
                kind=data["kind"],
                organization=organization,
                business_number=number,
                name=data["name"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
            )
        except TieError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The tie was recorded."))
    else:
        messages.error(request, _("Check the dates of the tie."))
    return redirect("programs:reviewer_edit", reviewer_id=reviewer.pk)


@login_required
@require_POST
def tie_delete(request: HttpRequest, reviewer_id: int, tie_id: int) -> HttpResponse:
    reviewer = access.reviewer_for_editor(request.user, reviewer_id)
    tie = get_object_or_404(ReviewerTie, pk=tie_id, reviewer=reviewer)
    reviewer_tie_delete(tie=tie, actor=request.user)
    messages.success(request, _("The tie was deleted."))
    return redirect("programs:reviewer_edit", reviewer_id=reviewer.pk)


def _staff_conflict_form(call: Any, data: Any = None) -> StaffConflictForm:
    return StaffConflictForm(
        data,
        prefix="record",
        applications=call_review_applications(call).order_by("pk"),
        reviewers=Reviewer.objects.select_related("user").order_by("user__name", "pk"),
    )


@login_required
def call_conflicts_page(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    form = _staff_conflict_form(call)
    if request.method == "POST" and request.POST.get("action") == "record":
        form = _staff_conflict_form(call, request.POST)
        if form.is_valid():
            try:
                conflict_record(
                    application=form.cleaned_data["application"],
                    reviewer=form.cleaned_data["reviewer"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except ConflictExists:
                form.add_error(None, _("Staff already recorded this conflict of interest."))
            else:
                messages.success(request, _("The conflict of interest is recorded."))
                return redirect("programs:call_conflicts", call_id=call.pk)
    elif request.method == "POST":
        report = conflicts_find(call=call, actor=request.user)
        messages.success(
            request,
            _("%(found)s conflicts of interest found from data (%(created)s new).")
            % {"found": report.found, "created": report.created},
        )
        return redirect("programs:call_conflicts", call_id=call.pk)
    conflicts = list(call_conflicts(call)[:LIST_LIMIT])
    return render(
        request,
        "programs/review/conflicts.html",
        {
            "call": call,
            "conflicts": conflicts,
            "declared": ConflictSource.DECLARED,
            "record_form": form,
        },
    )


@login_required
def declarations(request: HttpRequest) -> HttpResponse:
    """The reviewer's assigned applications, each with its declaration."""
    user: Any = request.user
    rows = [
        {
            "assignment": assignment,
            "identity": "identity" in access.reviewer_row_fields(assignment.application),
        }
        for assignment in reviewer_open_assignments(user)[:LIST_LIMIT]
    ]
    in_pool = Reviewer.objects.filter(pk=user.pk).exists()
    return render(request, "programs/review/declarations.html", {"rows": rows, "in_pool": in_pool})


@login_required
def declare(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = access.assignment_for_reviewer(request.user, assignment_id)
    application = assignment.application
    shown = access.application_fields(request.user, application)
    form = DeclarationForm()
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            conflict = form.cleaned_data["conflict"] == "yes"
            try:
                conflict_declare(
                    assignment=assignment,
                    actor=request.user,
                    conflict=conflict,
                    note=form.cleaned_data["note"],
                )
            except AlreadyDeclared:
                messages.error(request, _("You already declared on this application."))
            else:
                if conflict:
                    messages.success(
                        request,
                        _(
                            "Your conflict of interest was recorded. The application was "
                            "taken off your list and staff were told."
                        ),
                    )
                else:
                    messages.success(request, _("You declared no conflict of interest."))
            return redirect("programs:review_declarations")
    context = {
        "assignment": assignment,
        "application": application,
        "identity": "identity" in shown,
        "form": form,
    }
    return render(request, "programs/review/declare.html", context)
