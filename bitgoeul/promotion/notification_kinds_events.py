"""Notification kinds of the events area (registered from `PromotionConfig.ready`) and the calls
that send them. Each kind's `can_see` asks the event's visibility rule (`promotion.access`): a
co-hosting notice reaches the staff of the two organisations, a registration notice its person
(or the hosts), a cancellation those who may still see the event."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.models import User
from bitgoeul.accounts.selectors import organization_users
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify
from bitgoeul.promotion import access
from bitgoeul.promotion.enums import CoHostState
from bitgoeul.promotion.models import Event, EventCoHost, Registration

COHOST_INVITED = "promotion.cohost_invited"
COHOST_ANSWERED = "promotion.cohost_answered"
REGISTRATION_CONFIRMED = "promotion.registration_confirmed"
REGISTRATION_PROMOTED = "promotion.registration_promoted"
EVENT_CANCELLED = "promotion.event_cancelled"
EVENT_REMINDER = "promotion.event_reminder"


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _event_link(event: Event) -> str:
    return reverse("promotion:event_detail", args=[event.pk])


def _sees_cohost(user: Any, cohost: EventCoHost) -> bool:
    return access.can_answer_cohost(user, cohost) or access.can_run_event(user, cohost.event)


def _invited_text(cohost: EventCoHost, params: dict[str, Any]) -> str:
    return _("%(organizer)s invites your organisation to co-host this event on %(start)s.") % {
        "organizer": cohost.event.organizer.name,
        "start": _when(cohost.event.starts_at),
    }


def _answered_text(cohost: EventCoHost, params: dict[str, Any]) -> str:
    state = params.get("state")
    if state == CoHostState.ACCEPTED:
        text = _("%(organization)s accepted to co-host the event.")
    elif state == CoHostState.DECLINED:
        text = _("%(organization)s declined to co-host the event.")
    else:
        text = _("%(organization)s no longer co-hosts the event.")
    return text % {"organization": cohost.organization.name}


def _confirmed_text(registration: Registration, params: dict[str, Any]) -> str:
    if params.get("waitlisted"):
        return _(
            "The event is full, so you are on the waitlist. We will tell you when a seat frees up."
        )
    return _("You are registered. Show the QR code of your registration at the door.")


def _promoted_text(registration: Registration, params: dict[str, Any]) -> str:
    return _("A seat freed up: you are now registered. Show your QR code at the door.")


def _cancelled_text(event: Event, params: dict[str, Any]) -> str:
    text = _("The event on %(start)s was cancelled.") % {"start": _when(event.starts_at)}
    if event.cancel_reason:
        text += " " + _("Reason: %(reason)s") % {"reason": event.cancel_reason}
    return text


def _reminder_text(registration: Registration, params: dict[str, Any]) -> str:
    event = registration.event
    where = event.venue or _("online")
    return _("Reminder: the event starts at %(start)s (%(where)s).") % {
        "start": _when(event.starts_at),
        "where": where,
    }


def _sees_event(user: Any, event: Event) -> bool:
    return access.event_view_level(user, event) >= ViewLevel.PUBLIC


def _cohost_kind(code: str, label: Any, text: Any) -> Kind:
    return Kind(
        code=code,
        label=label,
        model="promotion.eventcohost",
        text=text,
        link=lambda cohost: _event_link(cohost.event),
        title=lambda cohost: cohost.event.title,
        can_see=_sees_cohost,
        select_related=("event", "event__organizer", "organization"),
        email_default=True,
    )


def _registration_kind(code: str, label: Any, text: Any) -> Kind:
    return Kind(
        code=code,
        label=label,
        model="promotion.registration",
        text=text,
        link=lambda registration: reverse("promotion:my_registrations"),
        title=lambda registration: registration.event.title,
        can_see=access.registration_visible,
        select_related=("event",),
        email_default=True,
    )


KINDS = [
    _cohost_kind(
        COHOST_INVITED,
        gettext_lazy("My organisation is invited to co-host an event"),
        _invited_text,
    ),
    _cohost_kind(
        COHOST_ANSWERED,
        gettext_lazy("An organisation answered the invitation to co-host our event"),
        _answered_text,
    ),
    _registration_kind(
        REGISTRATION_CONFIRMED,
        gettext_lazy("My registration for an event was received"),
        _confirmed_text,
    ),
    _registration_kind(
        REGISTRATION_PROMOTED,
        gettext_lazy("A seat freed up for me at an event"),
        _promoted_text,
    ),
    Kind(
        code=EVENT_CANCELLED,
        label=gettext_lazy("An event I registered for was cancelled"),
        model="promotion.event",
        text=_cancelled_text,
        link=_event_link,
        title=lambda event: event.title,
        can_see=_sees_event,
        email_default=True,
    ),
    _registration_kind(
        EVENT_REMINDER, gettext_lazy("Reminder the day before an event"), _reminder_text
    ),
]
for _kind in KINDS:
    kind_register(_kind)


def _staff(organization_id: int, actor: Any) -> list[User]:
    """Staff of one organisation, except whoever acted (nobody is told what they did)."""
    users = organization_users([organization_id], roles=access.STAFF_ROLES)
    return [user for user in users if user.pk != getattr(actor, "pk", None)]


def cohost_invited_notify(*, cohost: EventCoHost, actor: Any) -> int:
    return notify(
        recipients=_staff(cohost.organization_id, actor),
        kind=COHOST_INVITED,
        obj=cohost,
        actor=actor,
    )


def cohost_answered_notify(*, cohost: EventCoHost, state: str, actor: Any) -> int:
    """The organiser's staff; on a withdrawal (by either side) the co-host's staff too."""
    recipients = _staff(cohost.event.organizer_id, actor)
    if state == CoHostState.WITHDRAWN:
        recipients += _staff(cohost.organization_id, actor)
    return notify(
        recipients=recipients,
        kind=COHOST_ANSWERED,
        obj=cohost,
        params={"state": state},
        actor=actor,
    )


def registration_confirmed_notify(*, registration: Registration, actor: Any) -> int:
    return notify(
        recipients=[registration.user],
        kind=REGISTRATION_CONFIRMED,
        obj=registration,
        params={"waitlisted": registration.state != "confirmed"},
        actor=actor,
    )


def registration_promoted_notify(*, registration: Registration, actor: Any) -> int:
    return notify(
        recipients=[registration.user], kind=REGISTRATION_PROMOTED, obj=registration, actor=actor
    )


def event_cancelled_notify(*, event: Event, recipients: list[User], actor: Any) -> int:
    others = [user for user in recipients if user.pk != getattr(actor, "pk", None)]
    return notify(recipients=others, kind=EVENT_CANCELLED, obj=event, actor=actor)


def event_reminder_notify(*, registration: Registration) -> int:
    return notify(recipients=[registration.user], kind=EVENT_REMINDER, obj=registration)
