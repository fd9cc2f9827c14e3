"""Who may read which notification. A notice is its recipient's alone, and only while the kind's
own check (`Kind.can_see`) still lets the recipient see the object it is about."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bitgoeul.accounts.models import User
from bitgoeul.notifications.models import Notification
from bitgoeul.notifications.registry import Kind, kind_get


def can_receive(user: User, kind: Kind, obj: Any) -> bool:
    """Checked when a notice is sent: no row, no e-mail for anyone else."""
    return bool(user.is_active) and kind.can_see(user, obj)


def can_read(user: User, notification: Notification, obj: Any) -> bool:
    """Checked again when a notice is shown: `obj` is the object it names, None when that
    object is gone."""
    kind = kind_get(notification.kind)
    return (
        kind is not None
        and obj is not None
        and kind.model == notification.object_type
        and notification.recipient_id == user.pk
        and kind.can_see(user, obj)
    )


def notification_for_reader(user: User, notification_id: int) -> Notification:
    """The user's own notice, or 404 (whether another user's notice exists is not told)."""
    found = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if found is None:
        raise Http404
    return found
