"""Recurring bookings: a series repeats one booking daily, weekly or monthly.

`series_preview` lists each instance with what stands in its way (the time is taken, or a rule
refuses it) so that the booker chooses which to skip; `series_create` then books the others,
all or nothing: if an instance the booker kept is refused by the time it is written (someone
booked in between), nothing is written and the booker previews again.

Times repeat on the Asia/Seoul wall clock. A monthly series keeps the day of the month; in a
month without that day (the 31st in April) it falls on the month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState, Frequency
from bitgoeul.equipment.guard import BookingConflict
from bitgoeul.equipment.models import Booking, BookingSeries, Item
from bitgoeul.equipment.rules import BookingRequest, Problem, check_bundle
from bitgoeul.equipment.services.bookings import BookingRefused, booking_create

SEOUL = ZoneInfo("Asia/Seoul")
MAX_OCCURRENCES = 52  # a year of weekly bookings; longer plans are made again next year


@dataclass(frozen=True)
class SeriesPlan:
    item: Item
    company: Company
    frequency: str
    interval: int
    first_starts_at: dt.datetime
    duration_minutes: int
    count: int


@dataclass
class Instance:
    starts_at: dt.datetime
    ends_at: dt.datetime
    conflict: bool = False  # the time (with the buffer) is taken
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Names the instance in the skip list (and in `BookingSeries.skipped`)."""
        return instance_key(self.starts_at)

    @property
    def bookable(self) -> bool:
        return not self.conflict and not self.problems


class SeriesRefused(ValidationError):
    """An instance the booker kept cannot be booked; nothing of the series was written."""

    def __init__(self, message: str, instance: Instance | None = None) -> None:
        super().__init__(message, code="series_refused")
        self.instance = instance


def instance_key(starts_at: dt.datetime) -> str:
    return starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def _check_plan(plan: SeriesPlan) -> None:
    if plan.frequency not in Frequency.values:
        raise SeriesRefused(_("Choose how often the booking repeats."))
    if not 1 <= plan.interval <= 12:
        raise SeriesRefused(_("Repeat every 1 to 12 days, weeks or months."))
    if not 2 <= plan.count <= MAX_OCCURRENCES:
        raise SeriesRefused(
            _("A series has from 2 to %(max)d bookings.") % {"max": MAX_OCCURRENCES}
        )
    if plan.duration_minutes <= 0:
        raise SeriesRefused(_("The end must be after the start."))


