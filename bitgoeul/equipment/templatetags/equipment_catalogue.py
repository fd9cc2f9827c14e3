"""Template filters of the catalogue pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter(name="bilingual")
def bilingual(obj: Any, field: str = "name") -> str:
    """`obj.<field>_en` for English readers when it is filled in, else `obj.<field>`."""
    if (get_language() or "ko").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, ""))


@register.filter(name="spec_label")
def spec_label(spec: dict[str, str]) -> str:
    if (get_language() or "ko").startswith("en") and spec.get("label_en"):
        return spec["label_en"]
    return spec.get("label", "")


@register.filter(name="fee_text")
def fee_text(item: Any) -> str:
    from bitgoeul.equipment.item_words import fee_text as words

    return words(item)


@register.filter(name="duration")
def duration(minutes: int) -> str:
    from bitgoeul.equipment.item_words import duration as words

    return words(int(minutes))


@register.filter(name="split_words")
def split_words(text: str) -> list[str]:
    return text.split()


@register.filter(name="field")
def field(form: Any, name: str) -> Any:
    """The bound field `name` of a form (templates cannot index by a variable)."""
    return form[name]
