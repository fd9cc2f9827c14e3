"""Forms of the matchmaking app: plain forms (never ModelForms, so that a service reads the
"before" of a change from the database). Times are entered in Asia/Seoul."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import PROVINCE_CHOICES
from bitgoeul.matchmaking.enums import OutcomeKind, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 4})
MAX_KRW = 1_000_000_000_000  # a trillion won: beyond any regional AI project


class NeedForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("Requesting company"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What you want AI to do"),
        widget=TEXT,
        max_length=4000,
        help_text=_(
            "Write in plain words what takes time or goes wrong today, for example: "
            "“작업자가 눈으로 하는 불량 검사를 자동화하고 싶습니다.”"
        ),
    )
    sector = forms.ChoiceField(label=pgettext_lazy("matchmaking", "Sector"), choices=Sector.choices)
    budget_min_krw = forms.IntegerField(
        label=_("Budget from (KRW)"), min_value=0, max_value=MAX_KRW, required=False
    )
    budget_max_krw = forms.IntegerField(
        label=_("Budget up to (KRW)"), min_value=0, max_value=MAX_KRW, required=False
    )
    data_available = forms.CharField(
        label=_("Data you have"),
        widget=TEXT,
        max_length=2000,
        required=False,
        help_text=_("For example: three years of inspection photos, machine logs, sales records."),
    )
    timing = forms.CharField(
        label=_("Timing"),
        max_length=200,
        required=False,
        help_text=_("When you would like to start or finish, in your own words."),
    )
    starts_by = forms.DateField(label=_("Start by"), widget=DATE, required=False)
    preferred_province = forms.ChoiceField(
        label=_("Preferred region"),
        choices=[("", _("Anywhere")), *PROVINCE_CHOICES],
        required=False,
        help_text=_("Suppliers in this region rank higher; none: your company's region."),
    )

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["company"]
        field.queryset = companies
        field.label_from_instance = lambda c: c.organization.name
        if len(companies) == 1:
            field.initial = companies[0]
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("budget_min_krw"), data.get("budget_max_krw")
        if low is not None and high is not None and high < low:
            self.add_error(
                "budget_max_krw", _("The budget's upper end must not be below its lower end.")
            )
        return data

    def need_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "company"}


class InviteForm(forms.Form):
    supplier = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message to the supplier"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Note to the requesting company"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    place = forms.CharField(
        label=_("Place or online link"),
        max_length=300,
        help_text=_("An address, a meeting room, or the link of an online meeting."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    amount_krw = forms.IntegerField(
        label=_("Contract amount (KRW)"),
        min_value=1,
        max_value=MAX_KRW,
        required=False,
        help_text=_("For a contract only."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OutcomeKind.CONTRACT and not data.get("amount_krw"):
            self.add_error("amount_krw", _("Enter the contract amount in won."))
        return data


class SupplierProfileForm(forms.Form):
    accepts_needs = forms.BooleanField(
        label=_("Take requests from regional companies"), required=False
    )
    capacity = forms.IntegerField(
        label=_("Conversations at once"),
        min_value=0,
        max_value=100,
        help_text=_(
            "How many interested conversations without an outcome you can carry; "
            "when they are all taken you rank lower."
        ),
    )
    pitch = forms.CharField(
        label=_("What we offer regional companies"),
        widget=TEXT,
        max_length=2000,
        required=False,
    )
