"""Template helpers of the applications area: the countdown to a deadline."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def time_left(deadline: dt.datetime, now: dt.datetime) -> str:
    """What is left before the deadline by the server's clock ("3 days 4 hours left"); the
    page's script counts down from the same server time."""
    seconds = int((deadline - now).total_seconds())
    if seconds < 0:
        return _("Closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return ngettext("%(days)d day %(hours)d h left", "%(days)d days %(hours)d h left", days) % {
            "days": days,
            "hours": hours,
        }
    return _("%(hours)d h %(minutes)d min left") % {"hours": hours, "minutes": minutes}
