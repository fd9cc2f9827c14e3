from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_actions, audit_object_types


def action_label(sentence: str, blank: str | None = None) -> str:
    """A registered sentence as an option of the action filter: no one in particular did it
    to "○○" ("○○의 기업 정보를 고쳤습니다" / "changed the company profile of ○○")."""
    if blank is None:
        blank = pgettext("audit filter placeholder", "○○")
    text = sentence % {"actor": "", "object": blank}
    return text.strip().rstrip(".")


class Choices(BaseChoiceIterator):
    """Choices already in Django's normal form ((value, label) pairs, a group's pairs in a
    list): a field and its widget take them as they are instead of normalising the two hundred
    actions again, twice, for every page."""

    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.items)


# action_choices per (language, number of registered actions): the registry only grows (a code
# is registered once, at start-up), so its size says whether a memo is still whole
_ACTION_CHOICES: dict[tuple[str, int], Choices] = {}


def action_choices() -> Choices:
    """The registered actions grouped by the app that writes them (an optgroup each)."""
    actions = audit_actions()
    key = (get_language() or "", len(actions))
    if key not in _ACTION_CHOICES:
        blank = pgettext("audit filter placeholder", "○○")  # translated once, not per action
        groups: dict[str, list[tuple[str, str]]] = {}
        for code, action in actions.items():
            label = action_label(str(action.sentence), blank)
            groups.setdefault(str(action.group), []).append((code, label))
        choices: list[tuple[str, Any]] = [("", str(_("All actions")))]
        for group in sorted(groups):
            choices.append((group, sorted(groups[group], key=lambda item: item[1])))
        _ACTION_CHOICES[key] = Choices(choices)
    return _ACTION_CHOICES[key]


def object_type_choices() -> Choices:
    types = sorted(
        ((code, str(spec.label)) for code, spec in audit_object_types().items()),
        key=lambda item: item[1],
    )
    return Choices([("", str(_("All kinds"))), *types])


class OptionsSelect(forms.Select):
    """Django's select, written in Python: Django's renders each option through two more
    templates (`select_option.html`, `attrs.html`), which made most of the audit trail's time
    with the action filter's two hundred options. The options take no attributes but
    `selected` (a select's options inherit none of its own); labels and values are escaped
    with the standard library's `html.escape` (what Django's `escape` does to text, without
    the lazy-text wrapper that cost more than the escaping itself)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(item) for item in self.format_value(value)}

        def option(code: Any, label: Any) -> str:
            code = str(code)
            mark = " selected" if code in chosen else ""
            return f'<option value="{escape(code)}"{mark}>{escape(str(label))}</option>'

        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for code, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: (group, [(code, label), …])
                parts.append(f'<optgroup label="{escape(str(code))}">')
                parts.extend(option(inner, text) for inner, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(code, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # nosec B308 B703  # every piece escaped above


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, widget=OptionsSelect)
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=120,
        help_text=_("A name or an e-mail address, or part of one."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False, widget=OptionsSelect)
    # set by links to one object's history, not typed by people
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()  # type: ignore[attr-defined]
        self.fields["object_type"].choices = object_type_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return data

    def filters(self) -> dict[str, object]:
        # the fields that hold a valid value (a stale action code in a bookmark drops only
        # that filter, and the form shows why)
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "actor": data.get("actor") or "",
            "object_type": data.get("object_type") or "",
            "object_id": data.get("object_id") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
