"""The stable codes of the promotion app (kinds, states, audiences, topics); labels are
translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    BRIEFING = "briefing", _("Briefing")
    DEMO_DAY = "demo_day", _("Demo day")
    HACKATHON = "hackathon", _("Hackathon")
    INVESTOR_MEETING = "investor_meeting", _("Investor meeting")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other event")


class Topic(models.TextChoices):
    """What an event or a news post is about; digest subscriptions choose topics."""

    FUNDING = "funding", _("Funding and calls")
    INVESTMENT = "investment", _("Investment")
    TRAINING = "training", _("Training and talent")
    DEMONSTRATION = "demonstration", pgettext_lazy("promotion topic", "Demonstrations")
    INFRASTRUCTURE = "infrastructure", _("GPUs and equipment")
    NETWORKING = "networking", _("Networking")
    NOTICE = "notice", _("Notices")


class Audience(models.TextChoices):
    """Who may see and register for an event."""

    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members of any organisation")
    CHAPTER = "chapter", _("Companies of one chapter")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class CoHostState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("co-host state", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegistrationState(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


# Registrations that hold or wait for a seat (one per person and event).
ACTIVE_REGISTRATION_STATES = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)


class MaterialKind(models.TextChoices):
    SLIDES = "slides", _("Slides")
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class PostState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", pgettext_lazy("news post state", "In review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_POST_STATES = (PostState.DRAFT, PostState.RETURNED, PostState.PUBLISHED)
