from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """The field a demonstration centre (and its equipment) serves."""

    HEALTHCARE = "healthcare", _("Healthcare")
    MOBILITY = "mobility", _("Mobility")
    ENERGY = "energy", _("Energy")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    PUBLIC_SAFETY = "public_safety", _("Public safety")


class FeeUnit(models.TextChoices):
    FREE = "free", _("Free")
    HOUR = "hour", _("Per hour")
    DAY = "day", _("Per day")


class BookingState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    NO_SHOW = "no_show", _("Released (no-show)")


# A booking in one of these states holds its time: the database refuses another booking of the
# same item whose time (with the buffer) overlaps it.
HOLDING_STATES = (BookingState.PENDING, BookingState.CONFIRMED, BookingState.CHECKED_IN)


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class BlackoutKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance")
    CLOSURE = "closure", _("Closure")
    OTHER = "other", _("Other")


class BlackoutRepeat(models.TextChoices):
    NONE = "", _("Does not repeat")
    WEEKLY = "weekly", _("Every week")
    YEARLY = "yearly", _("Every year")


class QuotaMeasure(models.TextChoices):
    HOURS = "hours", _("Hours")
    BOOKINGS = "bookings", _("Bookings")


class QuotaPeriod(models.TextChoices):
    WEEK = "week", _("Per week")
    MONTH = "month", _("Per month")


class WaitlistState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Offer expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FeedScope(models.TextChoices):
    ITEM = "item", _("One item")
    COMPANY = "company", _("A company's bookings")
    USER = "user", _("My bookings")
