"""Forms of the rounds area: a round, a request, staff priority and a run's changed settings.
Shares are entered as percentages and stored as shares (0–1); months as YYYY-MM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import Policy
from bitgoeul.compute.models import ComputeRequest, Pool, Round
from bitgoeul.compute.periods import is_period, periods_between
from bitgoeul.programs.models import Award

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_months(text: str) -> list[str]:
    """ "2027-01, 2027-03" or "2027-01..2027-06" (a range) into months."""
    months: list[str] = []
    for chunk in text.replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        if ".." in chunk:
            first, last = (part.strip() for part in chunk.split("..", 1))
            if not (is_period(first) and is_period(last)) or last < first:
                raise ValidationError(_("Write a range of months as 2027-01..2027-06."))
            months.extend(periods_between(first, last))
        elif is_period(chunk):
            months.append(chunk)
        else:
            raise ValidationError(
                _("“%(text)s” is not a month: write months as YYYY-MM.") % {"text": chunk}
            )
    if not months:
        raise ValidationError(_("Give at least one month."))
    return sorted(set(months))


def parse_floors(text: str) -> dict[str, float]:
    """One floor a line, `chapter:busan 10` or `young 5` (percent of the round's capacity)."""
    floors: dict[str, float] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = line.replace("=", " ").replace("%", " ").split()
        try:
            group, percent = parts[0], float(parts[1])
        except (IndexError, ValueError):
            raise ValidationError(
                _("Write each floor on its own line as a group and a percentage: young 5")
            ) from None
        if not (group == "young" or group.startswith("chapter:")) or not 0 <= percent <= 100:
            raise ValidationError(
                _(
                    "“%(line)s”: a group is chapter:<code> or young, and a floor is 0 to 100 "
                    "percent."
                )
                % {"line": line}
            )
        floors[group] = round(percent / 100, 6)
    return floors


def floors_text(floors: dict[str, float]) -> str:
    return "\n".join(f"{group} {share * 100:g}" for group, share in sorted(floors.items()))


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    policy = forms.ChoiceField(label=gettext_lazy("Allocation policy"), choices=Policy.choices)
    months = forms.CharField(
        label=gettext_lazy("Months"),
        help_text=gettext_lazy("YYYY-MM separated by commas, or a range: 2027-01..2027-06"),
    )
    pools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Pools"),
        queryset=Pool.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    cap_percent = forms.DecimalField(
        label=gettext_lazy("Cap per company (percent of the round)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
    )
    floors = forms.CharField(
        label=gettext_lazy("Floors for groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One a line: chapter:<code> or young, then the percentage of the round: young 10"
        ),
    )
    eligible_chapters = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Chapters whose companies may request (none: all)"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_company_age_years = forms.IntegerField(
        label=gettext_lazy("Companies founded at most this many years ago"),
        required=False,
        min_value=0,
        max_value=100,
    )
    weight_award = forms.DecimalField(
        label=gettext_lazy("Weight of the linked award's score"),
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        initial=Decimal("0.5"),
    )
    weight_potential = forms.DecimalField(
        label=gettext_lazy("Weight of the potential score"),
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        initial=Decimal("0.3"),
    )
    weight_priority = forms.DecimalField(
        label=gettext_lazy("Weight of staff priority"),
        min_value=Decimal(0),
        max_digits=4,
        decimal_places=2,
        initial=Decimal("0.2"),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Requests open"), required=False, widget=DATETIME
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Requests close"), required=False, widget=DATETIME
    )

    def __init__(self, *args: Any, chapters: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pools"].queryset = Pool.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["eligible_chapters"].queryset = chapters  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, rnd: Round) -> dict[str, Any]:
        return {
            "name": rnd.name,
            "policy": rnd.policy,
            "months": ", ".join(rnd.periods),
            "pools": list(rnd.pools.all()),
            "cap_percent": None if rnd.company_cap is None else rnd.company_cap * 100,
            "floors": floors_text(rnd.floors),
            "eligible_chapters": list(rnd.eligible_chapters.all()),
            "max_company_age_years": rnd.max_company_age_years,
            "weight_award": rnd.weight_award,
            "weight_potential": rnd.weight_potential,
            "weight_priority": rnd.weight_priority,
            "opens_at": rnd.opens_at and timezone.localtime(rnd.opens_at),
            "closes_at": rnd.closes_at and timezone.localtime(rnd.closes_at),
        }

    def clean_months(self) -> list[str]:
        return parse_months(self.cleaned_data["months"])

    def clean_floors(self) -> dict[str, float]:
        return parse_floors(self.cleaned_data.get("floors") or "")

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        cap = data.get("cap_percent")
        return {
            "name": data["name"],
            "policy": data["policy"],
            "periods": data["months"],
            "company_cap": None if cap is None else (cap / 100).quantize(Decimal("0.001")),
            "floors": data["floors"],
            "max_company_age_years": data.get("max_company_age_years"),
            "weight_award": data["weight_award"],
            "weight_potential": data["weight_potential"],
            "weight_priority": data["weight_priority"],
            "opens_at": data.get("opens_at"),
            "closes_at": data.get("closes_at"),
        }


class RequestForm(forms.Form):
    company = forms.ModelChoiceField(
        label=gettext_lazy("Company"), queryset=Company.objects.none(), empty_label=None
    )
    project = forms.CharField(label=gettext_lazy("Project"), max_length=200)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"), widget=forms.Textarea(attrs={"rows": 3})
    )
    pools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Acceptable GPU models"),
        queryset=Pool.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    gpus = forms.IntegerField(label=gettext_lazy("GPUs"), min_value=1, max_value=10000)
    periods = forms.MultipleChoiceField(
        label=gettext_lazy("Months"), widget=forms.CheckboxSelectMultiple
    )
    minimum_gpu_hours = forms.FloatField(
        label=gettext_lazy("Minimum GPU-hours still useful"),
        min_value=0,
        initial=0,
        help_text=gettext_lazy("0 if any part of the request helps."),
    )
    justification = forms.CharField(
        label=gettext_lazy("Justification"), widget=forms.Textarea(attrs={"rows": 4})
    )
    data_needs = forms.CharField(
        label=gettext_lazy("Data and storage needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    security_needs = forms.CharField(
        label=gettext_lazy("Security needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    award = forms.ModelChoiceField(
        label=gettext_lazy("Linked programme award (optional)"),
        queryset=Award.objects.none(),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        companies: QuerySet[Company],
        pools: QuerySet[Pool],
        months: list[str],
        awards: QuerySet[Award],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]
        self.fields["pools"].queryset = pools  # type: ignore[attr-defined]
        self.fields["periods"].choices = [(m, m) for m in months]  # type: ignore[attr-defined]
        self.fields["award"].queryset = awards  # type: ignore[attr-defined]
        self.fields["award"].label_from_instance = lambda award: (  # type: ignore[attr-defined]
            f"{award.application.call.title} · {award.application.title}"
        )
        if companies.count() == 1:
            self.fields["company"].widget = forms.HiddenInput()
            self.fields["company"].initial = companies.first()

    @classmethod
    def initial_for(cls, request: ComputeRequest) -> dict[str, Any]:
        return {
            "company": request.company,
            "project": request.project,
            "purpose": request.purpose,
            "pools": list(request.pools.all()),
            "gpus": request.gpus,
            "periods": list(request.periods),
            "minimum_gpu_hours": request.minimum_gpu_hours,
            "justification": request.justification,
            "data_needs": request.data_needs,
            "security_needs": request.security_needs,
            "award": request.award,
        }

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        award = data.get("award")
        return {
            "project": data["project"],
            "purpose": data["purpose"],
            "gpus": data["gpus"],
            "periods": sorted(data["periods"]),
            "minimum_gpu_hours": data["minimum_gpu_hours"],
            "justification": data["justification"],
            "data_needs": data.get("data_needs") or "",
            "security_needs": data.get("security_needs") or "",
            "award_id": award.pk if award else None,
        }


class PriorityForm(forms.Form):
    staff_priority = forms.IntegerField(
        label=gettext_lazy("Staff priority (0–10)"), min_value=0, max_value=10
    )


class RunForm(forms.Form):
    """A run's settings: the round's cap and floors, and capacity per pool and month to use
    instead of the pools' own (blank: the pool's free capacity)."""

    label = forms.CharField(label=gettext_lazy("Label"), max_length=200, required=False)
    cap_percent = forms.DecimalField(
        label=gettext_lazy("Cap per company (percent of the round)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
    )
    floors = forms.CharField(
        label=gettext_lazy("Floors for groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, rnd: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[str, str, str]] = []  # field name, pool model, month
        for pool in rnd.pools.order_by("model"):
            for month in rnd.periods:
                name = f"capacity_{pool.model}_{month}"
                self.fields[name] = forms.FloatField(
                    label=_("%(pool)s capacity in %(month)s (GPU-hours)")
                    % {"pool": pool.name, "month": month},
                    required=False,
                    min_value=0,
                )
                self.cells.append((name, pool.model, month))
        if not self.is_bound:
            self.initial.setdefault(
                "cap_percent", None if rnd.company_cap is None else rnd.company_cap * 100
            )
            self.initial.setdefault("floors", floors_text(rnd.floors))

    def clean_floors(self) -> dict[str, float]:
        return parse_floors(self.cleaned_data.get("floors") or "")

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        capacity: dict[str, dict[str, float]] = {}
        for name, model, month in self.cells:
            if data.get(name) is not None:
                capacity.setdefault(model, {})[month] = float(data[name])
        cap = data.get("cap_percent")
        out: dict[str, Any] = {
            "company_cap": None if cap is None else float(cap) / 100,
            "floors": data["floors"],
        }
        if capacity:
            out["capacity"] = capacity
        return out


def rolling_months(today: dt.date, count: int = 3) -> list[str]:
    """The months a rolling request may name: this one and the next ones."""
    first = today.strftime("%Y-%m")
    year, month = today.year + (today.month + count - 2) // 12, (today.month + count - 2) % 12 + 1
    return periods_between(first, f"{year:04d}-{month:02d}")
