"""Forms of the catalogue: the public filters and "find free time", and the staff's forms for
centres, categories, items, accessories, photos, blackouts and quotas. They parse what people
type; the services check the data (`apply_errors` puts a service's error on its field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import Stage
from bitgoeul.companies.regions import PROVINCES
from bitgoeul.equipment.enums import Domain
from bitgoeul.equipment.models import Accessory, Blackout, Category, Centre, Item, Quota
from bitgoeul.equipment.services.catalogue import CATEGORY_FIELDS, CENTRE_FIELDS, ITEM_FIELDS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_WINDOW_DAYS = 31
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def apply_errors(form: forms.BaseForm, error: ValidationError, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it,
    else on `field` (a service that checks one thing, e.g. a photo), else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, error.messages)


def _window(form: forms.Form, start_name: str, end_name: str, required: bool) -> None:
    data = form.cleaned_data
    start, end = data.get(start_name), data.get(end_name)
    if (start is None) != (end is None):
        if required or start is not None or end is not None:
            form.add_error(end_name if start else start_name, _("Give both the start and the end."))
        return
    if start is None or end is None:
        return
    if end <= start:
        form.add_error(end_name, _("The end must be after the start."))
    elif end - start > dt.timedelta(days=MAX_WINDOW_DAYS):
        form.add_error(
            end_name, _("Look at %(n)d days at most at a time.") % {"n": MAX_WINDOW_DAYS}
        )


class CatalogueForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.all(), required=False, empty_label=_("All")
    )
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All")), *Domain.choices], required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All")
    )
    fee = forms.ChoiceField(
        label=_("Fee"),
        choices=[("", _("All")), ("free", _("Free of charge")), ("paid", _("With a fee"))],
        required=False,
    )
    free_from = forms.DateTimeField(label=_("Free from"), required=False, widget=DATETIME_WIDGET)
    free_until = forms.DateTimeField(label=_("Free until"), required=False, widget=DATETIME_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _window(self, "free_from", "free_until", required=False)
        return data


class FreeTimeForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=Centre.objects.all(), required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("All")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _window(self, "start", "end", required=True)
        return data


def default_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Tomorrow 09:00–18:00 Asia/Seoul: the window the free-time page opens with."""
    seoul = timezone.get_default_timezone()
    day = ((now or timezone.now()).astimezone(seoul) + dt.timedelta(days=1)).date()
    return (
        dt.datetime.combine(day, dt.time(9), seoul),
        dt.datetime.combine(day, dt.time(18), seoul),
    )


# --- management --------------------------------------------------------------------------------


def _host_choices() -> QuerySet[Organization]:
    return Organization.objects.exclude(kind=OrganizationKind.COMPANY).order_by("name")


class CentreForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Centre
        fields = CENTRE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = _host_choices()  # type: ignore[attr-defined]
        self.fields["position"].label = _("Order in lists")
        self.fields["position"].required = False


class CategoryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Category
        fields = CATEGORY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].label = _("Order in lists")
        self.fields["position"].required = False


class SpecificationsField(forms.CharField):
    """One specification per line, "label: value" (Korean), optionally "label / English label:
    value"; read into the list `Item.specifications` keeps."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            lines = []
            for spec in value:
                label = spec.get("label", "")
                if spec.get("label_en"):
                    label = f"{label} / {spec['label_en']}"
                lines.append(f"{label}: {spec.get('value', '')}")
            return "\n".join(lines)
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        text = super().to_python(value) or ""
        specs = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if ":" not in line:
                raise ValidationError(
                    _("Line %(n)d has no colon: write “label: value”.") % {"n": number}
                )
            label, spec_value = (part.strip() for part in line.split(":", 1))
            ko, _sep, en = (part.strip() for part in label.partition("/"))
            if not ko or not spec_value:
                raise ValidationError(
                    _("Line %(n)d needs both a label and a value.") % {"n": number}
                )
            specs.append({"label": ko, "label_en": en, "value": spec_value})
        return specs


class ItemForm(forms.ModelForm):  # type: ignore[type-arg]
    specifications = SpecificationsField(
        label=_("Specifications"),
        required=False,
        help_text=_(
            "One per line: “label / English label: value”, e.g. “해상도 / Resolution: 4K”."
        ),
    )
    open_days = forms.TypedMultipleChoiceField(
        label=_("Open days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_stages = forms.MultipleChoiceField(
        label=_("Stages that may book"),
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every stage."),
    )
    eligible_provinces = forms.MultipleChoiceField(
        label=_("Regions that may book"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every region."),
    )
    bundled_with = forms.ModelMultipleChoiceField(
        label=_("Booked together with"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Booking this item also books the ticked ones for the same time."),
    )

    class Meta:
        model = Item
        fields = ITEM_FIELDS
        widgets = {
            "open_from": TIME_WIDGET,
            "open_until": TIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(
        self,
        *args: Any,
        centres: QuerySet[Centre],
        bundle_choices: QuerySet[Item],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres  # type: ignore[attr-defined]
        self.fields["host"].queryset = _host_choices()  # type: ignore[attr-defined]
        self.fields["host"].required = False
        self.fields["host"].help_text = _("Empty: the centre's host institution.")
        # the official Korean name in Korean, the English name otherwise
        korean = (get_language() or "ko").startswith("ko")
        self.fields["eligible_provinces"].choices = [  # type: ignore[attr-defined]
            (p.code, p.name if korean else str(p.name_en)) for p in PROVINCES
        ]
        bundle = self.fields["bundled_with"]
        bundle.queryset = bundle_choices  # type: ignore[attr-defined]
        if self.instance.pk:
            bundle.initial = list(self.instance.bundled_with.values_list("pk", flat=True))
            bundle.queryset = bundle_choices.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Days do not matter around the clock; the row keeps the usual ones for a later change.
        if data.get("always_open") and not data.get("open_days"):
            data["open_days"] = [0, 1, 2, 3, 4]
        return data

    def clean_host(self) -> Organization | None:
        host = self.cleaned_data.get("host")
        centre = self.cleaned_data.get("centre")
        return host or (centre.host if centre else None)


class AccessoryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Accessory
        fields = ("name", "name_en", "quantity")


class PhotoForm(forms.Form):
    file = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class BlackoutForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Blackout
        fields = ("kind", "starts_at", "ends_at", "repeat", "repeat_until", "reason")
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "repeat_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class QuotaForm(forms.ModelForm):  # type: ignore[type-arg]
    peak_days = forms.TypedMultipleChoiceField(
        label=_("Peak days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )

    class Meta:
        model = Quota
        fields: tuple[str, ...] = (
            "measure",
            "period",
            "limit",
            "peak_only",
            "peak_from",
            "peak_until",
            "peak_days",
        )
        widgets = {"peak_from": TIME_WIDGET, "peak_until": TIME_WIDGET}

    def clean_peak_days(self) -> list[int]:
        days: list[int] = self.cleaned_data.get("peak_days") or []
        if not days and self.cleaned_data.get("peak_only"):
            raise ValidationError(_("Choose the days the peak hours apply to."))
        return days or [0, 1, 2, 3, 4]


class CatalogueQuotaForm(QuotaForm):
    """A quota of a whole category, or (no category) of all equipment: operator staff."""

    class Meta(QuotaForm.Meta):
        fields = ("category", *QuotaForm.Meta.fields)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = _("All equipment")  # type: ignore[attr-defined]
