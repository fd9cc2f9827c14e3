"""Form widgets that write their HTML in Python.

Django renders each widget through templates (an input through three, a select through two
per option): the audit trail's action filter (66 actions) cost more to render than the rest of
its page, and a search box a millisecond. These write exactly the HTML of Django's templates
(`django/forms/widgets/*.html`; tests compare the two) without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"` each, ` name` for True, nothing for False."""
    out: list[str] = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{conditional_escape(value)}"')
    return "".join(out)


class Select(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                out.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"'
                    f"{attributes(option['attrs'])}>{conditional_escape(localize(option['label']))}"
                    "</option>\n"  # select_option.html ends with a line break
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # nosec B308 B703  # every value above is escaped


class _Input(Input):
    """`input.html`."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(  # nosec B308 B703  # every value is escaped
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{attributes(widget["attrs"])}>'
        )


class TextInput(_Input, forms.TextInput):
    pass


class SearchInput(_Input, forms.SearchInput):
    pass


class CheckboxInput(_Input, forms.CheckboxInput):
    pass


class Textarea(forms.Textarea):
    """`textarea.html`."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(localize(widget["value"])) if widget["value"] else ""
        return mark_safe(  # nosec B308 B703  # every value is escaped
            f'<textarea name="{conditional_escape(widget["name"])}"'
            f"{attributes(widget['attrs'])}>\n{text}</textarea>"
        )
