"""Writing events: create, edit, publish and cancel (`event_set_state`), co-host invitations and
their answers (`eventcohost_set_state`), materials. Each state change locks its row, reads
"before" from it and writes one audit event; who may call what is `promotion.access`'s to say
(`can_run_event`, `can_manage_event`, `can_answer_cohost`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Technology
from bitgoeul.promotion.enums import ACTIVE_REGISTRATION_STATES, CoHostState, EventState
from bitgoeul.promotion.models import Event, EventCoHost, EventMaterial, Registration

TRANSITIONS: dict[str, set[str]] = {
    EventState.DRAFT: {EventState.PUBLISHED},
    EventState.PUBLISHED: {EventState.CANCELLED},
    EventState.CANCELLED: set(),
}

COHOST_TRANSITIONS: dict[str, set[str]] = {
    CoHostState.INVITED: {CoHostState.ACCEPTED, CoHostState.DECLINED, CoHostState.WITHDRAWN},
    CoHostState.ACCEPTED: {CoHostState.WITHDRAWN},
    CoHostState.DECLINED: {CoHostState.INVITED},
    CoHostState.WITHDRAWN: {CoHostState.INVITED},
}

# the fields of the event form (`event_create`, `event_update`); state and bookkeeping are not
EDITABLE_FIELDS = (
    "kind",
    "topic",
    "title",
    "title_en",
    "summary",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "venue",
    "address",
    "map_url",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "questions",
    "audience",
    "audience_chapter",
    "linked_call",
)


class IllegalTransition(ValueError):
    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} event or co-hosting cannot become {wanted}")


def _plain(value: Any) -> Any:
    """A field's value as the audit trail keeps it (ids for relations)."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def event_create(
    *,
    organizer: Organization,
    values: dict[str, Any],
    technologies: Iterable[Technology] = (),
    actor: Any,
) -> Event:
    """A DRAFT event of `organizer` (shown to nobody but its staff until published)."""
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = Event(organizer=organizer, created_by=user, created_at=now, updated_at=now)
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(event, field, values[field])
    event.full_clean(exclude=["organizer", "created_by"])
    event.save()
    event.technologies.set(list(technologies))
    audit_record(
        actor=actor,
        action="event.create",
        obj=event,
        after={field: _plain(getattr(event, field)) for field in ("title", "starts_at")},
    )
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    values: dict[str, Any],
    technologies: Iterable[Technology] | None = None,
    actor: Any,
) -> Event:
    """Change the event's fields; one audit event with the changed fields, "before" read from
    the locked row. More seats promote people from the waitlist in the order they joined."""
    from bitgoeul.promotion.services.registrations import waitlist_promote

    current = Event.objects.select_for_update().get(pk=event.pk)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field in EDITABLE_FIELDS:
        if field not in values:
            continue
        old = getattr(current, field)
        new = values[field]
        if _plain(old) != _plain(new):
            before[field], after[field] = _plain(old), _plain(new)
            setattr(current, field, new)
    current.full_clean(exclude=["organizer", "created_by"])
    if technologies is not None:
        old_ids = sorted(current.technologies.values_list("pk", flat=True))
        new_ids = sorted(technology.pk for technology in technologies)
        if old_ids != new_ids:
            before["technologies"], after["technologies"] = old_ids, new_ids
            current.technologies.set(new_ids)
    if before:
        current.updated_at = timezone.now()
        current.save()
        audit_record(actor=actor, action="event.update", obj=current, before=before, after=after)
        if "capacity" in after and current.state == EventState.PUBLISHED:
            waitlist_promote(event=current, actor=actor)
    return current


@transaction.atomic
def event_set_state(*, event: Event, state: str, actor: Any, reason: str = "") -> Event:
    """Move the event along `TRANSITIONS`. Side effects, in the same transaction:
    - PUBLISHED: `published_at` (the event shows to its audience);
    - CANCELLED: the reason is kept and shown; everyone holding a registration (confirmed or
      waitlisted) and the hosts' staff are notified; registrations stay as they were;
    - one audit event `event.set_state` (before read from the locked row)."""
    from bitgoeul.accounts.selectors import organization_users
    from bitgoeul.promotion import notification_kinds_events as notices
    from bitgoeul.promotion.access import STAFF_ROLES

    current = Event.objects.select_for_update().get(pk=event.pk)
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    now = timezone.now()
    current.state = state
    current.updated_at = now
    if state == EventState.PUBLISHED:
        current.published_at = now
    elif state == EventState.CANCELLED:
        current.cancel_reason = reason
    current.save(update_fields=["state", "updated_at", "published_at", "cancel_reason"])
    audit_record(
        actor=actor,
        action="event.set_state",
        obj=current,
        before={"state": before},
        after={"state": state, "reason": reason} if reason else {"state": state},
    )
    if state == EventState.CANCELLED:
        registrants = [
            registration.user
            for registration in Registration.objects.filter(
                event=current, state__in=ACTIVE_REGISTRATION_STATES
            ).select_related("user")
        ]
        host_ids = [current.organizer_id, *accepted_cohost_ids(current)]
        staff = organization_users(host_ids, roles=STAFF_ROLES)
        notices.event_cancelled_notify(event=current, recipients=registrants + staff, actor=actor)
    for field in ("state", "updated_at", "published_at", "cancel_reason"):
        setattr(event, field, getattr(current, field))
    return event


