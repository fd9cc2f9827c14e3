"""Forms of the burn area: the grants list's filters, a reclaim, the statement's month."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bitgoeul.compute.models import Pool, Round
from bitgoeul.compute.periods import is_period

PERIOD_HELP = _("Enter the month as year and month, for example 2026-03.")


def _period(value: str) -> str:
    value = (value or "").strip()
    if value and not is_period(value):
        raise forms.ValidationError(PERIOD_HELP)
    return value


class GrantFilterForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Allocation round"), queryset=Round.objects.none(), required=False
    )
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.none(), required=False)
    period = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    use = forms.ChoiceField(
        label=_("Use"),
        required=False,
        choices=[
            ("", _("Any")),
            ("under", _("Under-used (below the idle share)")),
            ("idle", _("Warned as idle")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.order_by("-created_at")  # type: ignore[attr-defined]
        self.fields["pool"].queryset = Pool.objects.order_by("name")  # type: ignore[attr-defined]

    def clean_period(self) -> str:
        return _period(self.cleaned_data.get("period", ""))


class ReclaimForm(forms.Form):
    gpu_hours = forms.FloatField(
        label=_("GPU-hours to reclaim"),
        min_value=0.1,
        error_messages={
            "required": _("Enter how many GPU-hours to reclaim."),
            "invalid": _("Enter a number of GPU-hours, for example 120."),
            "min_value": _("Enter more than 0 GPU-hours."),
        },
    )
    reason = forms.CharField(
        label=_("Reason (the company reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Write why the GPU-hours are reclaimed.")},
    )


class StatementForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_month(self) -> str:
        return _period(self.cleaned_data.get("month", ""))
