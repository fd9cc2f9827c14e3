"""Forms of the lifecycle area: decisions, cancellation, the waitlist, the list filters and the
statement's month. Times are entered in Asia/Seoul."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bitgoeul.companies.models import Company
from bitgoeul.equipment.enums import BookingState
from bitgoeul.equipment.models import SLOT_MINUTES

SEOUL = ZoneInfo("Asia/Seoul")


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the company"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for the rejection"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why the booking is rejected.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time", "step": SLOT_MINUTES * 60}, format="%H:%M")


class CompanyChoiceField(forms.ModelChoiceField[Company]):
    def label_from_instance(self, obj: Company) -> str:
        return obj.organization.name


class WaitlistForm(forms.Form):
    company = CompanyChoiceField(
        label=_("Company"), queryset=Company.objects.none(), empty_label=None
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=_time_input())
    end = forms.TimeField(label=_("Until"), widget=_time_input())
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, CompanyChoiceField)
        field.queryset = companies.select_related("organization")
        if companies.count() == 1:
            field.widget = forms.HiddenInput()
            field.initial = companies.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            starts_at = dt.datetime.combine(day, start, SEOUL)
            ends_at = dt.datetime.combine(day, end, SEOUL)
            if ends_at <= starts_at:
                self.add_error("end", _("The end must come after the start."))
            data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data


WHEN_CHOICES = [("upcoming", _("Upcoming")), ("past", _("Past"))]


class BookingFilterForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All states")), *BookingState.choices],
        required=False,
    )


class StatementForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("Enter the month as year and month, for example 2026-03.")
            ) from None
