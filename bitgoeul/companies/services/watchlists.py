"""Staff users' watchlists, and notices to the staff watching a company."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bitgoeul.audit.services import audit_record
from bitgoeul.companies import access
from bitgoeul.companies.models import Company, WatchlistEntry
from bitgoeul.notifications.services import notify


@transaction.atomic
def watchlist_add(*, user: Any, company: Company, note: str = "") -> WatchlistEntry:
    """Watch a company (again: the note is replaced, and the audit event keeps the old one,
    read from the locked row)."""
    existing = WatchlistEntry.objects.select_for_update().filter(user=user, company=company).first()
    entry, created = WatchlistEntry.objects.update_or_create(
        user=user, company=company, defaults={"note": note}
    )
    audit_record(
        actor=user,
        action="watchlist.add" if created else "watchlist.note",
        obj=entry,
        before={"note": existing.note} if existing else None,
        after={"company": company.pk, "note": note},
    )
    return entry


@transaction.atomic
def watchlist_remove(*, entry: WatchlistEntry, actor: Any) -> None:
    audit_record(
        actor=actor, action="watchlist.remove", obj=entry, before={"company": entry.company_id}
    )
    entry.delete()


@transaction.atomic
def watchlist_prune(*, user: Any, actor: Any) -> int:
    """Drop the user's watchlist entries for companies they may no longer watch (after they
    left an organisation or lost a role); one audit event per entry. Returns how many."""
    dropped = 0
    entries = WatchlistEntry.objects.filter(user=user).select_related("company__organization")
    for entry in entries:
        if access.can_watch(user, entry.company):
            continue
        audit_record(
            actor=actor,
            action="watchlist.remove",
            obj=entry,
            before={"company": entry.company_id, "user": user.pk},
            after={"reason": "access ended"},
        )
        entry.delete()
        dropped += 1
    return dropped


def watchers_notify(
    *, company: Company, kind: str, params: dict[str, Any], actor: Any = None
) -> int:
    """Notify every staff user watching the company (but not the actor), inside the caller's
    transaction, through `bitgoeul.notifications`: a watcher who may not see what the kind
    reveals gets nothing. Other apps call this when a watched company does something, e.g.
    applies to a call (`kind=notification_kinds.APPLIED`, `params={"what": call title}`).
    Returns the number of in-app notices."""
    watchers = WatchlistEntry.objects.filter(company=company).select_related("user")
    if getattr(actor, "pk", None):
        watchers = watchers.exclude(user=actor)
    return notify(
        recipients=[entry.user for entry in watchers],
        kind=kind,
        obj=company,
        params=params,
        actor=actor,
    )
