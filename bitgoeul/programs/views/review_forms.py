"""Forms of the review area's pages (reviewer pool, ties, declarations, assignment runs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bitgoeul.companies.models import Technology
from bitgoeul.optimize.assignment.problem import AssignmentPolicy
from bitgoeul.programs.enums import TieKind


class ReviewerAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already have an account on the platform."),
    )
    max_load = forms.IntegerField(
        label=_("Most applications per call"), min_value=1, max_value=200, initial=10
    )


class ReviewerProfileForm(forms.Form):
    technologies = forms.ModelMultipleChoiceField(
        label=_("Expertise tags"),
        queryset=Technology.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = forms.CharField(
        label=_("Expertise in your own words"),
        help_text=_(
            "Korean or English: fields, methods, industries. Applications are matched to "
            "reviewers by these words and the tags."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )
    max_load = forms.IntegerField(label=_("Most applications per call"), min_value=1, max_value=200)


class TieForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tie"), choices=TieKind.choices)
    name = forms.CharField(label=_("Organisation name"), max_length=200, required=False)
    business_number = forms.CharField(
        label=_("Business registration number"),
        max_length=20,
        required=False,
        help_text=_("If the organisation has one: conflicts are found by this number."),
    )
    started_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the tie continues."),
    )


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[("no", _("No conflict of interest")), ("yes", _("I have a conflict of interest"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What is the conflict?"),
        help_text=_("Required when you declare a conflict; only staff read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=300,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict") == "yes" and not data.get("note", "").strip():
            self.add_error("note", _("Say briefly what the conflict is."))
        return data


class _ApplicationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.title}"


class _ReviewerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.name or obj.user.email)


class StaffConflictForm(forms.Form):
    """A conflict staff record by hand (source "recorded by staff"); the querysets are the
    call's applications in review and the reviewer pool."""

    application = _ApplicationChoice(label=_("Application"), queryset=None)
    reviewer = _ReviewerChoice(label=_("Reviewer"), queryset=None)
    note = forms.CharField(
        label=_("What is the conflict?"),
        help_text=_("Where staff learnt of it; only staff read it."),
        max_length=300,
    )

    def __init__(self, *args: Any, applications: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]
        self.fields["reviewer"].queryset = reviewers  # type: ignore[attr-defined]


class RunForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Policy"),
        choices=[
            (AssignmentPolicy.TOTAL.value, _("Best total affinity")),
            (AssignmentPolicy.FAIR.value, _("Fair: raise the worst-served application first")),
        ],
        initial=AssignmentPolicy.TOTAL.value,
    )
    min_load = forms.IntegerField(label=_("Minimum load"), min_value=0, max_value=200, initial=0)
    max_load = forms.IntegerField(label=_("Maximum load"), min_value=1, max_value=200, initial=10)


class BoardEditForm(forms.Form):
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove"), ("move", "move")])
    assignment = forms.IntegerField(required=False)
    application = forms.IntegerField(required=False)
    reviewer = forms.IntegerField(required=False)