def occurrences(plan: SeriesPlan) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) of each instance, on the Asia/Seoul wall clock."""
    _check_plan(plan)
    first = plan.first_starts_at.astimezone(SEOUL)
    length = dt.timedelta(minutes=plan.duration_minutes)
    spans = []
    for n in range(plan.count):
        step = n * plan.interval
        if plan.frequency == Frequency.DAILY:
            day = first.date() + dt.timedelta(days=step)
        elif plan.frequency == Frequency.WEEKLY:
            day = first.date() + dt.timedelta(weeks=step)
        else:
            months = first.month - 1 + step
            year, month = first.year + months // 12, months % 12 + 1
            day = dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))
        start = dt.datetime.combine(day, first.time(), SEOUL)
        spans.append((start, start + length))
    return spans


def series_preview(
    *,
    plan: SeriesPlan,
    accessories: Mapping[int, int] | None = None,
    now: dt.datetime | None = None,
) -> list[Instance]:
    """Each instance of the plan with its conflict and the rules it breaks. Quotas count the
    earlier bookable instances, as they will be booked before it; an instance overlapping an
    earlier bookable one conflicts with it."""
    now = now or timezone.now()
    spans = occurrences(plan)
    partners = list(plan.item.bundled_with.all())
    members = [plan.item, *partners]
    buffers = {member.pk: dt.timedelta(minutes=member.buffer_minutes) for member in members}
    longest_buffer = max(buffers.values())
    held = list(
        Booking.objects.filter(
            item_id__in=list(buffers),
            state__in=HOLDING_STATES,
            starts_at__lt=spans[-1][1] + longest_buffer,
            blocked_until__gt=spans[0][0],
        ).values_list("item_id", "starts_at", "blocked_until")
    )
    instances: list[Instance] = []
    planned: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        instance = Instance(start, end)
        instance.conflict = any(
            s < end + buffers[item_id] and e > start for item_id, s, e in held
        ) or any(s < end + longest_buffer and e + longest_buffer > start for s, e in planned)
        instance.problems = check_bundle(
            BookingRequest(
                item=plan.item,
                company=plan.company,
                starts_at=start,
                ends_at=end,
                now=now,
                accessories=accessories or {},
                planned=tuple(planned),
            ),
            partners,
        )
        if instance.bookable:
            planned.append((start, end))
        instances.append(instance)
    return instances


@transaction.atomic
def series_create(
    *,
    plan: SeriesPlan,
    actor: Any,
    skip: Collection[str] = (),
    purpose: str = "",
    accessories: Mapping[int, int] | None = None,
    override_reason: str = "",
    on_behalf: bool = False,
    now: dt.datetime | None = None,
) -> BookingSeries:
    """Book every instance of the plan except those whose `Instance.key` is in `skip`, and
    return the series (its bookings are `series.bookings`). Each instance is booked by
    `booking_create` (rules, override, bundle, approval, fee, audit); one that is refused or
    whose time is taken raises `SeriesRefused` naming it, and nothing is written."""
    now = now or timezone.now()
    spans = occurrences(plan)
    keys = {instance_key(start) for start, _end in spans}
    skipped = sorted(keys & set(skip))
    if len(skipped) == len(keys):
        raise SeriesRefused(_("Every date of the series is skipped: nothing is left to book."))
    series = BookingSeries.objects.create(
        item=plan.item,
        company=plan.company,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        frequency=plan.frequency,
        interval=plan.interval,
        first_starts_at=plan.first_starts_at,
        duration_minutes=plan.duration_minutes,
        count=plan.count,
        skipped=skipped,
        created_at=now,
    )
    booking_ids = []
    for start, end in spans:
        if instance_key(start) in skipped:
            continue
        when = timezone.localtime(start, SEOUL).strftime("%Y-%m-%d %H:%M")
        try:
            booking = booking_create(
                item=plan.item,
                company=plan.company,
                starts_at=start,
                ends_at=end,
                actor=actor,
                purpose=purpose,
                override_reason=override_reason,
                on_behalf=on_behalf,
                accessories=accessories,
                series_id=series.pk,
                now=now,
            )
        except BookingConflict as error:
            raise SeriesRefused(
                _("The time of %(when)s has just been taken. Look at the series again.")
                % {"when": when},
                Instance(start, end, conflict=True),
            ) from error
        except BookingRefused as error:
            raise SeriesRefused(
                _("The booking of %(when)s cannot be made: %(problems)s")
                % {"when": when, "problems": " ".join(p.message for p in error.problems)},
                Instance(start, end, problems=error.problems),
            ) from error
        booking_ids.append(booking.pk)
    audit_record(
        actor=actor,
        action="booking_series.create",
        obj=series,
        after={
            "item": plan.item.pk,
            "company": plan.company.pk,
            "frequency": plan.frequency,
            "interval": plan.interval,
            "count": plan.count,
            "first_starts_at": plan.first_starts_at,
            "duration_minutes": plan.duration_minutes,
            "skipped": skipped,
            "bookings": booking_ids,
            "override_reason": override_reason,
        },
    )
    pending = series.bookings.filter(state=BookingState.PENDING).order_by("starts_at").first()
    if pending is not None:
        from bitgoeul.equipment.notification_kinds_lifecycle import booking_pending_notify

        booking_pending_notify(booking=pending, actor=actor)
    return series
