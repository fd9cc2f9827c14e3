"""Staff users' watchlists and the in-app notices about the companies they watch."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.companies import access
from bitgoeul.companies.models import Company, Notification, WatchlistEntry


@transaction.atomic
def watchlist_add(*, user: Any, company: Company, note: str = "") -> WatchlistEntry:
    """Watch a company (again: the note is replaced)."""
    entry, created = WatchlistEntry.objects.update_or_create(
        user=user, company=company, defaults={"note": note}
    )
    audit_record(
        actor=user,
        action="watchlist.add" if created else "watchlist.note",
        obj=entry,
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
    *, company: Company, kind: str, params: dict[str, Any], exclude_user: Any = None
) -> int:
    """Tell every staff user watching the company (a notice in the app), inside the caller's
    transaction. Other apps call this when a watched company does something, e.g. applies to
    a call (`kind="applied"`, `params={"what": call title}`). Returns the number of notices."""
    watchers = WatchlistEntry.objects.filter(company=company)
    if exclude_user is not None and getattr(exclude_user, "pk", None):
        watchers = watchers.exclude(user=exclude_user)
    notices = [
        Notification(recipient_id=user_id, company=company, kind=kind, params=params)
        for user_id in watchers.values_list("user_id", flat=True)
    ]
    Notification.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def notifications_mark_read(*, user: Any) -> int:
    """Mark all the user's notices read (not audited: it changes nothing anyone decides on)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
