"""Registrations for events: registering (confirmed while seats are left, otherwise on the
waitlist), cancelling (the first waitlisted, in the order they joined, takes the seat), door
check-in by the QR code's token, and the reminder the day before.

Every change that counts seats locks the event's row first (`_lock_event`), so two people
registering or cancelling at once cannot oversell the seats or promote twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.promotion.enums import ACTIVE_REGISTRATION_STATES, EventState, RegistrationState
from bitgoeul.promotion.models import Event, Registration

TRANSITIONS: dict[str, set[str]] = {
    RegistrationState.WAITLISTED: {RegistrationState.CONFIRMED, RegistrationState.CANCELLED},
    RegistrationState.CONFIRMED: {RegistrationState.CANCELLED},
    RegistrationState.CANCELLED: set(),
}

# `bitgoeul events remind` runs every hour and reminds of events starting within this window,
# once per registration (`Registration.reminded_at`).
REMIND_AHEAD = dt.timedelta(hours=24)


class RegistrationRefused(ValueError):
    """A registration or check-in that cannot be made; the message says why, for the person."""


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} registration cannot become {wanted}")


def _lock_event(event_id: int) -> Event:
    """The event's row, locked until the transaction ends (SELECT … FOR UPDATE on PostgreSQL).
    SQLite ignores FOR UPDATE but lets one writer at a time commit what it read: a second
    writer that counted the same seats fails ("locked") rather than oversells."""
    return Event.objects.select_for_update(of=("self",)).get(pk=event_id)


def seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED).count()


def seats_left(event: Event) -> int | None:
    """Seats left, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def registration_closes_at(event: Event) -> dt.datetime:
    return event.registration_closes_at or event.starts_at


def registration_open(event: Event, now: dt.datetime) -> bool:
    if event.state != EventState.PUBLISHED:
        return False
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return False
    return now < registration_closes_at(event)


def clean_answers(event: Event, answers: dict[str, str]) -> dict[str, str]:
    """The answers to the event's questions, keyed as the questions are (others dropped);
    a required question left empty is refused."""
    cleaned: dict[str, str] = {}
    for question in event.questions or []:
        key = str(question.get("key", ""))
        answer = str(answers.get(key, "")).strip()[:1000]
        if question.get("required") and not answer:
            raise RegistrationRefused(
                _("Answer the question “%(label)s”.") % {"label": question.get("label", "")}
            )
        cleaned[key] = answer
    return cleaned


@transaction.atomic
def registration_create(
    *,
    event: Event,
    user: Any,
    company: Company | None = None,
    answers: dict[str, str] | None = None,
    actor: Any,
    now: dt.datetime | None = None,
) -> Registration:
    """Register `user` (the caller has checked the audience rule, `access.can_register`).
    CONFIRMED while seats are left, else WAITLISTED; refused (`RegistrationRefused`) when the
    event is not published, registration is closed, or the person already holds a
    registration. The person is notified; one audit event `registration.create`."""
    from bitgoeul.promotion import notification_kinds_events as notices

    now = now or timezone.now()
    current = _lock_event(event.pk)
    if current.state != EventState.PUBLISHED:
        raise RegistrationRefused(_("This event does not take registrations."))
    if not registration_open(current, now):
        if current.registration_opens_at is not None and now < current.registration_opens_at:
            raise RegistrationRefused(
                _("Registration opens at %(time)s.")
                % {"time": f"{timezone.localtime(current.registration_opens_at):%Y-%m-%d %H:%M}"}
            )
        raise RegistrationRefused(_("Registration for this event has closed."))
    if Registration.objects.filter(
        event=current, user=user, state__in=ACTIVE_REGISTRATION_STATES
    ).exists():
        raise RegistrationRefused(_("You are already registered for this event."))
    cleaned = clean_answers(current, answers or {})
    left = seats_left(current)
    state = (
        RegistrationState.CONFIRMED if left is None or left > 0 else RegistrationState.WAITLISTED
    )
    registration = Registration.objects.create(
        event=current, user=user, company=company, state=state, answers=cleaned, created_at=now
    )
    audit_record(
        actor=actor,
        action="registration.create",
        obj=registration,
        after={"event": current.pk, "state": state, "company": company.pk if company else None},
    )
    notices.registration_confirmed_notify(registration=registration, actor=actor)
    return registration


