from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bitgoeul.accounts.models import User
from bitgoeul.audit.models import AuditEvent

# A page that shows events as sentences (the operator home's recent activity) calls these.
from bitgoeul.audit.presenters import AuditEventView, audit_event_sentence, audit_events_present


def audit_event_list(
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    actor_email: str = "",  # exports queued before the person search was added
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor:
        # a name or an e-mail address, or part of one (erased accounts hold neither)
        events = events.filter(Q(actor__name__icontains=actor) | Q(actor__email__icontains=actor))
    if actor_email:
        events = events.filter(actor__email__iexact=actor_email)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


def actor_label(actor: User | None) -> str:
    """Who did it, read from the user row when shown: the audit trail itself holds only ids,
    so an erased account shows as a tombstone ("deleted user #12") and no name or address."""
    if actor is None:
        return ""
    if actor.deleted_at is not None:
        return f"deleted user #{actor.pk}"
    return actor.email


__all__ = [
    "AuditEventView",
    "actor_label",
    "audit_event_list",
    "audit_event_sentence",
    "audit_events_present",
]
