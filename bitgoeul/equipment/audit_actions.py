"""The sentence shown on the audit page for each action code of the equipment app. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.equipment.models import (
    Booking,
    BookingSeries,
    CalendarFeed,
    Category,
    Centre,
    Item,
    Quota,
    WaitlistEntry,
)

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


# --- catalogue ---------------------------------------------------------------------------------

CATALOGUE_GROUP = _("Equipment catalogue")

for code, sentence in (
    ("equipment_centre.create", _("%(actor)s added the centre %(object)s.")),
    ("equipment_centre.update", _("%(actor)s changed the centre %(object)s.")),
    ("equipment_category.create", _("%(actor)s added the equipment category %(object)s.")),
    ("equipment_category.update", _("%(actor)s changed the equipment category %(object)s.")),
    ("equipment_item.create", _("%(actor)s added the equipment item %(object)s.")),
    ("equipment_item.update", _("%(actor)s changed the rules or details of %(object)s.")),
    ("equipment_accessory.create", _("%(actor)s added an accessory to %(object)s.")),
    ("equipment_accessory.update", _("%(actor)s changed an accessory of %(object)s.")),
    ("equipment_accessory.delete", _("%(actor)s removed an accessory of %(object)s.")),
    ("equipment_photo.create", _("%(actor)s added a photo of %(object)s.")),
    ("equipment_photo.delete", _("%(actor)s removed a photo of %(object)s.")),
    ("equipment_blackout.create", _("%(actor)s added a blackout to %(object)s.")),
    ("equipment_blackout.delete", _("%(actor)s removed a blackout of %(object)s.")),
    ("equipment_quota.create", _("%(actor)s added a booking quota to %(object)s.")),
    ("equipment_quota.delete", _("%(actor)s switched off a booking quota of %(object)s.")),
):
    audit_action(code, sentence, group=CATALOGUE_GROUP)

audit_object_type(
    "equipment.centre",
    label=_("demonstration centre"),
    resolve=pk_resolver(lambda: Centre.objects.all(), lambda centre: centre.name),
)
audit_object_type(
    "equipment.category",
    label=_("equipment category"),
    resolve=pk_resolver(lambda: Category.objects.all(), lambda category: category.name),
)
audit_object_type(
    "equipment.quota",
    label=_("booking quota"),
    resolve=pk_resolver(lambda: Quota.objects.all(), lambda quota: str(quota)),
)
