"""Notification kinds of the lifecycle area (registered from `EquipmentConfig.ready`) and the
calls that send them. Each kind's `can_see` is the booking's visibility rule: only those who
see the booking's private fields (its company's members, the item's host staff, operator staff)
get a notice about it, and a waitlist offer reaches only the waiting company's members."""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.models import User
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.equipment import access
from bitgoeul.equipment.models import Booking, WaitlistEntry
from bitgoeul.equipment.selectors_lifecycle import company_member_users, host_staff_users
from bitgoeul.equipment.services.lifecycle import note_text
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify

BOOKING_PENDING = "equipment.booking_pending"
BOOKING_DECIDED = "equipment.booking_decided"
BOOKING_CANCELLED = "equipment.booking_cancelled"
BOOKING_RELEASED = "equipment.booking_released"
BOOKING_REMINDER = "equipment.booking_reminder"
WAITLIST_OFFERED = "equipment.waitlist_offered"

_BOOKING_RELATED = ("item", "item__centre", "company__organization")


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _booking_title(booking: Booking) -> str:
    return f"{booking.item.name} · {_when(booking.starts_at)}"


def _booking_link(booking: Booking) -> str:
    return reverse("equipment:booking_detail", args=[booking.pk])


def _sees_booking(user: Any, booking: Booking) -> bool:
    return access.booking_view_level(user, booking) >= ViewLevel.PRIVATE


def _pending_text(booking: Booking, params: dict[str, Any]) -> str:
    return _("%(company)s booked this item; the booking awaits your approval.") % {
        "company": booking.company.organization.name
    }


def _decided_text(booking: Booking, params: dict[str, Any]) -> str:
    if params.get("approved"):
        text = _("The host approved your booking.")
    else:
        text = _("The host rejected your booking.")
    note = note_text(str(params.get("note", "")))
    return _("%(text)s Note: %(note)s") % {"text": text, "note": note} if note else text


def _cancelled_text(booking: Booking, params: dict[str, Any]) -> str:
    text = _("The booking was cancelled.")
    reason = str(params.get("reason", ""))
    if reason:
        text += " " + _("Reason: %(reason)s") % {"reason": reason}
    charge = int(params.get("charge") or 0)
    if charge:
        text += " " + _("A late-cancellation charge of %(charge)s won applies.") % {
            "charge": intcomma(charge)
        }
    return text


def _released_text(booking: Booking, params: dict[str, Any]) -> str:
    return _(
        "Nobody checked in within %(minutes)s minutes of the start, so the booking was released "
        "for others."
    ) % {"minutes": params.get("grace", 0)}


def _reminder_text(booking: Booking, params: dict[str, Any]) -> str:
    return _("Reminder: your booking starts at %(start)s at %(location)s.") % {
        "start": _when(booking.starts_at),
        "location": booking.item.location or booking.item.centre.name,
    }


def _offer_text(entry: WaitlistEntry, params: dict[str, Any]) -> str:
    return _(
        "The time you waited for (%(start)s–%(end)s) is free. Accept the offer by %(expires)s "
        "to book it."
    ) % {
        "start": _when(entry.starts_at),
        "end": timezone.localtime(entry.ends_at).strftime("%H:%M"),
        "expires": _when(entry.offer_expires_at) if entry.offer_expires_at else "",
    }


def _booking_kind(code: str, label: Any, text: Any) -> Kind:
    return Kind(
        code=code,
        label=label,
        model="equipment.booking",
        text=text,
        link=_booking_link,
        title=_booking_title,
        can_see=_sees_booking,
        select_related=_BOOKING_RELATED,
        email_default=True,
    )


KINDS = [
    _booking_kind(
        BOOKING_PENDING,
        gettext_lazy("A booking of equipment I host awaits my approval"),
        _pending_text,
    ),
    _booking_kind(
        BOOKING_DECIDED,
        gettext_lazy("The host approved or rejected a booking of my company"),
        _decided_text,
    ),
    _booking_kind(
        BOOKING_CANCELLED, gettext_lazy("An equipment booking was cancelled"), _cancelled_text
    ),
    _booking_kind(
        BOOKING_RELEASED,
        gettext_lazy("A booking of my company was released (no check-in)"),
        _released_text,
    ),
    _booking_kind(
        BOOKING_REMINDER,
        gettext_lazy("Reminder the day before an equipment booking"),
        _reminder_text,
    ),
    Kind(
        code=WAITLIST_OFFERED,
        label=gettext_lazy("Time I waited for became free"),
        model="equipment.waitlistentry",
        text=_offer_text,
        link=lambda entry: reverse("equipment:booking_list"),
        title=lambda entry: entry.item.name,
        can_see=access.can_use_waitlist_entry,
        select_related=("item", "company"),
        email_default=True,
    ),
]
for _kind in KINDS:
    kind_register(_kind)


def _others(users: list[User], actor: Any) -> list[User]:
    """Nobody is told about what they did themselves."""
    return [user for user in users if user.pk != getattr(actor, "pk", None)]


def booking_pending_notify(*, booking: Booking, actor: Any) -> int:
    """Tell the item's host staff that a booking awaits their approval. `booking_create`'s
    callers send it when the booking they made is PENDING (the waitlist's acceptance does)."""
    return notify(
        recipients=_others(host_staff_users(booking.item), actor),
        kind=BOOKING_PENDING,
        obj=booking,
        actor=actor,
    )


def booking_decided_notify(*, booking: Booking, approved: bool, note: str, actor: Any) -> int:
    return notify(
        recipients=_others(company_member_users(booking.company), actor),
        kind=BOOKING_DECIDED,
        obj=booking,
        params={"approved": approved, "note": note},
        actor=actor,
    )


def booking_cancelled_notify(*, booking: Booking, reason: str, charge: int, actor: Any) -> int:
    """The company's members and the item's host staff, except whoever cancelled."""
    recipients = company_member_users(booking.company) + host_staff_users(booking.item)
    return notify(
        recipients=_others(recipients, actor),
        kind=BOOKING_CANCELLED,
        obj=booking,
        params={"reason": reason, "charge": charge},
        actor=actor,
    )


def booking_released_notify(*, booking: Booking, actor: Any) -> int:
    return notify(
        recipients=company_member_users(booking.company),
        kind=BOOKING_RELEASED,
        obj=booking,
        params={"grace": booking.item.check_in_grace_minutes},
        actor=actor,
    )


def booking_reminder_notify(*, booking: Booking) -> int:
    """The person who booked, or, when staff booked on the company's behalf (or the booker has
    left the company), the company's members."""
    members = company_member_users(booking.company)
    booker = [user for user in members if user.pk == booking.booked_by_id]
    return notify(recipients=booker or members, kind=BOOKING_REMINDER, obj=booking)


def waitlist_offered_notify(*, entry: WaitlistEntry, actor: Any) -> int:
    members = company_member_users(entry.company)
    waiting = [user for user in members if user.pk == entry.user_id]
    return notify(recipients=waiting or members, kind=WAITLIST_OFFERED, obj=entry, actor=actor)
