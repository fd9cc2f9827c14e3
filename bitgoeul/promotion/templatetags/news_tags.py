"""Template helpers of the news, calendar and digest pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, pgettext_lazy

from bitgoeul.promotion import selectors_news

register = template.Library()

# A post's state in words of its own: the enum's labels share msgids ("In review", …) with other
# apps' catalogues, which Django merges, and those read as an evaluation of applications.
POST_STATES = {
    "draft": pgettext_lazy("news post state", "Draft"),
    "in_review": pgettext_lazy("news post state", "In review"),
    "returned": pgettext_lazy("news post state", "Returned for changes"),
    "published": pgettext_lazy("news post state", "Published"),
    "withdrawn": pgettext_lazy("news post state", "Withdrawn"),
}


@register.filter(name="post_state")
def post_state(state: str) -> str:
    return str(POST_STATES.get(state, state))


@register.filter(name="in_language")
def in_language(obj: Any, field: str = "title") -> str:
    """`obj.<field>_en` for English readers when it is filled in, else `obj.<field>`."""
    if (get_language() or "ko").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


@register.simple_tag(name="event_url")
def event_url(event_id: int) -> str:
    return selectors_news.event_url(event_id)


@register.simple_tag(name="event_list_url")
def event_list_url() -> str:
    return selectors_news.event_list_url()
