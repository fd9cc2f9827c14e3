"""The booking rules of an item, checked before a booking is written.

Each rule is one function returning the problems it finds; `check_booking` runs them all so
that a refused booking names every rule it breaks, in words that say what to change. Rules read
only. The database's no-overlap guarantee (`guard`) is not a rule here: it holds whatever the
rules said, and a staff override never bypasses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bitgoeul.companies.enums import Stage
from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.equipment.availability import blackout_intervals, opening_intervals
from bitgoeul.equipment.enums import HOLDING_STATES, BookingState, QuotaMeasure, QuotaPeriod
from bitgoeul.equipment.guard import on_grid
from bitgoeul.equipment.models import (
    SLOT_MINUTES,
    Accessory,
    Blackout,
    Booking,
    BookingAccessory,
    Item,
    PublicHoliday,
    Quota,
)
from bitgoeul.programs.enums import AwardState
from bitgoeul.programs.models import Award

SEOUL = ZoneInfo("Asia/Seoul")
Span = tuple[dt.datetime, dt.datetime]

# Bookings that count against a quota: every booking that was or is meant to be used. A
# cancelled or rejected booking gave its time back; a no-show did not (it kept others out).
QUOTA_STATES = (*HOLDING_STATES, BookingState.COMPLETED, BookingState.NO_SHOW)


@dataclass(frozen=True)
class Problem:
    code: str  # stable, for the API and tests: "notice", "too_long", ...
    message: str  # translated, says what to change


@dataclass(frozen=True)
class BookingRequest:
    item: Item
    company: Company
    starts_at: dt.datetime
    ends_at: dt.datetime
    now: dt.datetime
    # accessory id -> quantity asked for with the booking
    accessories: Mapping[int, int] = field(default_factory=dict)
    # other bookings of the same request not yet written (the earlier instances of a series
    # being previewed): they count against the quotas like written ones
    planned: tuple[Span, ...] = ()


def check_times(request: BookingRequest) -> list[Problem]:
    if request.ends_at <= request.starts_at:
        return [Problem("order", _("The end must be after the start."))]
    if not (on_grid(request.starts_at) and on_grid(request.ends_at)):
        return [
            Problem(
                "grid",
                ngettext(
                    "Bookings start and end on the minute, in steps of %(n)d minute.",
                    "Bookings start and end on the minute, in steps of %(n)d minutes.",
                    SLOT_MINUTES,
                )
                % {"n": SLOT_MINUTES},
            )
        ]
    return []


def check_active(request: BookingRequest) -> list[Problem]:
    if request.item.is_active:
        return []
    return [Problem("inactive", _("This item cannot be booked at the moment."))]


def check_length(request: BookingRequest) -> list[Problem]:
    item = request.item
    minutes = (request.ends_at - request.starts_at).total_seconds() / 60
    if minutes < item.min_minutes:
        return [
            Problem(
                "too_short",
                _("A booking of this item lasts at least %(minutes)d minutes.")
                % {"minutes": item.min_minutes},
            )
        ]
    if minutes > item.max_minutes:
        return [
            Problem(
                "too_long",
                _("A booking of this item lasts at most %(minutes)d minutes.")
                % {"minutes": item.max_minutes},
            )
        ]
    return []


def check_notice(request: BookingRequest) -> list[Problem]:
    item = request.item
    if request.starts_at < request.now + dt.timedelta(minutes=item.notice_minutes):
        return [
            Problem(
                "notice",
                _("Book at least %(minutes)d minutes before the start.")
                % {"minutes": item.notice_minutes},
            )
        ]
    if request.starts_at > request.now + dt.timedelta(days=item.max_advance_days):
        return [
            Problem(
                "too_far",
                _("This item can be booked at most %(days)d days ahead.")
                % {"days": item.max_advance_days},
            )
        ]
    return []


def _when(moment: dt.datetime) -> str:
    return formats.date_format(moment.astimezone(SEOUL), "Y-m-d H:i")


def _seoul_dates(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last Asia/Seoul calendar day that [starts_at, ends_at) touches."""
    last = (ends_at - dt.timedelta(microseconds=1)).astimezone(SEOUL).date()
    return starts_at.astimezone(SEOUL).date(), last


def _weekday_names(days: Iterable[int]) -> str:
    return ", ".join(str(WEEKDAYS[day]) for day in sorted(days) if day in WEEKDAYS)


def check_opening_hours(request: BookingRequest) -> list[Problem]:
    """Inside one opening span: on an open day, from `open_from` to `open_until` (Seoul)."""
    item = request.item
    if item.always_open:
        return []
    spans = opening_intervals(item, request.starts_at, request.ends_at, set())
    if spans == [(request.starts_at, request.ends_at)]:
        return []
    return [
        Problem(
            "closed",
            _("This item can be booked on %(days)s, from %(opens)s to %(closes)s.")
            % {
                "days": _weekday_names(item.open_days),
                "opens": item.open_from.strftime("%H:%M"),
                "closes": item.open_until.strftime("%H:%M"),
            },
        )
    ]


