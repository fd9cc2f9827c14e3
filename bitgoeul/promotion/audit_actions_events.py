"""The sentence shown on the audit page for each action code of the events area. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.promotion.models import Event, EventCoHost, EventMaterial, Registration

EVENTS_GROUP = _("Events")

for code, sentence in (
    ("event.create", _("%(actor)s created the event %(object)s.")),
    ("event.update", _("%(actor)s edited the event %(object)s.")),
    ("event.set_state", _("%(actor)s changed the state of the event %(object)s.")),
    ("eventcohost.invite", _("%(actor)s invited a co-host to the event: %(object)s.")),
    ("eventcohost.set_state", _("%(actor)s changed the co-hosting %(object)s.")),
    ("registration.create", _("%(actor)s registered for an event: %(object)s.")),
    ("registration.set_state", _("%(actor)s changed the state of the registration %(object)s.")),
    ("registration.check_in", _("%(actor)s checked in the registration %(object)s.")),
    ("eventmaterial.add", _("%(actor)s added the event material %(object)s.")),
    ("eventmaterial.remove", _("%(actor)s removed the event material %(object)s.")),
):
    audit_action(code, sentence, group=EVENTS_GROUP)

audit_object_type(
    "promotion.event",
    label=_("event"),
    resolve=pk_resolver(
        lambda: Event.objects.all(),
        lambda event: f"{event.title} · {timezone.localtime(event.starts_at):%Y-%m-%d}",
    ),
)
audit_object_type(
    "promotion.eventcohost",
    label=_("co-hosting"),
    resolve=pk_resolver(
        lambda: EventCoHost.objects.select_related("event", "organization"),
        lambda cohost: f"{cohost.organization.name} · {cohost.event.title}",
    ),
)
audit_object_type(
    "promotion.registration",
    label=_("event registration"),
    resolve=pk_resolver(
        lambda: Registration.objects.select_related("event", "user"),
        lambda registration: (
            f"{registration.user.name or registration.user.email} · {registration.event.title}"
        ),
    ),
)
audit_object_type(
    "promotion.eventmaterial",
    label=_("event material"),
    resolve=pk_resolver(
        lambda: EventMaterial.objects.select_related("event"),
        lambda material: f"{material.title} · {material.event.title}",
    ),
)
