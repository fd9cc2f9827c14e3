"""Chapter nominations of companies to the cluster, decided by operator staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.selectors import organization_members
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.enums import NominationState
from bitgoeul.companies.models import Company, Nomination
from bitgoeul.companies.notification_kinds import NOMINATED, NOMINATION_DECIDED
from bitgoeul.companies.services.watchlists import watchers_notify
from bitgoeul.notifications.services import notify

# state → the states a nomination may move to from it
TRANSITIONS = {
    NominationState.PENDING: {
        NominationState.ACCEPTED,
        NominationState.DECLINED,
        NominationState.WITHDRAWN,
    },
    NominationState.ACCEPTED: set(),
    NominationState.DECLINED: set(),
    NominationState.WITHDRAWN: set(),
}


@transaction.atomic
def nomination_create(
    *,
    company: Company,
    chapter: Organization,
    actor: Any,
    reason: str,
    evidence: str = "",
    programme: str = "",
) -> Nomination:
    """A chapter's nomination of a company to the cluster (pending until operator staff
    decide); staff watching the company are told."""
    nomination = Nomination.objects.create(
        company=company,
        chapter=chapter,
        nominated_by=actor,
        reason=reason,
        evidence=evidence,
        programme=programme,
    )
    audit_record(
        actor=actor,
        action="nomination.create",
        obj=nomination,
        after={
            "company": company.pk,
            "chapter": chapter.pk,
            "reason": reason,
            "evidence": evidence,
            "programme": programme,
        },
    )
    watchers_notify(
        company=company,
        kind=NOMINATED,
        params={"chapter": chapter.name},
        actor=actor,
    )
    return nomination


class IllegalTransition(ValueError):
    """A nomination asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} nomination cannot become {wanted}")
        self.current, self.wanted = current, wanted


@transaction.atomic
def nomination_set_state(
    *, nomination: Nomination, state: str, actor: Any, note: str = ""
) -> Nomination:
    """Move a pending nomination to accepted, declined (operator staff, with a note) or
    withdrawn (its chapter); who may ask for which is decided in `access`.

    The row is locked and its state read again from the database, so that two decisions
    sent at the same time cannot both pass the check: the second sees the first's state and
    gets IllegalTransition, as does any move `TRANSITIONS` does not list. Side effects: the
    decider, time and note are recorded on the nomination; one audit event with the state
    before and after; an accepted or declined nomination notifies the nominating chapter's
    members (`nomination_decided_notify`). The instance passed in is brought up to date.
    """
    current = Nomination.objects.select_for_update().get(pk=nomination.pk)
    before = NominationState(current.state)
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before.value, state)
    current.state = state
    current.decided_by, current.decided_at = actor, timezone.now()
    current.decision_note = note
    current.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    for field in ("state", "decided_by", "decided_at", "decision_note"):
        setattr(nomination, field, getattr(current, field))
    audit_record(
        actor=actor,
        action="nomination.set_state",
        obj=current,
        before={"state": before.value},
        after={"state": state, "note": note},
    )
    nomination_decided_notify(nomination=nomination, actor=actor)  # notifications (issue 8)
    return nomination


def nomination_decided_notify(*, nomination: Nomination, actor: Any) -> int:
    """Tell the nominating chapter's members that operator staff accepted or declined the
    nomination (a withdrawal is the chapter's own act: nobody is told). Inside the caller's
    transaction; returns the number of in-app notices."""
    if nomination.state not in {NominationState.ACCEPTED, NominationState.DECLINED}:
        return 0
    members = organization_members(nomination.chapter).exclude(user=actor)
    return notify(
        recipients=[membership.user for membership in members],
        kind=NOMINATION_DECIDED,
        obj=nomination,
        params={"state": nomination.state, "note": nomination.decision_note},
        actor=actor,
    )
