"""Demonstration equipment (실증장비): centres, categories and items with the rules that govern
their booking, and the bookings themselves.

Times are stored in UTC and shown in Asia/Seoul; every booking starts and ends on the
`SLOT_MINUTES` grid. Money is whole KRW (`BigIntegerField`). Every write goes through
`services`; "before" states are read from the locked row.

No two bookings of one item overlap, and the database enforces it (`guard`): on PostgreSQL an
exclusion constraint on the range [starts_at, blocked_until) of bookings that hold their time
(`HOLDING_STATES`); on SQLite one `BookingSlot` row per grid slot with a unique constraint.
`blocked_until` is the end plus the item's buffer, so the buffer is part of what is refused.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import (
    BlackoutKind,
    BlackoutRepeat,
    BookingState,
    Domain,
    FeedScope,
    FeeUnit,
    Frequency,
    QuotaMeasure,
    QuotaPeriod,
    WaitlistState,
)

USER = settings.AUTH_USER_MODEL
SLOT_MINUTES = 15  # the booking grid: starts, ends and buffers are multiples of it


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday (datetime.weekday())


class Centre(models.Model):
    """A demonstration centre (e.g. the healthcare centre) run by a host institution."""

    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="equipment_centres",
        verbose_name=_("host institution"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One bookable piece of equipment and the rules of its booking.

    Rule fields: a booking lasts between `min_minutes` and `max_minutes`, starts at least
    `notice_minutes` after it is made and at most `max_advance_days` ahead, inside the opening
    hours (`open_from`–`open_until` on `open_days`, unless `always_open`), never in a blackout or
    (with `closed_on_holidays`) on a Korean public holiday; `buffer_minutes` is kept free after
    each booking. Who may book: companies of `eligible_stages` / `eligible_provinces` (empty:
    any), with an active programme award when `requires_award`. Items in `bundled_with` are
    booked together for the same time.
    """

    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="items", verbose_name=_("centre")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="items", verbose_name=_("category")
    )
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="equipment_items",
        verbose_name=_("host institution"),
    )
    code = models.CharField(_("asset number"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # [{"label": "해상도", "label_en": "Resolution", "value": "4K"}, ...]
    specifications = models.JSONField(_("specifications"), default=list, blank=True)
    value_krw = models.BigIntegerField(_("value (KRW)"), null=True, blank=True)

    # length, notice, buffer
    min_minutes = models.PositiveIntegerField(_("shortest booking (minutes)"), default=60)
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=8 * 60)
    notice_minutes = models.PositiveIntegerField(_("notice (minutes)"), default=24 * 60)
    max_advance_days = models.PositiveIntegerField(_("bookable ahead (days)"), default=90)
    buffer_minutes = models.PositiveIntegerField(_("buffer after a booking (minutes)"), default=0)
    # opening hours, in Asia/Seoul
    always_open = models.BooleanField(_("bookable around the clock"), default=False)
    open_from = models.TimeField(_("opens at"), default=dt.time(9, 0))
    open_until = models.TimeField(_("closes at"), default=dt.time(18, 0))
    open_days = models.JSONField(_("open days"), default=_weekdays)
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    # approval and who may book
    requires_approval = models.BooleanField(_("host approval needed"), default=False)
    eligible_stages = models.JSONField(_("stages that may book"), default=list, blank=True)
    eligible_provinces = models.JSONField(_("regions that may book"), default=list, blank=True)
    requires_award = models.BooleanField(_("programme award needed"), default=False)
    # fees
    fee_unit = models.CharField(
        _("fee"), max_length=5, choices=FeeUnit.choices, default=FeeUnit.FREE
    )
    fee_krw = models.BigIntegerField(_("fee per unit (KRW)"), default=0)
    discount_local_percent = models.PositiveSmallIntegerField(
        _("discount for Gwangju companies (%)"), default=0
    )
    discount_young_percent = models.PositiveSmallIntegerField(
        _("discount for young start-ups (%)"), default=0
    )
    # check-in and cancellation
    check_in_grace_minutes = models.PositiveIntegerField(_("check-in grace (minutes)"), default=30)
    free_cancel_hours = models.PositiveIntegerField(
        _("free cancellation until (hours before)"), default=24
    )
    late_cancel_percent = models.PositiveSmallIntegerField(
        _("fee charged for a late cancellation (%)"), default=0
    )

    bundled_with = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("booked together with")
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    is_public = models.BooleanField(_("in the public catalogue"), default=True)
    search_body = models.TextField(blank=True, editable=False)  # index terms (bitgoeul.search)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["centre__position", "name"]

    def __str__(self) -> str:
        return self.name


class ItemPhoto(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="equipment/photos/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or str(self.file.name)


class Accessory(models.Model):
    """An accessory lent with an item; bookings overlapping in time share `quantity`."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="accessories")
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "accessories"

    def __str__(self) -> str:
        return self.name


class Blackout(models.Model):
    """A time no booking may touch: of one item, or of every item of a centre."""

    centre = models.ForeignKey(
        Centre, null=True, blank=True, on_delete=models.CASCADE, related_name="blackouts"
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="blackouts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BlackoutKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    repeat = models.CharField(
        _("repeats"), max_length=8, choices=BlackoutRepeat.choices, blank=True, default=""
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(centre__isnull=False) | models.Q(item__isnull=False),
                name="equipment_blackout_has_target",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="equipment_blackout_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class PublicHoliday(models.Model):
    """A Korean public holiday (공휴일, substitute holidays included), by date in Asia/Seoul."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Quota(models.Model):
    """How much one company may book per week or month: of one item, of a category, or (both
    empty) of all equipment; with `peak_only`, only time inside the peak hours counts."""

    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="quotas"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="quotas"
    )
    measure = models.CharField(_("counted in"), max_length=8, choices=QuotaMeasure.choices)
    period = models.CharField(_("period"), max_length=5, choices=QuotaPeriod.choices)
    limit = models.PositiveIntegerField(_("limit"))
    peak_only = models.BooleanField(_("peak hours only"), default=False)
    peak_from = models.TimeField(_("peak from"), default=dt.time(9, 0))
    peak_until = models.TimeField(_("peak until"), default=dt.time(18, 0))
    peak_days = models.JSONField(_("peak days"), default=_weekdays)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.limit} {self.get_measure_display()} {self.get_period_display()}"


