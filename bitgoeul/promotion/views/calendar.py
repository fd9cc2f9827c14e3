"""The public calendar: a month of events the viewer may see (`events_at_least`), filtered by
organisation (organiser or co-host), kind and topic. Days are Asia/Seoul days; on a phone the
grid reads as a list of the days that have events (the stylesheet does that, not another page).
"""

from __future__ import annotations

import calendar as monthgrid
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.forms_news import CalendarFilterForm
from bitgoeul.promotion.models import Event

SEOUL = ZoneInfo("Asia/Seoul")
FIRST_MONTH = dt.date(2020, 1, 1)  # links and ?month= stay within sensible years
LAST_MONTH = dt.date(2099, 12, 1)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    events: list[tuple[Event, str, bool]] = field(default_factory=list)


def _month(value: str | None, today: dt.date) -> dt.date:
    """The first day of the month `?month=YYYY-MM` names, else of this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        first = dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return min(max(first, FIRST_MONTH), LAST_MONTH)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def calendar_page(request: HttpRequest) -> HttpResponse:
    today = timezone.now().astimezone(SEOUL).date()
    first = _month(request.GET.get("month"), today)
    form = CalendarFilterForm(request.GET or None, organizations=selectors.publishers())
    filters: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "organization": data["organization"].pk if data["organization"] else None,
            "kind": data["kind"],
            "topic": data["topic"],
        }
    weeks_of_dates = monthgrid.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_of_dates[0][0], weeks_of_dates[-1][-1] + dt.timedelta(days=1)
    start = dt.datetime.combine(grid_start, dt.time(), SEOUL)
    end = dt.datetime.combine(grid_end, dt.time(), SEOUL)
    events = selectors.calendar_events(
        request.user,
        start=start,
        end=end,
        **filters,  # type: ignore[arg-type]
    )
    days: dict[dt.date, Day] = {}
    weeks = []
    for week in weeks_of_dates:
        row = []
        for date in week:
            days[date] = Day(date, date.month == first.month, date == today)
            row.append(days[date])
        weeks.append(row)
    for event in events:
        # an event of several days shows on each of them
        day = max(event.starts_at.astimezone(SEOUL).date(), grid_start)
        last = min(
            (event.ends_at - dt.timedelta(microseconds=1)).astimezone(SEOUL).date(), grid_end
        )
        first_day = event.starts_at.astimezone(SEOUL).date()
        while day <= last and day in days:
            # (event, link, starts that day): later days of a long event show no start time
            days[day].events.append((event, selectors.event_url(event.pk), day == first_day))
            day += dt.timedelta(days=1)
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "promotion/news/calendar.html",
        {
            "form": form,
            "first": first,
            "weeks": weeks,
            "has_events": bool(events),
            "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
            "previous": _shift(first, -1),
            "next": _shift(first, 1),
            "query": query.urlencode(),
            "events_url": selectors.event_list_url(),
        },
    )
