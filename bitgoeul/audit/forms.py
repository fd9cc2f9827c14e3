from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"list": "action-codes"}),
    )
    actor = forms.EmailField(label=_("Actor e-mail"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> dict[str, object]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "action": data.get("action") or "",
            "actor_email": data.get("actor") or "",
            "object_type": data.get("object_type") or "",
            "object_id": data.get("object_id") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
