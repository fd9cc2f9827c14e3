"""Writes of notifications. Other apps call `notify` (or `notify_each`, one event told to
several groups each with its own figures), never the models: one call per event and object,
inside the transaction of the change it reports."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.notifications.access import can_receive
from bitgoeul.notifications.models import Notification, NotificationPreference
from bitgoeul.notifications.registry import Kind, kind_get
from bitgoeul.notifications.selectors import preferences_for_users

logger = logging.getLogger(__name__)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    obj: models.Model,
    params: dict[str, Any] | None = None,
    actor: Any = None,
) -> int:
    """Notify each recipient (User objects) about `obj` with a registered kind.

    Recipients who are inactive or whom the kind's `can_see(user, obj)` refuses get nothing.
    The others get an in-app notice and/or an e-mail as their preferences for the kind say;
    e-mails go after the outermost transaction commits, in each recipient's language, and a
    failed e-mail is logged, never raised. `params` must be JSON-serialisable (they are stored
    and rendered when read). Returns the number of in-app notices written.
    """
    return notify_each(kind=kind, obj=obj, each=[(recipients, params or {})], actor=actor)


@transaction.atomic
def notify_each(
    *,
    kind: str,
    obj: models.Model,
    each: Iterable[tuple[Iterable[Any], dict[str, Any]]],
    actor: Any = None,
) -> int:
    """`notify` for one event told to several groups, each with its own `params` (a round's
    decision to each company with its own figures): the same rules, with one preferences query
    and one insert for all groups. A user in two groups is notified once, with the first
    group's params. Returns the number of in-app notices written."""
    spec = kind_get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    if obj._meta.label_lower != spec.model:
        raise ValueError(f"{kind!r} is about {spec.model}, not {obj._meta.label_lower}")
    groups: list[tuple[list[Any], dict[str, Any]]] = []
    seen: set[int] = set()
    for recipients, params in each:
        unique = {user.pk: user for user in recipients if user.pk not in seen}
        seen.update(unique)
        allowed = [user for user in unique.values() if can_receive(user, spec, obj)]
        if allowed:
            groups.append((allowed, params))
    if not groups:
        return 0
    preferences = preferences_for_users([u.pk for users, _p in groups for u in users], spec)
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    notices = [
        Notification(
            recipient_id=user.pk,
            kind=spec.code,
            object_type=spec.model,
            object_id=str(obj.pk),
            params=params,
            actor_id=actor_id,
        )
        for users, params in groups
        for user in users
        if preferences[user.pk][0]
    ]
    Notification.objects.bulk_create(notices, batch_size=500)
    for users, params in groups:
        mail_to = [(user.email, user.language) for user in users if preferences[user.pk][1]]
        if mail_to:
            transaction.on_commit(partial(_send_emails, spec, obj, params, mail_to), robust=True)
    return len(notices)


def _send_emails(
    kind: Kind, obj: models.Model, params: dict[str, Any], mail_to: list[tuple[str, str]]
) -> None:
    messages = []
    for address, language in mail_to:
        with translation.override(language):
            body = _(
                "%(title)s\n%(text)s\n\n%(url)s\n\n"
                "You can choose which notifications you get by e-mail here:\n%(settings)s\n"
            ) % {
                "title": kind.title(obj),
                "text": kind.text(obj, params),
                "url": settings.BASE_URL + kind.link(obj),
                "settings": settings.BASE_URL + reverse("notifications:settings"),
            }
            subject = _("[Bitgoeul] %(kind)s: %(title)s") % {
                "kind": kind.label,
                "title": kind.title(obj),
            }
        # a header may not hold a line break (an object's name could)
        messages.append(EmailMessage(" ".join(subject.split()), body, None, [address]))
    try:
        get_connection().send_messages(messages)
    except Exception:  # the change is committed; a mail server that is down must not undo it
        logger.exception("notification e-mails of kind %s were not sent", kind.code)


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: Any) -> None:
    """Mark one of the actor's notices read. Not audited: reading changes nothing anyone
    decides on (the same holds for the two functions below)."""
    Notification.objects.filter(
        pk=notification.pk, recipient_id=actor.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notifications_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(
    *, user: Any, choices: dict[str, tuple[bool, bool]], actor: Any
) -> int:
    """Store the user's (in_app, email) choice per kind code; unknown codes are a ValueError.
    One audit event lists the kinds that changed (before read from the database); returns how
    many changed."""
    unknown = sorted(code for code in choices if kind_get(code) is None)
    if unknown:
        raise ValueError(f"unknown notification kinds {unknown}")
    stored = {
        row.kind: row
        for row in NotificationPreference.objects.select_for_update().filter(
            user_id=user.pk, kind__in=list(choices)
        )
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for code, (in_app, email) in sorted(choices.items()):
        kind = kind_get(code)
        assert kind is not None
        row = stored.get(code)
        old = (row.in_app, row.email) if row else (kind.in_app_default, kind.email_default)
        if old == (in_app, email):
            continue
        before[code] = {"in_app": old[0], "email": old[1]}
        after[code] = {"in_app": in_app, "email": email}
        if row is None:
            NotificationPreference.objects.create(
                user_id=user.pk, kind=code, in_app=in_app, email=email
            )
        else:
            row.in_app, row.email = in_app, email
            row.save(update_fields=["in_app", "email"])
    if after:
        audit_record(
            actor=actor,
            action="notification_preferences.set",
            obj=user,
            before=before,
            after=after,
        )
    return len(after)
