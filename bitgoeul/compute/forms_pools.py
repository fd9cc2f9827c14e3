"""Forms of the pools area. Plain forms (not model forms) so that a form never changes the row
the service is about to lock and compare; the services check the data as a whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import Stage
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.compute.periods import SEOUL

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    it (the reserved share is the form's percentage), else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        name = "reserved_percent" if name == "reserved_share" else name
        form.add_error(name if name in form.fields else None, messages)


class SeoulDateTimeField(forms.DateTimeField):
    """A date and time typed in Korea time, whatever zone the request runs in."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(SEOUL):
            return super().to_python(value)


def seoul_text(moment: dt.datetime) -> str:
    return moment.astimezone(SEOUL).strftime(DATETIME_FORMAT)


class PoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    model = forms.CharField(
        label=_("GPU model code"),
        max_length=30,
        help_text=_("As Slurm's GRES type and Kueue's resource flavour name it, e.g. h100."),
    )
    gpus = forms.IntegerField(label=_("GPUs"), min_value=1)
    nodes = forms.IntegerField(label=_("Nodes"), min_value=1)
    gpu_memory_gb = forms.IntegerField(label=_("Memory per GPU (GB)"), min_value=1)
    reserved_percent = forms.DecimalField(
        label=_("Reserved share (%)"),
        min_value=Decimal(0),
        max_value=Decimal(50),
        decimal_places=1,
        help_text=_("Kept back from rounds for operations and urgent public work, e.g. 5."),
    )
    krw_per_gpu_hour = forms.IntegerField(
        label=_("Tariff (KRW per GPU-hour)"),
        min_value=0,
        help_text=_("Before discounts. Statements made from now on use the new tariff."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("Active (offered to rounds and shown to everyone)"), required=False, initial=True
    )

    @classmethod
    def for_pool(cls, pool: Pool | None, data: Any = None) -> PoolForm:
        if pool is None:
            return cls(data, initial={"reserved_percent": Decimal(5), "is_active": True})
        initial = {name: getattr(pool, name) for name in cls.base_fields if hasattr(pool, name)}
        initial["reserved_percent"] = (pool.reserved_share * 100).normalize()
        return cls(data, initial=initial)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["model"] = data["model"].strip()
        data["reserved_share"] = (data.pop("reserved_percent") / 100).quantize(Decimal("0.001"))
        return data


class MaintenanceForm(forms.Form):
    starts_at = SeoulDateTimeField(label=_("Starts (Korea time)"))
    ends_at = SeoulDateTimeField(label=_("Ends (Korea time)"))
    gpus = forms.IntegerField(label=_("GPUs out of service"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    @classmethod
    def for_window(
        cls, window: MaintenanceWindow | None, data: Any = None, prefix: str | None = None
    ) -> MaintenanceForm:
        if window is None:
            return cls(data, prefix=prefix)
        initial = {
            "starts_at": seoul_text(window.starts_at),
            "ends_at": seoul_text(window.ends_at),
            "gpus": window.gpus,
            "reason": window.reason,
        }
        return cls(data, initial=initial, prefix=prefix)


class DiscountForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("As companies will read it on statements.")
    )
    stage = forms.ChoiceField(
        label=_("Company stage"),
        required=False,
        choices=[("", _("— not by stage —")), *Stage.choices],
    )
    chapter = forms.ModelChoiceField(
        label=_("Chapter (region)"),
        required=False,
        queryset=Organization.objects.filter(kind=OrganizationKind.CHAPTER).order_by("name"),
        empty_label=_("— not by chapter —"),
    )
    pool = forms.ModelChoiceField(
        label=_("Pool"),
        required=False,
        queryset=Pool.objects.all(),
        empty_label=_("Every pool"),
    )
    percent = forms.IntegerField(label=_("Discount (%)"), min_value=1, max_value=100)
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    @classmethod
    def for_discount(cls, discount: Discount | None, data: Any = None) -> DiscountForm:
        if discount is None:
            return cls(data)
        initial = {
            "name": discount.name,
            "stage": discount.stage,
            "chapter": discount.chapter_id,
            "pool": discount.pool_id,
            "percent": discount.percent,
            "is_active": discount.is_active,
        }
        return cls(data, initial=initial)