def check_holidays(request: BookingRequest) -> list[Problem]:
    if not request.item.closed_on_holidays:
        return []
    first, last = _seoul_dates(request.starts_at, request.ends_at)
    english = (get_language() or "").startswith("en")
    holidays = [
        f"{day:%Y-%m-%d} {name_en if english and name_en else name}"
        for day, name, name_en in PublicHoliday.objects.filter(
            date__gte=first, date__lte=last
        ).values_list("date", "name", "name_en")
    ]
    if not holidays:
        return []
    return [
        Problem(
            "holiday",
            _("This item is closed on public holidays: %(holidays)s.")
            % {"holidays": ", ".join(holidays)},
        )
    ]


def check_blackouts(request: BookingRequest) -> list[Problem]:
    """Blackouts of the item and of its whole centre, repeating ones included."""
    item = request.item
    blackouts = Blackout.objects.filter(
        Q(item_id=item.pk) | Q(centre_id=item.centre_id, item__isnull=True)
    ).filter(
        Q(repeat="", starts_at__lt=request.ends_at, ends_at__gt=request.starts_at) | ~Q(repeat="")
    )
    problems = []
    for blackout in blackouts:
        for start, end in blackout_intervals(blackout, request.starts_at, request.ends_at):
            problems.append(
                Problem(
                    "blackout",
                    _("The item is not available from %(start)s to %(end)s (%(reason)s).")
                    % {
                        "start": _when(start),
                        "end": _when(end),
                        "reason": blackout.reason or blackout.get_kind_display(),
                    },
                )
            )
    return problems


def active_award(company: Company) -> Award | None:
    """The company's oldest programme award in delivery, if any."""
    return (
        Award.objects.filter(application__company=company, state=AwardState.ACTIVE)
        .order_by("created_at", "pk")
        .first()
    )


def check_eligibility(request: BookingRequest) -> list[Problem]:
    """Who may book: the company's stage and region, and an active programme award."""
    item, company = request.item, request.company
    problems = []
    if item.eligible_stages and company.stage not in item.eligible_stages:
        stages = ", ".join(str(Stage(s).label) for s in item.eligible_stages if s in Stage.values)
        problems.append(
            Problem(
                "stage",
                _(
                    "Only companies at these stages may book this item: %(stages)s. If the "
                    "company's stage has changed, update its company record first."
                )
                % {"stages": stages},
            )
        )
    if item.eligible_provinces and company.province not in item.eligible_provinces:
        english = (get_language() or "").startswith("en")
        regions = ", ".join(
            str(BY_CODE[code].name_en) if english else BY_CODE[code].name
            for code in item.eligible_provinces
            if code in BY_CODE
        )
        problems.append(
            Problem(
                "region",
                _("Only companies based in these regions may book this item: %(regions)s.")
                % {"regions": regions},
            )
        )
    if item.requires_award and active_award(company) is None:
        problems.append(
            Problem(
                "award",
                _("Only companies with a programme award in delivery may book this item."),
            )
        )
    return problems


# --- quotas ------------------------------------------------------------------------------------


def quota_period(quota: Quota, moment: dt.datetime) -> Span:
    """The week (Monday to Sunday) or calendar month, in Asia/Seoul, that contains `moment`.
    A booking counts in the period where it starts."""
    day = moment.astimezone(SEOUL).date()
    if quota.period == QuotaPeriod.WEEK:
        first = day - dt.timedelta(days=day.weekday())
        after = first + dt.timedelta(days=7)
    else:
        first = day.replace(day=1)
        after = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(0), SEOUL),
        dt.datetime.combine(after, dt.time(0), SEOUL),
    )


