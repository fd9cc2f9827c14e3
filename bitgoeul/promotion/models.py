"""Joint promotion (공동홍보): events and news co-published by the city, the association and its
chapters.

An event belongs to its organiser; other organisations co-host it once they accept the
invitation (`EventCoHost`). People register (`Registration`): confirmed while seats are left,
otherwise on the waitlist, promoted in the order they joined when a seat frees up; each
registration carries an unguessable QR token checked in at the door. After the event its
materials and photos are attached (`EventMaterial`).

News posts are written by any organisation's staff and published after a review by another
staff member of the same organisation (`PostState`). Another organisation republishes a post
(`CrossPost`): its pages and feeds then show the post with the author organisation's name and a
link to the original; the post itself is never copied, so an edit of the original shows
everywhere.

A person's weekly digest (`DigestSubscription`) gathers the events and news of the
organisations, topics and technologies they chose.

Every write goes through `services`; every state change locks its row.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company, Technology
from bitgoeul.promotion.enums import (
    ACTIVE_REGISTRATION_STATES,
    Audience,
    CoHostState,
    EventKind,
    EventState,
    MaterialKind,
    PostState,
    RegistrationState,
    Topic,
)

USER = settings.AUTH_USER_MODEL


def new_token() -> str:
    """An unguessable token for a link or a QR code (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class Event(models.Model):
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="organized_events",
        verbose_name=_("organiser"),
    )
    kind = models.CharField(_("kind of event"), max_length=20, choices=EventKind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="events", verbose_name=_("technologies")
    )
    # aware datetimes, shown and entered in Asia/Seoul
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)  # shown to registrants only
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)  # None: no limit
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    # the registration form: [{"key": "q1", "label": "…", "required": true}, …]
    questions = models.JSONField(_("registration questions"), default=list, blank=True)
    audience = models.CharField(
        _("who may register"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    audience_chapter = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chapter"),
    )
    linked_call = models.ForeignKey(
        "programs.Call",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("linked call"),
    )
    state = models.CharField(max_length=20, choices=EventState.choices, default=EventState.DRAFT)
    cancel_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder went out
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(audience="chapter") | Q(audience_chapter__isnull=False),
                name="event_chapter_audience_names_chapter",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class EventCoHost(models.Model):
    """Another organisation invited to co-host; it shows as a host once it accepts."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cohosts")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cohosted_events"
    )
    state = models.CharField(
        max_length=20, choices=CoHostState.choices, default=CoHostState.INVITED
    )
    invited_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="one_cohost_row_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} co-hosts {self.event_id}"


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="event_registrations")
    company = models.ForeignKey(  # the company the person registers from, if any
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=20, choices=RegistrationState.choices)
    answers = models.JSONField(default=dict, blank=True)  # question key -> answer
    token = models.CharField(max_length=64, unique=True, default=new_token)  # in the QR code
    created_at = models.DateTimeField(default=timezone.now)  # the waitlist's order
    promoted_at = models.DateTimeField(null=True, blank=True)  # moved from the waitlist
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(state__in=ACTIVE_REGISTRATION_STATES),
                name="one_active_registration_per_person",
            )
        ]
        indexes = [models.Index(fields=["event", "state", "created_at"])]

    def __str__(self) -> str:
        return f"registration {self.pk} for event {self.event_id}"


def material_path(material: EventMaterial, filename: str) -> str:
    return f"promotion/events/{material.event_id}/{new_token()}-{filename}"


class EventMaterial(models.Model):
    """Slides, photos, recordings and documents attached after (or before) an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class NewsPost(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="news_posts",
        verbose_name=_("organisation"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    body_en = models.TextField(_("body in English"), blank=True)
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="news_posts", verbose_name=_("technologies")
    )
    event = models.ForeignKey(  # a post announcing an event
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="news_posts"
    )
    state = models.CharField(max_length=20, choices=PostState.choices, default=PostState.DRAFT)
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # the last edit (feeds' <updated>)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title


class CrossPost(models.Model):
    """An organisation republishing another organisation's post, with attribution."""

    post = models.ForeignKey(NewsPost, on_delete=models.CASCADE, related_name="cross_posts")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="shared_posts"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)  # shown above the post
    shared_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "organization"], name="one_cross_post_per_org")
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} shared by {self.organization_id}"


class DigestSubscription(models.Model):
    """What one person's weekly digest gathers; nothing chosen means everything public."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="digest")
    is_active = models.BooleanField(_("send me the weekly digest"), default=True)
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("digest choice", "organisations"),
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)  # Topic values
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="+", verbose_name=_("technologies")
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"digest of user {self.user_id}"
