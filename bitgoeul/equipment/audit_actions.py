"""The sentence shown on the audit page for each action code of the equipment app. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.equipment.models import Booking, Category, Centre, Item, Quota

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
        lambda booking: f"{booking.item.name} · {booking.starts_at:%Y-%m-%d %H:%M}",
    ),
)
audit_object_type(
    "equipment.item",
    label=_("equipment item"),
    resolve=pk_resolver(lambda: Item.objects.all(), lambda item: item.name),
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
