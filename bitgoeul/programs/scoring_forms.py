"""Forms of the scoring area: the reviewer's scoring form and the selection run's settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bitgoeul.companies.regions import province_for
from bitgoeul.optimize.selection.problem import SelectionPolicy
from bitgoeul.programs.models import Criterion, Review
from bitgoeul.programs.services.selection import SelectionSettings


class ScoreForm(forms.Form):
    """One score input and one "n/a" box per criterion, and the two comments. A criterion left
    empty and not marked n/a is "not scored yet" (allowed in a draft, refused on submit)."""

    comment_to_applicant = forms.CharField(
        label=_("Comment to the applicant"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this with the result; your name is never shown."),
    )
    comment_to_staff = forms.CharField(
        label=_("Comment to staff"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the call's staff read this."),
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], review: Review | None = None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = {}
        if review is not None:
            initial["comment_to_applicant"] = review.comment_to_applicant
            initial["comment_to_staff"] = review.comment_to_staff
            for score in review.scores.all():
                if score.value is None:
                    initial[f"na_{score.criterion_id}"] = True
                else:
                    initial[f"score_{score.criterion_id}"] = score.value
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("Score"),
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(criterion.max_score),
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
            self.fields[f"na_{criterion.pk}"] = forms.BooleanField(
                label=_("Not applicable (n/a)"), required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for criterion in self.criteria:
            if data.get(f"na_{criterion.pk}") and data.get(f"score_{criterion.pk}") is not None:
                self.add_error(
                    f"score_{criterion.pk}",
                    _("Give a score or mark the criterion n/a, not both."),
                )
        return data

    def scores(self) -> dict[int, Decimal | None]:
        """The criteria answered: a score, or None for n/a; unanswered ones are left out."""
        out: dict[int, Decimal | None] = {}
        for criterion in self.criteria:
            if self.cleaned_data.get(f"na_{criterion.pk}"):
                out[criterion.pk] = None
            elif self.cleaned_data.get(f"score_{criterion.pk}") is not None:
                out[criterion.pk] = self.cleaned_data[f"score_{criterion.pk}"]
        return out

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"na_{c.pk}"]) for c in self.criteria]


POLICIES = [
    (SelectionPolicy.RANK.value, _("Rank rule (published order)")),
    (SelectionPolicy.OPTIMAL.value, _("Optimal (highest total score)")),
]
BASES = [
    ("calibrated", _("Calibrated score")),
    ("trimmed", _("Trimmed mean")),
    ("mean", _("Mean")),
]
FLOOR_KINDS = [("", _("No floors")), ("region", _("By region")), ("chapter", _("By chapter"))]


class SelectionForm(forms.Form):
    policy = forms.ChoiceField(label=_("Policy"), choices=POLICIES)
    score_basis = forms.ChoiceField(label=_("Score"), choices=BASES)
    budget = forms.IntegerField(
        label=_("Budget (KRW)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to use the call's budget."),
    )
    floor_kind = forms.ChoiceField(label=_("Floors"), choices=FLOOR_KINDS, required=False)
    floors = forms.CharField(
        label=_("Floor shares"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the province code or chapter number, a space and the share of the "
            "budget, e.g. “gwangju 0.3”."
        ),
    )
    lottery_band = forms.FloatField(
        label=_("Lottery band (points)"),
        min_value=0,
        required=False,
        help_text=_("Applications this close to the funding line are ordered by a drawn lot."),
    )
    seed = forms.IntegerField(label=_("Lottery seed"), initial=0, required=False)

    def clean_floors(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for line in str(self.cleaned_data.get("floors") or "").splitlines():
            if not line.strip():
                continue
            parts = line.split()
            try:
                key, share = parts[0], float(parts[1])
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Write each floor as a name, a space and a share, e.g. “gwangju 0.3”.")
                ) from None
            if not 0 <= share <= 1:
                raise forms.ValidationError(_("A floor is a share between 0 and 1."))
            out[key] = share
        return out

    def settings(self) -> SelectionSettings:
        data = self.cleaned_data
        kind = data.get("floor_kind") or ""
        floors: dict[str, float] = data.get("floors") or {}
        if kind == "region":
            # "광주", "광주광역시" and "gwangju" all name the same province: its code
            floors = {
                (province.code if (province := province_for(key)) else key): share
                for key, share in floors.items()
            }
        return SelectionSettings(
            policy=data["policy"],
            budget=data.get("budget"),
            score_basis=data["score_basis"],
            floor_kind=kind,
            floors=floors,
            lottery_band=data.get("lottery_band"),
            seed=data.get("seed") or 0,
        )
