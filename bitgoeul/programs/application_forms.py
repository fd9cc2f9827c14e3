"""Web forms of the applications area: the application form built from a call's form fields,
the staff list's filters, the request for changes."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bitgoeul.companies.regions import PROVINCES
from bitgoeul.programs.enums import ApplicationState, FieldKind
from bitgoeul.programs.models import FormField
from bitgoeul.programs.selectors import LIST_SORTS, ApplicationFilters

EMPTY_ROWS = 2  # blank rows offered under a table's rows (the page's script adds more)


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def field_label(field: FormField) -> str:
    return field.label_en if _english() and field.label_en else field.label


def field_help(field: FormField) -> str:
    return field.help_text_en if _english() and field.help_text_en else field.help_text


def _widget_field(field: FormField) -> forms.Field:
    common: dict[str, Any] = {
        "required": False,  # drafts may be incomplete: required answers are checked on submit
        "label": field_label(field),
        "help_text": field_help(field),
    }
    if field.kind == FieldKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), strip=False, **common)
    if field.kind == FieldKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if field.kind == FieldKind.MONEY:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    if field.kind == FieldKind.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.kind == FieldKind.CHOICE:
        english = _english()
        choices = [("", "—")] + [
            (
                str(o.get("value")),
                str(o.get("label_en") if english and o.get("label_en") else o.get("label")),
            )
            for o in field.options
        ]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(**common)


class AnswersForm(forms.Form):
    """The simple fields of a call's form (files and tables of rows are drawn by the page);
    values are checked by `answers.clean_answers` in the service, not here."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, form_fields: list[FormField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form_fields = form_fields
        for field in form_fields:
            if field.kind not in {FieldKind.FILE, FieldKind.ROWS}:
                self.fields[field.key] = _widget_field(field)
                self.fields[field.key].required_answer = field.required  # type: ignore[attr-defined]


def initial_answers(form_fields: list[FormField], data: dict[str, Any]) -> dict[str, Any]:
    """The saved answers as the form shows them (money with separators)."""
    initial: dict[str, Any] = {}
    for field in form_fields:
        value = data.get(field.key)
        if value is None or field.kind in {FieldKind.FILE, FieldKind.ROWS}:
            continue
        initial[field.key] = f"{value:,}" if field.kind == FieldKind.MONEY else value
    return initial


def posted_answers(form_fields: list[FormField], post: QueryDict) -> dict[str, Any]:
    """The answers sent by the page: simple fields by key, tables from their cells named
    `<key>-<row>-<column>` (rows in the order of their numbers)."""
    data: dict[str, Any] = {}
    for field in form_fields:
        if field.kind == FieldKind.FILE:
            continue
        if field.kind != FieldKind.ROWS:
            if field.key in post:
                data[field.key] = post.get(field.key, "")
            continue
        prefix = f"{field.key}-"
        if f"{field.key}-rows" not in post:
            continue
        rows: dict[int, dict[str, str]] = {}
        for name in post:
            value = post.get(name, "")
            parts = name[len(prefix) :].split("-", 1) if name.startswith(prefix) else []
            if len(parts) == 2 and parts[0].isdigit():
                rows.setdefault(int(parts[0]), {})[parts[1]] = value
        data[field.key] = [rows[index] for index in sorted(rows)]
    return data


def table_rows(field: FormField, data: dict[str, Any]) -> list[list[tuple[str, str, Any]]]:
    """The rows of a table field as the page draws them: saved rows plus `EMPTY_ROWS` blank
    ones; each cell (input name, column key, value)."""
    saved = data.get(field.key) or []
    out = []
    for index, row in enumerate([*saved, *({} for _blank in range(EMPTY_ROWS))]):
        out.append(
            [
                (f"{field.key}-{index}-{column['key']}", column["key"], row.get(column["key"]))
                for column in field.columns
            ]
        )
    return out


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label=_("What should the company change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


def _province_choices() -> list[tuple[str, str]]:
    english = _english()
    return [("", str(_("All regions")))] + [
        (p.code, str(p.name_en) if english else p.name) for p in PROVINCES
    ]


SORT_LABELS = {
    "-submitted": _("Latest submitted first"),
    "submitted": _("Earliest submitted first"),
    "-amount": _("Largest amount first"),
    "amount": _("Smallest amount first"),
    "title": _("Project title"),
    "company": _("Company name"),
}


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search in title and summary"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    province = forms.ChoiceField(label=_("Region"), required=False)
    amount_min = forms.IntegerField(label=_("Amount from (KRW)"), required=False, min_value=0)
    amount_max = forms.IntegerField(label=_("Amount up to (KRW)"), required=False, min_value=0)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = [
            (v, label) for v, label in ApplicationState.choices if v != ApplicationState.DRAFT
        ]
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", _("All states")), *states]
        cast(forms.ChoiceField, self.fields["province"]).choices = _province_choices()
        cast(forms.ChoiceField, self.fields["sort"]).choices = [
            (code, SORT_LABELS[code]) for code in LIST_SORTS
        ]

    def filters(self) -> ApplicationFilters:
        """The valid filters (an invalid value is left out, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ApplicationFilters(
            state=data.get("state") or "",
            province=data.get("province") or "",
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            q=data.get("q") or "",
            sort=data.get("sort") or "-submitted",
        )
