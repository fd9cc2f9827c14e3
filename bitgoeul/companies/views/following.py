"""Nominations and watchlists: how staff follow companies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts import access as accounts_access
from bitgoeul.companies import access
from bitgoeul.companies.enums import NominationState
from bitgoeul.companies.forms import DECISIONS, DecisionForm, WatchForm
from bitgoeul.companies.models import WatchlistEntry
from bitgoeul.companies.selectors import (
    nominations_by_chapters,
    nominations_inbox,
    watchlist_for,
)
from bitgoeul.companies.services.nominations import IllegalTransition, nomination_set_state
from bitgoeul.companies.services.watchlists import watchlist_add, watchlist_remove

LIST_LIMIT = 200


@login_required
def nominations(request: HttpRequest) -> HttpResponse:
    """Operator staff: the inbox by state. Chapter staff: their chapters' nominations."""
    user: Any = request.user
    access.require_staff(user)
    is_operator = accounts_access.is_operator_staff(user)
    state = request.GET.get("state", NominationState.PENDING)
    if state not in NominationState.values:
        state = NominationState.PENDING
    if is_operator:
        rows = nominations_inbox(state=state)
    else:
        rows = nominations_by_chapters(access.followed_parent_ids(user)).filter(state=state)
    nominations = list(rows[:LIST_LIMIT])
    context = {
        # each pending card has its own decision form, with no decision chosen beforehand
        "nominations": [
            (n, DecisionForm(auto_id=f"id_n{n.pk}_%s") if is_operator else None)
            for n in nominations
        ],
        "state": state,
        "states": NominationState.choices,
        "is_operator": is_operator,
    }
    return render(request, "companies/nominations.html", context)


@login_required
@require_POST
def nomination_decide(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """Two steps: the decision and note chosen on the list (or corrected here) are shown back
    for confirmation; only the confirmed form (`confirm`) records them."""
    nomination = access.nomination_for_decider(request.user, nomination_id)
    if nomination.state != NominationState.PENDING:
        messages.error(request, _("This nomination was already decided."))
        return redirect("companies:nominations")
    form = DecisionForm(request.POST)
    if not form.is_valid() or "confirm" not in request.POST or "change" in request.POST:
        context = {
            "nomination": nomination,
            "form": form,
            # a complete decision is shown back to be confirmed; otherwise it is corrected
            "confirming": form.is_valid() and "change" not in request.POST,
            "decision_label": dict(DECISIONS).get(form.cleaned_data.get("decision", "")),
        }
        return render(request, "companies/nomination_decide.html", context)
    try:
        nomination_set_state(
            nomination=nomination,
            state=form.cleaned_data["decision"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except IllegalTransition:
        messages.error(request, _("This nomination was already decided."))
    else:
        # nomination_set_state notified the nominating chapter's members
        messages.success(
            request,
            _("The decision was recorded and %(chapter)s was notified.")
            % {"chapter": nomination.chapter.name},
        )
    return redirect("companies:nominations")


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = access.nomination_for_nominator(request.user, nomination_id)
    try:
        nomination_set_state(
            nomination=nomination, state=NominationState.WITHDRAWN, actor=request.user
        )
    except IllegalTransition:
        messages.error(request, _("This nomination was already decided."))
    else:
        messages.success(request, _("The nomination was withdrawn."))
    return redirect("companies:nominations")


@login_required
@require_POST
def watch(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_watcher(request.user, org_id)
    form = WatchForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    watchlist_add(user=request.user, company=company, note=note)
    messages.success(request, _("The company is on your watchlist."))
    return redirect("companies:detail", org_id=company.pk)


@login_required
@require_POST
def unwatch(request: HttpRequest, org_id: int) -> HttpResponse:
    company = access.company_for_watcher(request.user, org_id)
    entry = get_object_or_404(WatchlistEntry, user=request.user, company=company)
    watchlist_remove(entry=entry, actor=request.user)
    messages.success(request, _("The company was taken off your watchlist."))
    if request.POST.get("next") == "watchlist":
        return redirect("companies:watchlist")
    return redirect("companies:detail", org_id=company.pk)


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    access.require_staff(user)
    # entries of companies the user may no longer watch (access ended) are not shown
    entries = [e for e in watchlist_for(user)[:LIST_LIMIT] if access.can_watch(user, e.company)]
    rows = [
        {"entry": e, "private": "potential_score" in access.company_fields(user, e.company)}
        for e in entries
    ]
    return render(request, "companies/watchlist.html", {"rows": rows})
