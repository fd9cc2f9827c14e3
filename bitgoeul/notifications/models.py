from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A notice for one user about any object, named by model label and id (as audit events
    name theirs). The text is rendered from `kind` and `params` in the reader's language when
    it is shown, and only while the reader may still see the object."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=80)  # a code of bitgoeul.notifications.registry
    object_type = models.CharField(max_length=80)  # "companies.company"
    object_id = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    actor = models.ForeignKey(  # users are tombstoned, not deleted; SET_NULL is a safety net
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),  # the unread count in the menu
            models.Index(fields=["recipient", "-created_at", "-id"]),  # the list page
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """A user's choice for one kind; without a row the kind's defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=80)
    in_app = models.BooleanField(_("in the app"))
    email = models.BooleanField(_("by e-mail"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: app={self.in_app} mail={self.email}"