@transaction.atomic
def registration_set_state(
    *, registration: Registration, state: str, actor: Any, now: dt.datetime | None = None
) -> Registration:
    """Move a registration along `TRANSITIONS`, the event's row locked first. Side effects:
    - CANCELLED: `cancelled_at`; a freed seat goes to the waitlist (`waitlist_promote`);
    - CONFIRMED (from the waitlist): `promoted_at`; the person is notified;
    - one audit event `registration.set_state` (before read from the locked row)."""
    from bitgoeul.promotion import notification_kinds_events as notices

    now = now or timezone.now()
    event = _lock_event(registration.event_id)
    current = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    current.state = state
    if state == RegistrationState.CANCELLED:
        current.cancelled_at = now
    else:
        current.promoted_at = now
    current.save(update_fields=["state", "cancelled_at", "promoted_at"])
    audit_record(
        actor=actor,
        action="registration.set_state",
        obj=current,
        before={"state": before},
        after={"state": state},
    )
    if state == RegistrationState.CONFIRMED:
        notices.registration_promoted_notify(registration=current, actor=actor)
    for field in ("state", "cancelled_at", "promoted_at"):
        setattr(registration, field, getattr(current, field))
    if before == RegistrationState.CONFIRMED and event.state == EventState.PUBLISHED:
        waitlist_promote(event=event, actor=actor, now=now)
    return registration


@transaction.atomic
def waitlist_promote(*, event: Event, actor: Any, now: dt.datetime | None = None) -> int:
    """Give every free seat to the waitlisted, first come first served (`created_at`, then id).
    Returns how many were promoted."""
    current = _lock_event(event.pk)
    left = seats_left(current)
    waiting = Registration.objects.filter(
        event=current, state=RegistrationState.WAITLISTED
    ).order_by("created_at", "pk")
    if left is not None:
        waiting = waiting[:left]
    promoted = 0
    for registration in list(waiting):
        registration_set_state(
            registration=registration, state=RegistrationState.CONFIRMED, actor=actor, now=now
        )
        promoted += 1
    return promoted


@transaction.atomic
def registration_check_in(
    *, event: Event, token: str, actor: Any, now: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """Check in the registration whose QR token is `token` at `event`'s door. Returns the
    registration and whether this call checked it in (False: it already was — scanning twice
    is harmless). Refused, with a message for the host, at an event that is not running
    (cancelled), for an unknown code, another event's code, a cancelled registration or one
    still on the waitlist."""
    now = now or timezone.now()
    if event.state != EventState.PUBLISHED:
        raise RegistrationRefused(_("This event is cancelled."))
    token = token.strip()
    found = (
        Registration.objects.filter(token=token).select_related("user").first() if token else None
    )
    if found is None:
        raise RegistrationRefused(
            _("This code is not a registration. Check the code and try again.")
        )
    if found.event_id != event.pk:
        raise RegistrationRefused(_("This code is a registration for another event, not this one."))
    current = Registration.objects.select_for_update(of=("self",)).get(pk=found.pk)
    current.user = found.user
    if current.state == RegistrationState.CANCELLED:
        raise RegistrationRefused(_("This registration was cancelled."))
    if current.state == RegistrationState.WAITLISTED:
        raise RegistrationRefused(_("This person is on the waitlist and has no seat."))
    if current.checked_in_at is not None:
        return current, False
    user = actor if getattr(actor, "is_authenticated", False) else None
    current.checked_in_at, current.checked_in_by = now, user
    current.save(update_fields=["checked_in_at", "checked_in_by"])
    audit_record(
        actor=actor,
        action="registration.check_in",
        obj=current,
        before={"checked_in_at": None},
        after={"checked_in_at": now.isoformat()},
    )
    return current, True


def reminders_due(now: dt.datetime) -> QuerySet[Registration]:
    return Registration.objects.filter(
        state=RegistrationState.CONFIRMED,
        reminded_at__isnull=True,
        event__state=EventState.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMIND_AHEAD,
    )


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind (in-app and by e-mail, as each person's preferences say) every confirmed
    registration of a published event starting within `REMIND_AHEAD`, at most once: the row is
    claimed by setting `reminded_at` where it is still empty, so two runs at once send one."""
    from bitgoeul.promotion.notification_kinds_events import event_reminder_notify

    now = now or timezone.now()
    sent = 0
    for registration in reminders_due(now).select_related("event", "user"):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                event_reminder_notify(registration=registration)
                sent += 1
    return sent
