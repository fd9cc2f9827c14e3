"""Forms of the demonstrations app: plain forms (never ModelForms, so that a service reads the
"before" of a change from the database, not from an instance a form already changed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.demonstrations.enums import Direction, Domain, PermitKind, PermitStatus, SiteKind
from bitgoeul.demonstrations.models import Kpi, Site
from bitgoeul.equipment.models import Booking

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class BookingChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.name} · {obj.starts_at:%Y-%m-%d %H:%M}"


class ProjectForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=_("Company"))
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"))
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    product = forms.CharField(label=_("AI product or service"), max_length=200)
    goal = forms.CharField(label=_("Goal"), widget=TEXT, max_length=4000)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    gpu_hours = forms.IntegerField(
        label=_("GPU-hours needed"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=_("GPU time at the National AI Data Center the demonstration needs."),
    )
    risks = forms.CharField(
        label=_("Risks and how they are handled"), widget=TEXT, required=False, max_length=4000
    )
    bookings = BookingChoice(
        queryset=Booking.objects.none(),
        label=_("Equipment bookings"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your company's bookings of demonstration equipment that this project uses."),
    )

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Company],
        bookings: QuerySet[Booking],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["company"].label_from_instance = lambda c: c.organization.name  # type: ignore[attr-defined]
        if len(companies) == 1:
            self.fields["company"].initial = companies[0]
            self.fields["company"].widget = forms.HiddenInput()
        self.fields["site"].queryset = Site.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["bookings"].queryset = bookings.select_related("item")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project must end on or after the day it starts."))
        return data

    def plan(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "title_en": data["title_en"],
            "site_id": data["site"].pk,
            "domain": data["domain"],
            "product": data["product"],
            "goal": data["goal"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "gpu_hours": data["gpu_hours"],
            "risks": data["risks"],
        }


class KpiForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=120)
    name_en = forms.CharField(label=_("Indicator in English"), max_length=120, required=False)
    unit = forms.CharField(
        label=_("Unit"), max_length=30, help_text=_("For example %, ms, people, kWh, KRW.")
    )
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=4)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    method = forms.CharField(
        label=_("How it is measured"), widget=TEXT, required=False, max_length=2000
    )


class PermitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Permission"), choices=PermitKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PermitStatus.choices)
    reference = forms.CharField(
        label=_("Reference (approval number)"), max_length=120, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("return", _("Return for changes")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason"),
        widget=TEXT,
        required=False,
        max_length=2000,
        help_text=_("Needed when you return or reject the plan."),
    )


class MeasurementForm(forms.Form):
    kpi = forms.ModelChoiceField(queryset=Kpi.objects.none(), label=_("KPI"))
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, kpis: QuerySet[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = kpis  # type: ignore[attr-defined]
        self.fields["kpi"].label_from_instance = lambda k: f"{k.name} ({k.unit})"  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (XLSX)"),
        help_text=_(
            "Columns: KPI, Date (YYYY-MM-DD), Value, Note. Download the template to start."
        ),
    )


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the results"), widget=TEXT, max_length=8000)
    report = forms.FileField(
        label=_("Closing report"), help_text=_("PDF, HWP, HWPX, DOCX or XLSX, up to 20 MB.")
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and close")), ("return", _("Return the results"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Comments"),
        widget=TEXT,
        required=False,
        max_length=2000,
        help_text=_("Needed when you return the results."),
    )


class PublishForm(forms.Form):
    is_public = forms.BooleanField(label=_("Show in the public showcase"), required=False)
    story = forms.CharField(
        label=_("Story"),
        widget=TEXT,
        required=False,
        max_length=4000,
        help_text=_("A few sentences for visitors: the problem, what the AI did, what changed."),
    )
    story_en = forms.CharField(
        label=_("Story in English"), widget=TEXT, required=False, max_length=4000
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, up to 5 MB."))
    caption = forms.CharField(
        label=_("What the photo shows"),
        max_length=200,
        help_text=_("Read aloud to blind visitors."),
    )


class SiteForm(forms.Form):
    host = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("Host institution"))
    name = forms.CharField(label=_("Name"), max_length=160)
    name_en = forms.CharField(label=_("Name in English"), max_length=160, required=False)
    kind = forms.ChoiceField(label=_("Kind of site"), choices=SiteKind.choices)
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=TEXT, required=False, max_length=4000
    )

    def __init__(self, *args: Any, hosts: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]


class ShowcaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All domains")), *Domain.choices], required=False
    )
