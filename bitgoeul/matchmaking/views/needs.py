"""Pages of needs: the list each side sees, the form, and the need page — for the requester the
ranked suppliers with their words and facts and every invitation; for an invited supplier its
own invitation; for staff following the need every invitation. Acts are POSTs that redirect
back to the need page with a message saying what happened or what to fix."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.companies.models import Company
from bitgoeul.core.http import error_text
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.matchmaking import access, forms, selectors, services
from bitgoeul.matchmaking.enums import InvitationState, NeedState
from bitgoeul.matchmaking.models import Invitation, Need
from bitgoeul.matchmaking.presenters import facts_text, province_name
from bitgoeul.matchmaking.ranking import RankedSupplier, need_text, rank_suppliers

LIST_LIMIT = 200
STATE_ACTIONS: dict[str, str] = {
    NeedState.OPEN: "open",
    NeedState.CLOSED: "close",
    NeedState.WITHDRAWN: "withdraw",
}


def _back(need_id: int) -> HttpResponse:
    return redirect("matchmaking:need_detail", need_id=need_id)


def _ranking(request: AuthenticatedHttpRequest, need: Need) -> list[RankedSupplier]:
    return rank_suppliers(
        viewer=request.user,
        text=need_text(need.title, need.description, need.data_available),
        province=need.preferred_province or need.company.province,
        exclude_company_id=need.company_id,
    )


@login_required
def need_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not access.uses_matchmaking(user):
        raise PermissionDenied
    return render(
        request,
        "matchmaking/list.html",
        {
            "needs": list(selectors.needs_of_my_companies(user)[:LIST_LIMIT]),
            "invitations": list(selectors.invitations_received(user)[:LIST_LIMIT]),
            "can_post": access.can_post_need(user),
            "can_profile": access.supplier_companies(user).exists(),
            "can_pipeline": access.can_view_pipeline(user),
        },
    )


@login_required
def need_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_post_need(request.user):
        raise PermissionDenied
    companies = access.requesting_companies(request.user)
    form = forms.NeedForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(
                company=form.cleaned_data["company"], actor=request.user, data=form.need_data()
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Your need is saved as a draft. Open it when you want suppliers invited."),
            )
            return _back(need.pk)
    return render(request, "matchmaking/form.html", {"form": form, "need": None})


@login_required
def need_edit(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    need = access.need_for_viewer(request.user, need_id, ViewLevel.PRIVATE)
    access.require(access.can_edit_need(request.user, need))
    companies = Company.objects.filter(pk=need.company_id).select_related("organization")
    initial = {name: getattr(need, name) for name in services.NEED_FIELDS_WRITTEN}
    form = forms.NeedForm(
        request.POST or None, companies=companies, initial={**initial, "company": need.company}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, actor=request.user, data=form.need_data())
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The need is saved."))
            return _back(need.pk)
    return render(request, "matchmaking/form.html", {"form": form, "need": need})


def _invitation_rows(
    request: AuthenticatedHttpRequest, invitations: list[Invitation]
) -> list[dict[str, Any]]:
    user = request.user
    return [
        {
            "invitation": invitation,
            "facts": facts_text(invitation.ranking.get("facts", [])),
            "words": invitation.ranking.get("words", []),
            "can_answer": access.can_answer(user, invitation),
            "can_withdraw": access.can_withdraw_invitation(user, invitation),
            "can_schedule": access.can_schedule(user, invitation),
            "can_record": access.can_record_outcome(user, invitation),
            "outcome": getattr(invitation, "outcome", None),
            "meetings": list(invitation.meetings.all()),
            # one set of forms per invitation: ids must stay unique on the page
            "answer_form": forms.AnswerForm(auto_id=f"answer{invitation.pk}_%s"),
            "meeting_form": forms.MeetingForm(auto_id=f"meeting{invitation.pk}_%s"),
            "outcome_form": forms.OutcomeForm(auto_id=f"outcome{invitation.pk}_%s"),
        }
        for invitation in invitations
    ]


@login_required
def need_detail(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    user = request.user
    need = access.need_for_viewer(user, need_id)
    level = access.need_view_level(user, need)
    context: dict[str, Any] = {
        "need": need,
        "shown": access.need_fields(user, need),
        "province": province_name(need.preferred_province),
        "is_requester": access.is_requester(user, need),
        "private": level >= ViewLevel.PRIVATE,
        "can_edit": access.can_edit_need(user, need),
        "next_states": [
            (state, STATE_ACTIONS[state])
            for state in services.NEED_TRANSITIONS[need.state]
            if access.can_change_need_state(user, need)
        ],
    }
    if level >= ViewLevel.PRIVATE:
        invitations = selectors.invitations_of_need(need)
    else:  # an invited supplier: its own invitation only
        mine = access.company_org_ids(user)
        invitations = [
            i
            for i in selectors.invitations_of_need(need)
            if i.supplier_id in mine and i.state in access.LIVE_INVITATION_STATES
        ]
    context["invitations"] = _invitation_rows(request, invitations)
    if access.can_see_ranking(user, need) and need.state in {NeedState.DRAFT, NeedState.OPEN}:
        invited = {i.supplier_id for i in invitations}
        context["ranking"] = [
            {
                "rank": rank,
                "supplier": supplier,
                "facts": facts_text(supplier.facts),
                "invited": supplier.company_id in invited,
                "form": forms.InviteForm(
                    auto_id=f"invite{rank}_%s", initial={"supplier": supplier.company_id}
                ),
            }
            for rank, supplier in enumerate(_ranking(request, need), start=1)
        ]
        context["can_invite"] = access.can_invite(user, need)
    return render(request, "matchmaking/detail.html", context)


@login_required
@require_POST
def need_state(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    need = access.need_for_viewer(request.user, need_id, ViewLevel.PRIVATE)
    access.require(access.can_change_need_state(request.user, need))
    state = request.POST.get("state", "")
    if state not in services.NEED_TRANSITIONS[need.state]:
        messages.error(request, _("This need cannot move to that state from where it is."))
        return _back(need.pk)
    services.need_set_state(need=need, actor=request.user, state=state)
    messages.success(
        request,
        {
            NeedState.OPEN: _("The need is open: invite the suppliers you want to talk to."),
            NeedState.CLOSED: _("The need is closed."),
            NeedState.WITHDRAWN: _("The need is withdrawn."),
        }[NeedState(state)],
    )
    return _back(need.pk)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, need_id: int) -> HttpResponse:
    need = access.need_for_viewer(request.user, need_id, ViewLevel.PRIVATE)
    access.require(access.can_invite(request.user, need))
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a supplier from the ranking."))
        return _back(need.pk)
    supplier = Company.objects.filter(pk=form.cleaned_data["supplier"]).first()
    if supplier is None:
        messages.error(request, _("Choose a supplier from the ranking."))
        return _back(need.pk)
    ranking = {}
    for rank, ranked in enumerate(_ranking(request, need), start=1):
        if ranked.company_id == supplier.pk:
            ranking = ranked.as_json(rank)
    try:
        services.invitation_create(
            need=need,
            supplier=supplier,
            actor=request.user,
            message=form.cleaned_data["message"],
            ranking=ranking,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The supplier is invited and will be notified."))
    return _back(need.pk)


@login_required
@require_POST
def invitation_answer(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access.invitation_for_viewer(request.user, invitation_id)
    access.require(access.can_answer(request.user, invitation))
    state = request.POST.get("state", "")
    form = forms.AnswerForm(request.POST)
    if state not in {InvitationState.ACCEPTED, InvitationState.DECLINED} or not form.is_valid():
        messages.error(request, _("Answer that you are interested or that you decline."))
        return _back(invitation.need_id)
    try:
        services.invitation_set_state(
            invitation=invitation,
            actor=request.user,
            state=state,
            answer=form.cleaned_data["answer"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your answer is sent to the requesting company."))
    return _back(invitation.need_id)


@login_required
@require_POST
def invitation_withdraw(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access.invitation_for_viewer(request.user, invitation_id)
    access.require(access.can_withdraw_invitation(request.user, invitation))
    services.invitation_set_state(
        invitation=invitation, actor=request.user, state=InvitationState.WITHDRAWN
    )
    messages.success(request, _("The invitation is withdrawn."))
    return _back(invitation.need_id)


@login_required
@require_POST
def meeting_create(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access.invitation_for_viewer(request.user, invitation_id)
    access.require(access.can_schedule(request.user, invitation))
    form = forms.MeetingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(invitation.need_id)
    try:
        services.meeting_schedule(invitation=invitation, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The meeting is scheduled and the other side is notified."))
    return _back(invitation.need_id)


@login_required
@require_POST
def meeting_cancel(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.meeting_for_viewer(request.user, meeting_id)
    access.require(access.can_schedule(request.user, meeting.invitation))
    try:
        services.meeting_cancel(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The meeting is cancelled and the other side is notified."))
    return _back(meeting.invitation.need_id)


@login_required
@require_POST
def outcome_create(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access.invitation_for_viewer(request.user, invitation_id)
    access.require(access.can_record_outcome(request.user, invitation))
    form = forms.OutcomeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(invitation.need_id)
    try:
        services.outcome_record(invitation=invitation, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The outcome is recorded."))
    return _back(invitation.need_id)