def _peak_minutes(quota: Quota, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    first, last = _seoul_dates(starts_at, ends_at)
    seconds = 0.0
    day = first
    while day <= last:
        if day.weekday() in quota.peak_days:
            peak_start = dt.datetime.combine(day, quota.peak_from, SEOUL)
            peak_end = dt.datetime.combine(day, quota.peak_until, SEOUL)
            overlap = min(peak_end, ends_at) - max(peak_start, starts_at)
            seconds += max(overlap.total_seconds(), 0)
        day += dt.timedelta(days=1)
    return int(seconds // 60)


def quota_weight(quota: Quota, starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """What one booking counts for against the quota: minutes (measured in hours) or 1 (in
    bookings); with `peak_only`, only its time in peak hours, and a booking entirely off-peak
    counts for nothing."""
    if quota.peak_only:
        minutes = _peak_minutes(quota, starts_at, ends_at)
    else:
        minutes = int((ends_at - starts_at).total_seconds() // 60)
    if quota.measure == QuotaMeasure.HOURS:
        return minutes
    return 1 if minutes > 0 else 0


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _quota_problem(quota: Quota, used: int, asked: int) -> Problem:
    if quota.item_id is not None:
        scope = _("this item")
    elif quota.category_id is not None:
        scope = _("the category “%(category)s”") % {"category": quota.category}
    else:
        scope = _("all equipment")
    period = _("a week") if quota.period == QuotaPeriod.WEEK else _("a month")
    values = {
        "limit": quota.limit,
        "scope": scope,
        "period": period,
        "used": _hours(used) if quota.measure == QuotaMeasure.HOURS else used,
        "asked": _hours(asked),
    }
    if quota.measure == QuotaMeasure.HOURS:
        message = (
            ngettext(
                "A company may book %(limit)s hour of %(scope)s in %(period)s. %(used)s hours are "
                "already booked in this period and this booking adds %(asked)s hours.",
                "A company may book %(limit)s hours of %(scope)s in %(period)s. %(used)s hours are "
                "already booked in this period and this booking adds %(asked)s hours.",
                quota.limit,
            )
            % values
        )
    else:
        message = (
            ngettext(
                "A company may make %(limit)s booking of %(scope)s in %(period)s, and "
                "%(used)s are already made in this period.",
                "A company may make %(limit)s bookings of %(scope)s in %(period)s, and "
                "%(used)s are already made in this period.",
                quota.limit,
            )
            % values
        )
    if quota.peak_only:
        message += " " + _("Only time in peak hours counts (%(days)s, %(from)s–%(until)s).") % {
            "days": _weekday_names(quota.peak_days),
            "from": quota.peak_from.strftime("%H:%M"),
            "until": quota.peak_until.strftime("%H:%M"),
        }
    return Problem("quota", message)


def check_quotas(request: BookingRequest) -> list[Problem]:
    """Quotas of the item, of its category and of all equipment, each per company."""
    item = request.item
    quotas = Quota.objects.filter(is_active=True).filter(
        Q(item_id=item.pk)
        | Q(item__isnull=True, category_id=item.category_id)
        | Q(item__isnull=True, category__isnull=True)
    )
    problems = []
    for quota in quotas.select_related("category"):
        asked = quota_weight(quota, request.starts_at, request.ends_at)
        if not asked:
            continue
        period_start, period_end = quota_period(quota, request.starts_at)
        if quota.item_id is not None:
            scope = Q(item_id=quota.item_id)
        elif quota.category_id is not None:
            scope = Q(item__category_id=quota.category_id)
        else:
            scope = Q()
        written = Booking.objects.filter(
            scope,
            company=request.company,
            state__in=QUOTA_STATES,
            starts_at__gte=period_start,
            starts_at__lt=period_end,
        ).values_list("starts_at", "ends_at")
        planned = [(s, e) for s, e in request.planned if period_start <= s < period_end]
        used = sum(quota_weight(quota, s, e) for s, e in [*written, *planned])
        limit = quota.limit * 60 if quota.measure == QuotaMeasure.HOURS else quota.limit
        if used + asked > limit:
            problems.append(_quota_problem(quota, used, asked))
    return problems


# --- accessories -------------------------------------------------------------------------------


def check_accessories(request: BookingRequest) -> list[Problem]:
    """Accessories asked for belong to the item, and bookings overlapping in time (the
    accessory is back at the booking's end; the buffer is the item's) share its quantity."""
    asked = {pk: quantity for pk, quantity in request.accessories.items() if quantity != 0}
    if not asked:
        return []  # a quantity of 0 is an accessory not asked for
    known = {
        accessory.pk: accessory
        for accessory in Accessory.objects.filter(item_id=request.item.pk, pk__in=list(asked))
    }
    problems = []
    for accessory_id, quantity in asked.items():
        accessory = known.get(accessory_id)
        if accessory is None or quantity < 1:
            problems.append(
                Problem("accessory", _("Choose accessories of this item, one or more of each."))
            )
            continue
        taken = sum(
            BookingAccessory.objects.filter(
                accessory=accessory,
                booking__state__in=HOLDING_STATES,
                booking__starts_at__lt=request.ends_at,
                booking__ends_at__gt=request.starts_at,
            ).values_list("quantity", flat=True)
        )
        if taken + quantity > accessory.quantity:
            problems.append(
                Problem(
                    "accessory_quantity",
                    _("Only %(free)d of the accessory “%(accessory)s” are free at this time.")
                    % {"free": max(accessory.quantity - taken, 0), "accessory": accessory},
                )
            )
    return problems


RULES = [
    check_times,
    check_active,
    check_length,
    check_notice,
    check_opening_hours,
    check_holidays,
    check_blackouts,
    check_eligibility,
    check_quotas,
    check_accessories,
]


def check_booking(request: BookingRequest) -> list[Problem]:
    """Every problem of the request, in the order of `RULES`; an empty list means it may be
    booked (if the time is free: that is the database's to say)."""
    problems = check_times(request)
    if problems:
        return problems  # the other rules need a well-formed range
    for rule in RULES[1:]:
        problems.extend(rule(request))
    return problems


def check_bundle(request: BookingRequest, partners: Sequence[Item]) -> list[Problem]:
    """The problems of booking `request.item` and, for the same time, the items it is booked
    together with; a partner's problems name the partner (accessories are the first item's)."""
    problems = check_booking(request)
    for partner in partners:
        for problem in check_booking(replace(request, item=partner, accessories={})):
            message = _("%(item)s (booked together): %(message)s") % {
                "item": partner,
                "message": problem.message,
            }
            problems.append(Problem(problem.code, message))
    return problems
