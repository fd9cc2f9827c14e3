"""Names the platform itself defines (provinces, KSIC sections), in the page's
language: `{% load company_names %}{{ company.province|province_name }}`. Names people entered
(company names, districts) stay as entered."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from bitgoeul.companies.ksic import SECTIONS
from bitgoeul.companies.regions import BY_CODE

register = template.Library()


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


@register.filter
def province_name(code: str) -> str:
    """`gwangju` → 광주광역시 / Gwangju; an unknown code is shown as it is."""
    province = BY_CODE.get(code or "")
    if province is None:
        return code or ""
    return str(province.name_en) if _english() else province.name


@register.filter
def section_name(letter: str) -> str:
    """`J` → 정보통신업 / Information and communication (the KSIC section's name)."""
    section = SECTIONS.get(letter or "")
    if section is None:
        return letter or ""
    return section[1] if _english() else section[0]
