"""Forms of the call builder and the notice board. They parse what people type; the services
check the data (a service's ValidationError lands on the form's field with `apply_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.regions import PROVINCES
from bitgoeul.programs.enums import EligibilityKind, FieldKind, FieldMeaning
from bitgoeul.programs.selectors import board_state_choices
from bitgoeul.programs.services.call_forms import ROW_COLUMN_KINDS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    it, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class MoneyField(forms.Field):
    """An amount in whole won: "150,000,000" or "150000000 원" are read; decimals and
    negative amounts are refused with a sentence that says so."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> int | None:
        text = str(value if value is not None else "").strip()
        text = text.replace(",", "").replace(" ", "").removesuffix("원").removesuffix("KRW")
        if not text:
            return None
        if text.startswith("-"):
            raise ValidationError(_("Enter an amount of 0 won or more."), code="negative")
        if not text.isdigit() or len(text) > 18:
            raise ValidationError(
                _("Enter the amount in whole won, with digits only (no decimals)."),
                code="money",
            )
        return int(text)


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Leave a blank line between paragraphs. Start a line with “- ” for a list or "
            "“1. ” for a numbered list; **text** is bold; [text](https://…) is a link."
        ),
    )
    organizer = forms.ModelChoiceField(label=_("Organiser"), queryset=Organization.objects.none())
    co_organizers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Their staff may edit this call and see its applications."),
    )
    budget = MoneyField(label=_("Budget (KRW)"))
    max_award = MoneyField(label=_("Maximum per award (KRW)"))
    opens_at = forms.DateTimeField(label=_("Opens at (Korea time)"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(
        label=_("Closes at (Korea time)"),
        widget=DATETIME_WIDGET,
        help_text=_("Applications sent after this time, to the second, are refused."),
    )
    blind = forms.BooleanField(
        label=_("Blind review: reviewers do not see who applied"), required=False
    )

    def __init__(
        self,
        *args: Any,
        organizers: Any,
        co_organizers: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organizer_field = self.fields["organizer"]
        assert isinstance(organizer_field, forms.ModelChoiceField)
        organizer_field.queryset = organizers
        co_field = self.fields["co_organizers"]
        assert isinstance(co_field, forms.ModelMultipleChoiceField)
        co_field.queryset = co_organizers


class StageForm(forms.Form):
    name = forms.CharField(label=_("Stage name"), max_length=100, help_text=_("e.g. 서면평가"))
    name_en = forms.CharField(label=_("Stage name in English"), max_length=100, required=False)
    reviewers_per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=50, initial=3
    )
    review_due_at = forms.DateTimeField(
        label=_("Reviews due (Korea time)"), widget=DATETIME_WIDGET, required=False
    )
    advance_count = forms.IntegerField(
        label=_("Applications that advance to the next stage"),
        min_value=1,
        required=False,
        help_text=_("Leave empty when every reviewed application advances."),
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    name_en = forms.CharField(label=_("Criterion in English"), max_length=100, required=False)
    description = forms.CharField(
        label=_("What reviewers look at"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100, initial=10)


class RuleForm(forms.Form):
    """One eligibility rule: the kind, then the one input that kind needs."""

    kind = forms.ChoiceField(label=_("Kind of rule"), choices=EligibilityKind.choices)
    provinces = forms.MultipleChoiceField(
        label=_("Provinces (region rule)"),
        required=False,
        choices=[(p.code, p.name) for p in PROVINCES],
    )
    chapters = forms.ModelMultipleChoiceField(
        label=_("Chapters (chapter rule)"),
        required=False,
        queryset=Organization.objects.filter(kind=OrganizationKind.CHAPTER).order_by("name"),
    )
    years = forms.IntegerField(
        label=_("Years (company age, earlier awards)"), required=False, min_value=1
    )
    count = forms.IntegerField(
        label=_("Employees (minimum or maximum)"), required=False, min_value=0
    )
    certifications = forms.MultipleChoiceField(
        label=_("Certifications (any one)"),
        required=False,
        choices=CertificationKind.choices,
    )

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == EligibilityKind.REGION:
            return {"provinces": data["provinces"]}
        if kind == EligibilityKind.CHAPTER:
            return {"chapters": [org.pk for org in data["chapters"]]}
        if kind in (EligibilityKind.MAX_AGE_YEARS, EligibilityKind.NO_AWARD_SINCE):
            return {"years": data["years"]}
        if kind in (EligibilityKind.MIN_EMPLOYEES, EligibilityKind.MAX_EMPLOYEES):
            return {"count": data["count"]}
        return {"kinds": data["certifications"]}

    @staticmethod
    def initial_for(kind: str, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": kind,
            "provinces": params.get("provinces", []),
            "chapters": params.get("chapters", []),
            "years": params.get("years"),
            "count": params.get("count"),
            "certifications": params.get("kinds", []),
        }


def _lines(text: str, width: int) -> list[list[str]]:
    """Non-empty lines split at "|", padded to `width` parts."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|")]
            rows.append((parts + [""] * width)[:width])
    return rows


def _column_kind(text: str) -> str:
    """A column's kind as typed: its code or its name in either language ("금액", "Amount")."""
    wanted = text.strip().lower()
    for kind in ROW_COLUMN_KINDS:
        with translation.override("ko"):
            korean = str(FieldKind(kind).label).lower()
        with translation.override("en"):
            english = str(FieldKind(kind).label).lower()
        if wanted in {kind, korean, english} or wanted == english.split(" (")[0]:
            return kind
    return wanted  # refused by the service with a message that says which kinds there are


def _column_kind_label(kind: str) -> str:
    return str(FieldKind(kind).label) if kind in FieldKind.values else kind


class FormFieldForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=200)
    label_en = forms.CharField(label=_("Question in English"), max_length=200, required=False)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        help_text=_("A short name in Latin letters for exports and the API, e.g. team_size."),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=FieldKind.choices)
    meaning = forms.ChoiceField(
        label=_("Meaning"),
        choices=FieldMeaning.choices,
        required=False,
        help_text=_("The platform totals, searches and matches the fields with a meaning."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(
        label=_("Help text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_text_en = forms.CharField(
        label=_("Help text in English"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    max_length = forms.IntegerField(
        label=_("Most characters (text answers)"), required=False, min_value=1
    )
    options = forms.CharField(
        label=_("Options (choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One option a line: value | label | label in English."),
    )
    columns = forms.CharField(
        label=_("Columns (table of rows)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["columns"].help_text = _(
            "One column a line: key | label | label in English | kind (%(kinds)s)."
        ) % {"kinds": ", ".join(str(FieldKind(kind).label) for kind in ROW_COLUMN_KINDS)}

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["options"] = [
            {"value": v, "label": label, "label_en": label_en}
            for v, label, label_en in _lines(data.get("options", ""), 3)
        ]
        data["columns"] = [
            {"key": key, "label": label, "label_en": label_en, "kind": _column_kind(kind)}
            for key, label, label_en, kind in _lines(data.get("columns", ""), 4)
        ]
        return data

    @staticmethod
    def initial_for(field: Any) -> dict[str, Any]:
        initial = {
            name: getattr(field, name)
            for name in (
                "label",
                "label_en",
                "key",
                "kind",
                "meaning",
                "required",
                "help_text",
                "help_text_en",
                "max_length",
            )
        }
        initial["options"] = "\n".join(
            f"{o.get('value', '')} | {o.get('label', '')} | {o.get('label_en', '')}"
            for o in field.options
        )
        initial["columns"] = "\n".join(
            f"{c.get('key', '')} | {c.get('label', '')} | {c.get('label_en', '')} | "
            f"{_column_kind_label(c.get('kind', ''))}"
            for c in field.columns
        )
        return initial


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, HWP, HWPX, DOCX or XLSX, at most 20 MB."),
    )


class BoardForm(forms.Form):
    q = forms.CharField(
        label=_("Search calls"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    organizer = forms.TypedChoiceField(
        label=_("Organiser"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organizers: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state_field = self.fields["state"]
        assert isinstance(state_field, forms.ChoiceField)
        state_field.choices = [("", _("All")), *board_state_choices()]
        organizer_field = self.fields["organizer"]
        assert isinstance(organizer_field, forms.ChoiceField)
        organizer_field.choices = [("", _("All")), *[(o.pk, o.name) for o in organizers]]
