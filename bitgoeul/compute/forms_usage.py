"""Forms of staff's usage ledger page: the filter and "assign to a grant" (area "ingest")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bitgoeul.compute.enums import UsageSource
from bitgoeul.compute.models import Grant
from bitgoeul.compute.periods import is_period
from bitgoeul.compute.selectors_usage import LedgerFilter, assignable_grants


class LedgerFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=pgettext_lazy("usage source", "Source"),
        required=False,
        choices=[("", _("All sources")), *UsageSource.choices],
    )
    cluster = forms.CharField(label=_("Cluster"), required=False, max_length=64)
    account = forms.CharField(label=_("Account"), required=False, max_length=64)
    matched = forms.ChoiceField(
        label=_("Grant"),
        required=False,
        choices=[("", _("All")), ("yes", _("Matched to a grant")), ("no", _("Unmatched"))],
    )
    period = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-12", "inputmode": "numeric"}),
    )

    def clean_period(self) -> str:
        period: str = self.cleaned_data["period"].strip()
        if period and not is_period(period):
            raise forms.ValidationError(_("Write the month as YYYY-MM, for example 2026-12."))
        return period

    def selection(self) -> LedgerFilter:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return LedgerFilter(
            source=data.get("source", ""),
            cluster=data.get("cluster", "").strip(),
            account=data.get("account", "").strip(),
            matched=data.get("matched", ""),
            period=data.get("period", ""),
        )


class GrantChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        grant: Grant = obj
        return f"{grant.company.organization.name} · {grant.account} · #{grant.pk}"


class AssignForm(forms.Form):
    cluster = forms.CharField(widget=forms.HiddenInput, max_length=64)
    account = forms.CharField(widget=forms.HiddenInput, max_length=64)
    grant = GrantChoice(
        label=_("Grant"),
        queryset=Grant.objects.none(),
        empty_label=_("Choose an active grant"),
        error_messages={"required": _("Choose the grant this account's usage belongs to.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grant_field().queryset = assignable_grants()

    def grant_field(self) -> GrantChoice:
        field = self.fields["grant"]
        assert isinstance(field, GrantChoice)  # narrows the type for mypy
        return field

    def grant_choices(self) -> list[tuple[Any, str]]:
        """(value, label) of the active grants, read once for every account's form."""
        field = self.grant_field()
        return [(grant.pk, field.label_from_instance(grant)) for grant in assignable_grants()]
