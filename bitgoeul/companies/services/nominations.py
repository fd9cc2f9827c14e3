"""Chapter nominations of companies to the cluster, decided by operator staff."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.enums import NominationState, NotificationKind
from bitgoeul.companies.models import Company, Nomination
from bitgoeul.companies.services.watchlists import watchers_notify

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
        kind=NotificationKind.NOMINATED,
        params={"chapter": chapter.name},
        exclude_user=actor,
    )
    return nomination


@transaction.atomic
def nomination_set_state(
    *, nomination: Nomination, state: str, actor: Any, note: str = ""
) -> Nomination:
    """Move a pending nomination to accepted, declined (operator staff, with a note) or
    withdrawn (its chapter).

    Side effects: the decider, time and note are recorded on the nomination; one audit event
    with the state before and after. Any other transition is a ValueError.
    """
    current = NominationState(nomination.state)
    if state not in TRANSITIONS[current]:
        raise ValueError(f"a {current} nomination cannot become {state}")
    nomination.state = state
    nomination.decided_by, nomination.decided_at = actor, timezone.now()
    nomination.decision_note = note
    nomination.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="nomination.set_state",
        obj=nomination,
        before={"state": current.value},
        after={"state": state, "note": note},
    )
    return nomination
