"""The sentence shown on the audit page for each action code of the equipment app. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.equipment.models import Booking, BookingSeries, CalendarFeed, Item, WaitlistEntry

# --- bookings ----------------------------------------------------------------------------------

BOOKINGS_GROUP = _("Equipment bookings")

for code, sentence in (
    ("booking.create", _("%(actor)s booked %(object)s.")),
    ("booking.set_state", _("%(actor)s changed the state of the booking %(object)s.")),
):
    audit_action(code, sentence, group=BOOKINGS_GROUP)

audit_object_type(
    "equipment.booking",
    label=_("equipment booking"),
    resolve=pk_resolver(
        lambda: Booking.objects.select_related("item"),
        lambda booking: (
            f"{booking.item.name} · {timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}"
        ),
    ),
)
audit_object_type(
    "equipment.item",
    label=_("equipment item"),
    resolve=pk_resolver(lambda: Item.objects.all(), lambda item: item.name),
)

# --- rules: recurring bookings -----------------------------------------------------------------

audit_action(
    "booking_series.create",
    _("%(actor)s booked %(object)s as a recurring series."),
    group=BOOKINGS_GROUP,
)
audit_object_type(
    "equipment.bookingseries",
    label=_("recurring equipment booking"),
    resolve=pk_resolver(
        lambda: BookingSeries.objects.select_related("item"),
        lambda series: (
            f"{series.item.name} · "
            f"{timezone.localtime(series.first_starts_at):%Y-%m-%d %H:%M} × {series.count}"
        ),
    ),
)

# --- lifecycle ---------------------------------------------------------------------------------

LIFECYCLE_GROUP = _("Equipment waitlist")

for code, sentence in (
    ("waitlist.join", _("%(actor)s joined the waitlist: %(object)s.")),
    ("waitlist.withdraw", _("%(actor)s left the waitlist: %(object)s.")),
    ("waitlist.offer", _("%(actor)s offered freed time to the waitlist: %(object)s.")),
    ("waitlist.accept", _("%(actor)s accepted a waitlist offer: %(object)s.")),
    ("waitlist.expire", _("%(actor)s closed a lapsed waitlist entry: %(object)s.")),
):
    audit_action(code, sentence, group=LIFECYCLE_GROUP)

audit_object_type(
    "equipment.waitlistentry",
    label=_("waitlist entry"),
    resolve=pk_resolver(
        lambda: WaitlistEntry.objects.select_related("item"),
        lambda entry: f"{entry.item.name} · {timezone.localtime(entry.starts_at):%Y-%m-%d %H:%M}",
    ),
)


# --- feeds -------------------------------------------------------------------------------------

FEEDS_GROUP = _("Calendar feeds")

for code, sentence in (
    ("calendar_feed.create", _("%(actor)s made the calendar link %(object)s.")),
    ("calendar_feed.revoke", _("%(actor)s revoked the calendar link %(object)s.")),
):
    audit_action(code, sentence, group=FEEDS_GROUP)

audit_object_type(
    "equipment.calendarfeed",
    label=_("calendar link"),
    resolve=pk_resolver(
        lambda: CalendarFeed.objects.all(),
        lambda feed: f"{feed.prefix}… ({feed.get_scope_display()})",
    ),
)
