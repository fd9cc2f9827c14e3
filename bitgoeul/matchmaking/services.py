"""Every write of the matchmaking app. Who may call which function is decided in `access`;
these functions own the states.

Need flow (`NEED_TRANSITIONS`): a member of the requesting company writes a draft and opens it
(suppliers may then be invited), closes it when it found what it needed (or reopens it), or
withdraws it; withdrawing also withdraws the invitations still waiting for an answer.

Invitation flow (`INVITATION_TRANSITIONS`): the requester invites a supplier from the ranking
(the ranking's words and facts are kept with it); the supplier's members answer interested or
declined; the requester may withdraw an invitation not yet declined. Meetings are scheduled by
either side of an interested invitation; the requester records how it ended (`Outcome`).

Each state change locks its row, reads "before" from it, checks the transition table
(`IllegalTransition` otherwise), writes one audit event and notifies the other side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.matchmaking import notification_kinds as notices
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind
from bitgoeul.matchmaking.models import Invitation, Meeting, Need, Outcome, SupplierProfile
from bitgoeul.matchmaking.ranking import need_text, supplier_filter
from bitgoeul.search.terms import document_terms

NEED_TRANSITIONS: dict[str, set[str]] = {
    NeedState.DRAFT: {NeedState.OPEN, NeedState.WITHDRAWN},
    NeedState.OPEN: {NeedState.CLOSED, NeedState.WITHDRAWN},
    NeedState.CLOSED: {NeedState.OPEN},
    NeedState.WITHDRAWN: set(),
}
INVITATION_TRANSITIONS: dict[str, set[str]] = {
    InvitationState.INVITED: {
        InvitationState.ACCEPTED,
        InvitationState.DECLINED,
        InvitationState.WITHDRAWN,
    },
    InvitationState.ACCEPTED: {InvitationState.WITHDRAWN},
    InvitationState.DECLINED: set(),
    InvitationState.WITHDRAWN: set(),
}
NEED_FIELDS_WRITTEN = (
    "title",
    "description",
    "sector",
    "budget_min_krw",
    "budget_max_krw",
    "data_available",
    "timing",
    "starts_by",
    "preferred_province",
)
NEED_ACTIONS: dict[str, str] = {
    NeedState.OPEN: "matchmaking.need_open",
    NeedState.CLOSED: "matchmaking.need_close",
    NeedState.WITHDRAWN: "matchmaking.need_withdraw",
}


class IllegalTransition(ValueError):
    """A need or invitation asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"cannot move from {current!r} to {wanted!r}")
        self.current, self.wanted = current, wanted


def _values(need: Need) -> dict[str, Any]:
    values = {name: getattr(need, name) for name in NEED_FIELDS_WRITTEN}
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}


def _check_need(data: dict[str, Any]) -> None:
    low, high = data.get("budget_min_krw"), data.get("budget_max_krw")
    if low is not None and high is not None and high < low:
        raise ValidationError(
            {"budget_max_krw": _("The budget's upper end must not be below its lower end.")}
        )


def _index(need: Need) -> None:
    need.search_terms = document_terms(need_text(need.title, need.description, need.data_available))


# --- supplier profile --------------------------------------------------------------------------


@transaction.atomic
def supplier_profile_save(
    *, company: Company, actor: Any, accepts_needs: bool, capacity: int, pitch: str
) -> SupplierProfile:
    """Create or change the company's matchmaking profile (one audit event with what changed)."""
    profile = SupplierProfile.objects.select_for_update().filter(company=company).first()
    before = (
        {
            "accepts_needs": profile.accepts_needs,
            "capacity": profile.capacity,
            "pitch": profile.pitch,
        }
        if profile
        else {}
    )
    if profile is None:
        profile = SupplierProfile(company=company)
    profile.accepts_needs, profile.capacity, profile.pitch = accepts_needs, capacity, pitch
    profile.updated_at = timezone.now()
    profile.save()
    after = {"accepts_needs": accepts_needs, "capacity": capacity, "pitch": pitch}
    audit_record(
        actor=actor,
        action="matchmaking.profile_save",
        obj=company,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before.get(k) != v},
    )
    return profile


# --- needs -------------------------------------------------------------------------------------


