"""An item's booking rules written as plain sentences for its page, in the reader's language.
Raw codes (stages, regions, fee units) never reach the page: each is named in words."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import time_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bitgoeul.companies.enums import Stage
from bitgoeul.companies.regions import PROVINCES
from bitgoeul.equipment.enums import FeeUnit
from bitgoeul.equipment.models import Item


def _weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday")]  # fmt: skip


def duration(minutes: int) -> str:
    """ "90 minutes" → "1 hour 30 minutes"; whole days and hours read as such."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if mins or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts)


def days_text(days: list[int]) -> str:
    names = _weekday_names()
    ordered = sorted(set(days))
    if ordered == [0, 1, 2, 3, 4]:
        return _("Monday to Friday")
    if ordered == list(range(7)):
        return _("every day")
    return ", ".join(names[d] for d in ordered if 0 <= d < 7)


def fee_text(item: Item) -> str:
    if item.fee_unit == FeeUnit.FREE or not item.fee_krw:
        return _("Free of charge")
    amount = intcomma(item.fee_krw)
    if item.fee_unit == FeeUnit.HOUR:
        return _("%(amount)s won per hour started") % {"amount": amount}
    return _("%(amount)s won per day (each calendar day started)") % {"amount": amount}


def rule_sentences(item: Item) -> list[str]:
    """Every rule that applies to booking the item, one sentence each."""
    out = []
    out.append(
        _("A booking lasts from %(min)s to %(max)s.")
        % {"min": duration(item.min_minutes), "max": duration(item.max_minutes)}
    )
    if item.notice_minutes:
        out.append(
            _("Book at least %(notice)s before the start.")
            % {"notice": duration(item.notice_minutes)}
        )
    out.append(
        ngettext(
            "You can book up to %(n)d day ahead.",
            "You can book up to %(n)d days ahead.",
            item.max_advance_days,
        )
        % {"n": item.max_advance_days}
    )
    if item.always_open:
        out.append(_("It can be booked around the clock."))
    else:
        out.append(
            _("It can be booked %(days)s, from %(start)s to %(end)s (Korean time).")
            % {
                "days": days_text(item.open_days),
                "start": time_format(item.open_from, "H:i"),
                "end": time_format(item.open_until, "H:i"),
            }
        )
    if item.closed_on_holidays:
        out.append(_("It cannot be booked on Korean public holidays."))
    if item.buffer_minutes:
        out.append(
            _("%(buffer)s after each booking are kept free for preparation.")
            % {"buffer": duration(item.buffer_minutes)}
        )
    if item.requires_approval:
        out.append(_("The host institution approves each booking before it is confirmed."))
    else:
        out.append(_("Bookings are confirmed at once."))
    who = []
    if item.eligible_stages:
        labels = dict(Stage.choices)
        who.append(", ".join(str(labels.get(s, s)) for s in item.eligible_stages))
    if item.eligible_provinces:
        english = (get_language() or "ko").startswith("en")
        names = {p.code: str(p.name_en) if english else p.name for p in PROVINCES}
        who.append(", ".join(names.get(p, p) for p in item.eligible_provinces))
    if who:
        out.append(_("Companies that may book: %(who)s.") % {"who": " · ".join(who)})
    if item.requires_award:
        out.append(_("Only companies with an active programme award may book it."))
    out.append(_("Fee: %(fee)s.") % {"fee": fee_text(item)})
    if item.discount_local_percent:
        out.append(
            _("Companies based in Gwangju get %(p)d%% off.") % {"p": item.discount_local_percent}
        )
    if item.discount_young_percent:
        out.append(
            _("Start-ups founded less than seven years ago get %(p)d%% off.")
            % {"p": item.discount_young_percent}
        )
    out.append(
        ngettext(
            "Cancel up to %(n)d hour before the start at no charge.",
            "Cancel up to %(n)d hours before the start at no charge.",
            item.free_cancel_hours,
        )
        % {"n": item.free_cancel_hours}
    )
    if item.late_cancel_percent:
        out.append(
            _("A later cancellation costs %(p)d%% of the fee.") % {"p": item.late_cancel_percent}
        )
    out.append(
        _("Check in within %(grace)s of the start, or the booking is released.")
        % {"grace": duration(item.check_in_grace_minutes)}
    )
    return out
