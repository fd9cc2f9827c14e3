from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from bitgoeul.core.korean import josa, particle

register = template.Library()


@register.filter
def krds_widget(field: forms.BoundField) -> SafeString:
    """Render a form field's widget with the KRDS class and the accessibility attributes that
    tie it to its hint and error."""
    widget = field.field.widget
    attrs: dict[str, str | bool] = {}
    if isinstance(widget, forms.Select):
        attrs["class"] = "krds-form-select"
    elif isinstance(widget, forms.Textarea):
        attrs["class"] = "krds-input textarea"
    elif not isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.FileInput):
        attrs["class"] = "krds-input"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_hint")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
        attrs["class"] = f"{attrs.get('class', '')} is-error"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required:
        attrs["required"] = "required"
    return field.as_widget(attrs=attrs)


@register.filter(name="josa")
def josa_filter(word: object, pair: str) -> str:
    """`{{ company.name|josa:"을/를" }}`: the word and the particle its last sound takes."""
    return josa(word, pair)


@register.filter(name="particle")
def particle_filter(word: object, pair: str) -> str:
    """`{{ name }}{{ name|particle:"이/가" }}`: the particle alone, when markup sits between."""
    return particle(str(word), pair)


@register.filter
def role_count(memberships: Iterable[Any], role: str) -> int:
    """How many of the memberships have `role`: `{{ members|role_count:"admin" }}`."""
    return sum(1 for membership in memberships if membership.role == role)


@register.filter
def org_name(organization: Any) -> str:
    """An organisation's name in the page's language: its English name on English pages when it
    has one (chapters, the association, the city office), else the name as entered."""
    if not organization:
        return ""
    return str(organization.display_name(get_language() or "ko"))