@transaction.atomic
def need_create(*, company: Company, actor: Any, data: dict[str, Any]) -> Need:
    """A draft need of the company (not yet shown to suppliers)."""
    _check_need(data)
    need = Need(company=company, created_by=actor, **{k: data[k] for k in data})
    _index(need)
    need.full_clean(exclude=["search_terms", "created_by"])
    need.save()
    audit_record(actor=actor, action="matchmaking.need_create", obj=need, after=_values(need))
    return need


@transaction.atomic
def need_update(*, need: Need, actor: Any, data: dict[str, Any]) -> Need:
    """Change what the need says, while it is a draft or open; audits the fields changed."""
    current = Need.objects.select_for_update().get(pk=need.pk)
    if current.state not in {NeedState.DRAFT, NeedState.OPEN}:
        raise ValidationError(_("A closed or withdrawn need can no longer be changed."))
    _check_need(data)
    before = _values(current)
    for key, value in data.items():
        if key not in NEED_FIELDS_WRITTEN:
            raise ValueError(f"not a need field: {key}")
        setattr(current, key, value)
    _index(current)
    current.full_clean(exclude=["search_terms", "created_by"])
    current.save()
    after = _values(current)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=actor,
            action="matchmaking.need_update",
            obj=current,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return current


@transaction.atomic
def need_set_state(*, need: Need, actor: Any, state: str) -> Need:
    """Move the need along `NEED_TRANSITIONS`. Side effects: opening stamps `opened_at` (the
    first time); closing or withdrawing stamps `closed_at`; withdrawing also withdraws the
    invitations still waiting for an answer and tells those suppliers."""
    current = (
        Need.objects.select_for_update().select_related("company__organization").get(pk=need.pk)
    )
    before = current.state
    if state not in NEED_TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    current.state = state
    now = timezone.now()
    if state == NeedState.OPEN:
        current.opened_at = current.opened_at or now
        current.closed_at = None
    else:
        current.closed_at = now
    current.save(update_fields=["state", "opened_at", "closed_at"])
    audit_record(
        actor=actor,
        action=NEED_ACTIONS[state],
        obj=current,
        before={"state": before},
        after={"state": state},
    )
    if state == NeedState.WITHDRAWN:
        waiting = Invitation.objects.select_for_update().filter(
            need=current, state=InvitationState.INVITED
        )
        for invitation in waiting:
            _invitation_move(invitation, InvitationState.WITHDRAWN, actor=actor, answer="")
    return current


# --- invitations -------------------------------------------------------------------------------


def is_supplier_for(viewer: Any, need: Need, supplier: Company) -> bool:
    """The supplier may be invited to this need by this viewer (the ranking's own filter)."""
    where = supplier_filter(viewer, exclude_company_id=need.company_id)
    return Company.objects.filter(where, pk=supplier.pk).exists()


@transaction.atomic
def invitation_create(
    *,
    need: Need,
    supplier: Company,
    actor: Any,
    message: str,
    ranking: dict[str, Any] | None = None,
) -> Invitation:
    """Invite a supplier to an open need (once per supplier); the supplier's members are
    notified. `ranking` is what the ranking said of it when invited (rank, words, facts)."""
    current = Need.objects.select_for_update().get(pk=need.pk)
    if current.state != NeedState.OPEN:
        raise ValidationError(_("Open the need before you invite suppliers."))
    if not is_supplier_for(actor, current, supplier):
        raise ValidationError(_("This company does not take requests from regional companies."))
    if Invitation.objects.filter(need=current, supplier=supplier).exists():
        raise ValidationError(_("This supplier is already invited to this need."))
    invitation = Invitation.objects.create(
        need=current, supplier=supplier, message=message, ranking=ranking or {}, invited_by=actor
    )
    audit_record(
        actor=actor,
        action="matchmaking.invite",
        obj=current,
        after={"supplier": supplier.pk, "invitation": invitation.pk},
    )
    notices.invited_notify(invitation=invitation, actor=actor)
    return invitation


INVITATION_ACTIONS: dict[str, str] = {
    InvitationState.ACCEPTED: "matchmaking.invitation_accept",
    InvitationState.DECLINED: "matchmaking.invitation_decline",
    InvitationState.WITHDRAWN: "matchmaking.invitation_withdraw",
}


