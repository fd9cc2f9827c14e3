"""Reads of notifications: the unread count, a page of readable notices, preferences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from bitgoeul.notifications.access import can_read
from bitgoeul.notifications.models import Notification, NotificationPreference
from bitgoeul.notifications.registry import Kind, kind_get, kinds


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    kind: Kind
    title: str
    text: str
    link: str


@dataclass(frozen=True)
class Preference:
    kind: Kind
    in_app: bool
    email: bool


def unread_count(user: Any) -> int:
    """One COUNT on the (recipient, read_at) index. It counts notices that may be hidden when
    shown (their object is no longer visible): the check needs the objects, and the menu must
    stay one query; the list page says how many it hid."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def notification_objects(notifications: Iterable[Notification]) -> dict[tuple[str, str], Any]:
    """The objects the notices name, one query per model, keyed by (object_type, object_id);
    an object that no longer exists is missing."""
    wanted: dict[str, set[str]] = defaultdict(set)
    related: dict[str, set[str]] = defaultdict(set)
    for notification in notifications:
        wanted[notification.object_type].add(notification.object_id)
        kind = kind_get(notification.kind)
        if kind is not None:
            related[notification.object_type].update(kind.select_related)
    found: dict[tuple[str, str], Any] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        queryset = model._default_manager.all()
        if related[object_type]:
            queryset = queryset.select_related(*sorted(related[object_type]))
        for pk, obj in queryset.in_bulk(sorted(ids)).items():
            found[(object_type, str(pk))] = obj
    return found


def readable_rows(
    user: Any, notifications: list[Notification]
) -> tuple[list[NotificationRow], int]:
    """The notices the user may still read, rendered in the active language, and how many were
    hidden (object gone, kind unknown, or the object no longer visible to the user)."""
    objects = notification_objects(notifications)
    rows = []
    for notification in notifications:
        obj = objects.get((notification.object_type, notification.object_id))
        kind = kind_get(notification.kind)
        if kind is None or not can_read(user, notification, obj):
            continue
        rows.append(
            NotificationRow(
                notification=notification,
                kind=kind,
                title=kind.title(obj),
                text=kind.text(obj, notification.params),
                link=kind.link(obj),
            )
        )
    return rows, len(notifications) - len(rows)


def preferences_for_users(user_ids: Iterable[int], kind: Kind) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) for each user, the kind's defaults where the user chose nothing."""
    ids = list(user_ids)
    chosen = {
        user_id: (in_app, email)
        for user_id, in_app, email in NotificationPreference.objects.filter(
            user_id__in=ids, kind=kind.code
        ).values_list("user_id", "in_app", "email")
    }
    return {
        user_id: chosen.get(user_id, (kind.in_app_default, kind.email_default)) for user_id in ids
    }


def preferences_of(user: Any) -> list[Preference]:
    """Every registered kind with the user's choice (or its defaults), in registration order."""
    chosen = {
        kind: (in_app, email)
        for kind, in_app, email in NotificationPreference.objects.filter(
            user_id=user.pk
        ).values_list("kind", "in_app", "email")
    }
    return [
        Preference(kind, *chosen.get(kind.code, (kind.in_app_default, kind.email_default)))
        for kind in kinds()
    ]