def accepted_cohost_ids(event: Event) -> list[int]:
    return list(
        EventCoHost.objects.filter(event=event, state=CoHostState.ACCEPTED).values_list(
            "organization_id", flat=True
        )
    )


class CoHostRefused(ValueError):
    """An invitation that cannot be made; the message says why, for the person."""


@transaction.atomic
def eventcohost_invite(*, event: Event, organization: Organization, actor: Any) -> EventCoHost:
    """Invite another publishing organisation to co-host (or invite again after a decline or a
    withdrawal); its staff are notified and decide (`eventcohost_set_state`)."""
    from django.utils.translation import gettext as _

    from bitgoeul.promotion import notification_kinds_events as notices
    from bitgoeul.promotion.access import PUBLISHER_KINDS

    if organization.pk == event.organizer_id:
        raise CoHostRefused(_("The organiser already hosts this event."))
    if organization.kind not in PUBLISHER_KINDS:
        raise CoHostRefused(
            _("Only the city, the association, its chapters and institutions co-host events.")
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    existing = (
        EventCoHost.objects.select_for_update()
        .filter(event=event, organization=organization)
        .first()
    )
    if existing is not None:
        if existing.state in (CoHostState.INVITED, CoHostState.ACCEPTED):
            raise CoHostRefused(
                _("%(name)s is already invited to co-host this event.")
                % {"name": organization.name}
            )
        return eventcohost_set_state(cohost=existing, state=CoHostState.INVITED, actor=actor)
    cohost = EventCoHost.objects.create(event=event, organization=organization, invited_by=user)
    audit_record(
        actor=actor,
        action="eventcohost.invite",
        obj=cohost,
        after={"event": event.pk, "organization": organization.pk, "state": cohost.state},
    )
    notices.cohost_invited_notify(cohost=cohost, actor=actor)
    return cohost


@transaction.atomic
def eventcohost_set_state(*, cohost: EventCoHost, state: str, actor: Any) -> EventCoHost:
    """Move a co-hosting along `COHOST_TRANSITIONS`. Side effects, in the same transaction:
    - ACCEPTED/DECLINED: who decided and when; the organiser's staff are notified; only an
      accepted co-host shows on the event and manages it;
    - WITHDRAWN (by either side): the organisation stops showing and managing; the organiser's
      staff are notified when the co-host withdrew;
    - INVITED again: the invited organisation's staff are notified;
    - one audit event `eventcohost.set_state` (before read from the locked row)."""
    from bitgoeul.promotion import notification_kinds_events as notices

    current = (
        EventCoHost.objects.select_for_update(of=("self",))
        .select_related("event", "organization")
        .get(pk=cohost.pk)
    )
    before = current.state
    if state not in COHOST_TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    user = actor if getattr(actor, "is_authenticated", False) else None
    current.state = state
    if state == CoHostState.INVITED:
        current.invited_by, current.decided_by, current.decided_at = user, None, None
    else:
        current.decided_by, current.decided_at = user, timezone.now()
    current.save(update_fields=["state", "invited_by", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="eventcohost.set_state",
        obj=current,
        before={"state": before},
        after={"state": state},
    )
    if state == CoHostState.INVITED:
        notices.cohost_invited_notify(cohost=current, actor=actor)
    else:
        notices.cohost_answered_notify(cohost=current, state=state, actor=actor)
    for field in ("state", "invited_by", "decided_by", "decided_at"):
        setattr(cohost, field, getattr(current, field))
    return cohost


@transaction.atomic
def eventmaterial_add(
    *,
    event: Event,
    kind: str,
    title: str,
    actor: Any,
    file: Any = None,
    url: str = "",
    content_type: str = "",
) -> EventMaterial:
    """Attach a file (already checked by its content, `promotion.files`) or a link."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    material = EventMaterial(
        event=event, kind=kind, title=title, url=url, content_type=content_type, uploaded_by=user
    )
    if file is not None:
        material.file = file
    material.save()
    audit_record(
        actor=actor,
        action="eventmaterial.add",
        obj=material,
        after={"event": event.pk, "kind": kind, "title": title, "url": url},
    )
    return material


@transaction.atomic
def eventmaterial_remove(*, material: EventMaterial, actor: Any) -> None:
    audit_record(
        actor=actor,
        action="eventmaterial.remove",
        obj=material,
        before={"event": material.event_id, "kind": material.kind, "title": material.title},
    )
    if material.file:
        material.file.delete(save=False)
    material.delete()