def _invitation_move(invitation: Invitation, state: str, *, actor: Any, answer: str) -> Invitation:
    before = invitation.state
    if state not in INVITATION_TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    invitation.state = state
    fields = ["state"]
    if state in {InvitationState.ACCEPTED, InvitationState.DECLINED}:
        invitation.answer, invitation.answered_by = answer, actor
        invitation.answered_at = timezone.now()
        fields += ["answer", "answered_by", "answered_at"]
    invitation.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=INVITATION_ACTIONS[state],
        obj=invitation.need,
        before={"state": before},
        after={"state": state, "invitation": invitation.pk, "supplier": invitation.supplier_id},
    )
    if state == InvitationState.WITHDRAWN:
        notices.withdrawn_notify(invitation=invitation, actor=actor)
    else:
        notices.answered_notify(invitation=invitation, actor=actor)
    return invitation


@transaction.atomic
def invitation_set_state(
    *, invitation: Invitation, actor: Any, state: str, answer: str = ""
) -> Invitation:
    """Answer (interested or declined, by the supplier's members, with a note) or withdraw (by
    the requester) an invitation, along `INVITATION_TRANSITIONS`; the other side is notified."""
    current = (
        Invitation.objects.select_for_update()
        .select_related("need__company__organization", "supplier__organization")
        .get(pk=invitation.pk)
    )
    if state in {InvitationState.ACCEPTED, InvitationState.DECLINED} and (
        current.need.state != NeedState.OPEN
    ):
        raise ValidationError(_("The need is no longer open."))
    return _invitation_move(current, state, actor=actor, answer=answer)


# --- meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    invitation: Invitation,
    actor: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    note: str = "",
) -> Meeting:
    """A meeting of the requester and an interested supplier; the other side is notified."""
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.state != InvitationState.ACCEPTED:
        raise ValidationError(_("Meetings can be scheduled once the supplier is interested."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    meeting = Meeting.objects.create(
        invitation=current,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        note=note,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="matchmaking.meeting_schedule",
        obj=current.need,
        after={
            "meeting": meeting.pk,
            "supplier": current.supplier_id,
            "starts_at": starts_at.isoformat(),
            "place": place,
        },
    )
    notices.meeting_notify(meeting=meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: Any) -> Meeting:
    """Cancel a meeting not yet cancelled; the other side is notified."""
    current = (
        Meeting.objects.select_for_update().select_related("invitation__need").get(pk=meeting.pk)
    )
    if current.cancelled_at is not None:
        raise ValidationError(_("This meeting is already cancelled."))
    current.cancelled_at = timezone.now()
    current.save(update_fields=["cancelled_at"])
    audit_record(
        actor=actor,
        action="matchmaking.meeting_cancel",
        obj=current.invitation.need,
        before={"cancelled_at": None},
        after={"meeting": current.pk, "cancelled_at": current.cancelled_at.isoformat()},
    )
    notices.meeting_notify(meeting=current, actor=actor)
    return current


# --- outcomes ----------------------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *, invitation: Invitation, actor: Any, kind: str, amount_krw: int | None, note: str
) -> Outcome:
    """How the conversation with an interested supplier ended (recorded again: corrected).
    A contract carries its amount; the others none. Feeds the companies' track record
    (`track_record`) and the pipeline's figures."""
    current = Invitation.objects.select_for_update().select_related("need").get(pk=invitation.pk)
    if current.state != InvitationState.ACCEPTED:
        raise ValidationError(_("Record an outcome once the supplier is interested."))
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": _("Choose how the conversation ended.")})
    if kind == OutcomeKind.CONTRACT and not amount_krw:
        raise ValidationError({"amount_krw": _("Enter the contract amount in won.")})
    if kind != OutcomeKind.CONTRACT:
        amount_krw = None
    outcome = Outcome.objects.filter(invitation=current).first()
    before = {"kind": outcome.kind, "amount_krw": outcome.amount_krw} if outcome else {}
    if outcome is None:
        outcome = Outcome(invitation=current)
    outcome.kind, outcome.amount_krw, outcome.note = kind, amount_krw, note
    outcome.recorded_by, outcome.recorded_at = actor, timezone.now()
    outcome.save()
    audit_record(
        actor=actor,
        action="matchmaking.outcome_record",
        obj=current.need,
        before=before,
        after={"kind": kind, "amount_krw": amount_krw, "supplier": current.supplier_id},
    )
    notices.outcome_notify(outcome=outcome, actor=actor)
    return outcome