class BookingSeries(models.Model):
    """A recurring booking: the instances it created are its `bookings`; `skipped` lists the
    starts (ISO 8601) the booker chose to skip because they conflicted."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="series")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="booking_series")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    frequency = models.CharField(_("repeats"), max_length=8, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    first_starts_at = models.DateTimeField(_("first start"))
    duration_minutes = models.PositiveIntegerField(_("length (minutes)"))
    count = models.PositiveSmallIntegerField(_("occurrences"))
    skipped = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.item_id} × {self.count}"


class Booking(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bookings")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="bookings")
    booked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    series = models.ForeignKey(
        BookingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    # bookings of items that go together (`Item.bundled_with`) share one bundle id
    bundle = models.UUIDField(null=True, blank=True, db_index=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    blocked_until = models.DateTimeField()  # ends_at + the item's buffer when booked
    state = models.CharField(
        max_length=12, choices=BookingState.choices, default=BookingState.CONFIRMED
    )
    purpose = models.TextField(_("purpose"), blank=True)
    award = models.ForeignKey(
        "programs.Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="equipment_bookings",
        verbose_name=_("programme award"),
    )
    fee_krw = models.BigIntegerField(_("fee (KRW)"), default=0)
    fee_detail = models.JSONField(default=dict, blank=True)  # unit, units, rate, discounts
    # a staff booking that bypassed a rule says which and why (audited, shown to the host)
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # what a late cancellation costs (`late_cancel_percent` of `fee_krw`), fixed when cancelled
    cancel_fee_krw = models.BigIntegerField(_("late cancellation charge (KRW)"), default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["item", "starts_at"]),
            models.Index(fields=["company", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="equipment_booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("ends_at")),
                name="equipment_booking_buffer_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingSlot(models.Model):
    """One `SLOT_MINUTES` slot held by a booking, on SQLite only (see `guard`): the unique
    constraint on (item, starts_at) is what refuses an overlapping booking there."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "starts_at"], name="equipment_slot_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingAccessory(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="accessories")
    accessory = models.ForeignKey(Accessory, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "accessory"], name="equipment_booking_accessory_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accessory_id} × {self.quantity}"


class WaitlistEntry(models.Model):
    """A company waiting for an item's time that was taken; freed time is offered in order of
    `created_at` to the first entry it fits."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="waitlist")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.TextField(_("purpose"), blank=True)
    state = models.CharField(
        max_length=10, choices=WaitlistState.choices, default=WaitlistState.WAITING
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.starts_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """An iCal link (RFC 5545) behind an unguessable secret, stored hashed; revocable."""

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="calendar_feeds")
    scope = models.CharField(max_length=8, choices=FeedScope.choices)
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.scope} {self.prefix}…"


class IdempotencyRecord(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` header, per user: the
    same key and body return it again; the same key with another body is refused."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="equipment_idempotency_once")
        ]

    def __str__(self) -> str:
        return self.key
