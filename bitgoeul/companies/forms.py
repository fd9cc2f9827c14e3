from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies import access
from bitgoeul.companies.enums import (
    CertificationKind,
    InvestmentRound,
    SortOrder,
    Stage,
    VentureType,
)
from bitgoeul.companies.importing.fields import FIELDS
from bitgoeul.companies.ksic import SECTION_CHOICES, SECTIONS, normalise_ksic, validate_ksic
from bitgoeul.companies.models import Company, Technology
from bitgoeul.companies.regions import PROVINCE_CHOICES, PROVINCES
from bitgoeul.companies.score_math import SIGNALS
from bitgoeul.companies.search import FILTER_FIELDS, SearchFilters, sort_allowed

UPLOAD_LIMIT = 30 * 1024 * 1024
UPLOAD_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xls", ".htm", ".html")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: list[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, product, technology…")}),
    )
    chapter = forms.ModelChoiceField(
        label=_("Chapter"),
        required=False,
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.CHAPTER, OrganizationKind.ASSOCIATION]
        ).order_by("kind", "name"),
        empty_label=_("All chapters"),
    )
    province = forms.ChoiceField(
        label=_("Province"), required=False, choices=_blank(PROVINCE_CHOICES, _("All regions"))
    )
    section = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_blank(SECTION_CHOICES, _("All sectors"))
    )
    technology = forms.ChoiceField(label=_("AI technology"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_blank(Stage.choices, _("Any stage"))
    )
    certification = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=_blank(CertificationKind.choices, _("Any")),
    )
    employees_min = forms.IntegerField(label=_("Employees from"), required=False, min_value=0)
    employees_max = forms.IntegerField(label=_("Employees up to"), required=False, min_value=0)
    founded_from = forms.IntegerField(
        label=_("Founded from (year)"), required=False, min_value=1900, max_value=2100
    )
    founded_until = forms.IntegerField(
        label=_("Founded until (year)"), required=False, min_value=1900, max_value=2100
    )
    needs_review = forms.BooleanField(label=_("Needs review"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SortOrder.choices)

    def __init__(self, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "ko"
        technology = self.fields["technology"]
        assert isinstance(technology, forms.ChoiceField)
        # read only when used (a technology filter sent, or the filters drawn), once per form:
        # most searches have neither, the filters' HTML being cached (list.html)
        technology.choices = functools.cache(
            lambda: _blank(
                [
                    (t.code, t.display_name(language))
                    for t in Technology.objects.filter(is_active=True)
                ],
                _("Any technology"),
            )
        )
        # Names the platform defines follow the page's language (issue 10, item 11).
        english = language.startswith("en")
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = _blank(
            [(p.code, str(p.name_en) if english else p.name) for p in PROVINCES], _("All regions")
        )
        section = self.fields["section"]
        assert isinstance(section, forms.ChoiceField)
        section.choices = _blank(
            [
                (letter, f"{letter} {en if english else ko}")
                for letter, (ko, en, *_r) in SECTIONS.items()
            ],
            _("All sectors"),
        )
        chapter = self.fields["chapter"]
        assert isinstance(chapter, forms.ModelChoiceField)
        chapter.label_from_instance = lambda org: org.display_name(language)  # type: ignore[method-assign,assignment]
        # Only the filters and sorts on fields the viewer may see somewhere (access rule); a
        # filter sent anyway is not applied, and the page says so (`refused`).
        self.refused: list[str] = []
        unusable = [
            name
            for name, field in FILTER_FIELDS.items()
            if name in self.fields and not access.company_field_usable(viewer, field)
        ]
        if not access.can_mark_reviewed(viewer):
            unusable.append("needs_review")
        sort = self.fields["sort"]
        assert isinstance(sort, forms.ChoiceField)
        sort.choices = [(v, label) for v, label in SortOrder.choices if sort_allowed(viewer, v)]
        allowed_sorts = {v for v, _label in sort.choices}
        sent_sort = self.data.get("sort") if self.is_bound else None
        for name in unusable:
            if self.is_bound and self.data.get(name) not in (None, ""):
                self.refused.append(str(self.fields[name].label))
            del self.fields[name]
        if sent_sort in SortOrder.values and sent_sort not in allowed_sorts:
            self.refused.append(str(sort.label))
            self.data = {k: v for k, v in self.data.items() if k != "sort"}

    def query(self) -> tuple[str, SearchFilters, str]:
        data = self.cleaned_data if self.is_valid() else {}
        chapter = data.get("chapter")
        years = data.get("founded_from"), data.get("founded_until")
        filters = SearchFilters(
            chapter=chapter.pk if chapter else None,
            province=data.get("province") or "",
            section=data.get("section") or "",
            technology=data.get("technology") or "",
            stage=data.get("stage") or "",
            certification=data.get("certification") or "",
            employees_min=data.get("employees_min"),
            employees_max=data.get("employees_max"),
            founded_from=dt.date(years[0], 1, 1) if years[0] else None,
            founded_until=dt.date(years[1], 12, 31) if years[1] else None,
            needs_review=bool(data.get("needs_review")),
        )
        return data.get("q") or "", filters, data.get("sort") or SortOrder.RELEVANCE


class CompanyForm(forms.ModelForm):
    name = forms.CharField(label=_("Company name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    ksic_code = forms.CharField(
        label=_("KSIC code"),
        max_length=10,
        required=False,
        help_text=_("2 to 5 digits of the Korean Standard Industrial Classification."),
    )
    technologies = forms.ModelMultipleChoiceField(
        label=_("AI technologies"),
        queryset=Technology.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Company
        fields = [
            "representative",
            "founded_on",
            "address",
            "province",
            "ksic_code",
            "industry",
            "stage",
            "employees",
            "revenue",
            "patents",
            "website",
            "description",
            "description_en",
            "products",
        ]
        widgets = {
            "founded_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "products": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "address": _("The province decides the chapter that follows the company."),
            "revenue": _("Latest full year, in won."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].initial = self.instance.organization.name
            self.fields["name_en"].initial = self.instance.organization.name_en
            self.fields["technologies"].initial = list(self.instance.technologies.all())
        if (get_language() or "ko").startswith("en"):
            # The model's choices are the official Korean names; English pages get English ones.
            province = self.fields["province"]
            assert isinstance(province, forms.ChoiceField)
            province.choices = [("", "---------"), *((p.code, str(p.name_en)) for p in PROVINCES)]

    def clean_ksic_code(self) -> str:
        code = self.cleaned_data.get("ksic_code") or ""
        if code:
            validate_ksic(code)
        return normalise_ksic(code) if code else ""

    def clean_founded_on(self) -> dt.date | None:
        founded = self.cleaned_data.get("founded_on")
        if founded and founded > timezone.localdate():
            raise ValidationError(_("The founding date cannot be in the future."))
        return founded

    def profile_data(self) -> dict[str, Any]:
        data = {key: self.cleaned_data[key] for key in self.Meta.fields}
        data["name"], data["name_en"] = self.cleaned_data["name"], self.cleaned_data["name_en"]
        return data


class MetricForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    employees = forms.IntegerField(label=_("Employees"), required=False, min_value=0)
    revenue = forms.IntegerField(label=_("Revenue (KRW)"), required=False, min_value=0)
    rnd_spend = forms.IntegerField(label=_("R&D spend (KRW)"), required=False, min_value=0)
    investment = forms.IntegerField(label=_("Investment (KRW)"), required=False, min_value=0)

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("Figures can be entered for past and current years only."))
        return year


class InvestmentForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    round = forms.ChoiceField(label=_("Round"), choices=InvestmentRound.choices)
    amount = forms.IntegerField(label=_("Amount (KRW)"), min_value=1)
    investors = forms.CharField(label=_("Investors"), max_length=300, required=False)


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Certification"), choices=CertificationKind.choices)
    venture_type = forms.ChoiceField(
        label=_("Venture type"),
        required=False,
        choices=_blank(VentureType.choices, _("Not a venture certification")),
    )
    number = forms.CharField(label=_("Certificate number"), max_length=50, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DATE,
        help_text=_("Venture certifications are valid three years when left empty."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CertificationKind.VENTURE and not data.get("venture_type"):
            self.add_error("venture_type", _("Say which type of venture certification this is."))
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date is before the issue date."))
        return data


class SharingForm(forms.Form):
    is_public = forms.BooleanField(
        label=_("Publish a public profile (names, description, products, technologies, region)"),
        required=False,
    )
    share_with_chapter = forms.BooleanField(
        label=_("Let our chapter's staff read our private data (figures, investments, score)"),
        required=False,
    )


class NominationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this company"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Awards, customers, press, figures you checked."),
    )
    programme = forms.CharField(label=_("Programme (optional)"), max_length=200, required=False)


# a context of their own: the foundation's "Decline" (an invitation) reads differently
DECISIONS = [
    ("accepted", pgettext_lazy("nomination decision", "Accept")),
    ("declined", pgettext_lazy("nomination decision", "Decline")),
]


class DecisionForm(forms.Form):
    # radio buttons with none chosen: a decision is always an explicit choice
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose accept or decline.")},
    )
    note = forms.CharField(
        label=_("Note to the chapter"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class WatchForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or CP949/EUC-KR), XLSX, or a portal's .xls download (up to 30 MB). "
            "The first row (or the first with known column names) holds the headers."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_LIMIT:
            raise ValidationError(_("The file is larger than 30 MB: split it."))
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise ValidationError(_("Upload a .csv, .xlsx or .xls file."))
        return upload


class MappingForm(forms.Form):
    """One choice per header of the file: the field it fills, or nothing."""

    def __init__(self, *args: Any, headers: list[str], mapping: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("— leave out —")), *[(f.code, f.label) for f in FIELDS]]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=mapping.get(header, "")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            code = data.get(f"col{index}") or ""
            if code and code in used:
                self.add_error(
                    f"col{index}",
                    _("“%(other)s” already fills this field.") % {"other": used[code]},
                )
            used.setdefault(code, header)
        if not {"name", "brn"} & set(used):
            raise ValidationError(
                _("Map a column to the company name or the business registration number.")
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"col{i}") or "" for i, h in enumerate(self.headers)}


class ImportRunForm(forms.Form):
    dry_run = forms.BooleanField(required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows and leave out the rejected ones"), required=False
    )


class WeightsForm(forms.Form):
    jump_threshold = forms.FloatField(
        label=_("Notify watchers when a score moves by (points)"), min_value=1, max_value=100
    )
    note = forms.CharField(
        label=_("Why these weights"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, labels: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for signal in SIGNALS:
            self.fields[signal] = forms.FloatField(
                label=labels[signal], min_value=0, max_value=1000
            )
        self.order_fields([*SIGNALS, "jump_threshold", "note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(not data.get(signal) for signal in SIGNALS if signal in data):
            raise ValidationError(_("At least one weight must be above zero."))
        return data

    def weights(self) -> dict[str, float]:
        return {signal: float(self.cleaned_data[signal]) for signal in SIGNALS}


class TechnologyForm(forms.ModelForm):
    class Meta:
        model = Technology
        fields = ["code", "name", "name_en", "is_active", "position"]
        labels = {"code": _("Code"), "position": _("Order in lists")}
        help_texts = {
            "code": _("Lower-case letters, digits and hyphens; used in links and the API."),
            "position": _("Smaller numbers come first."),
        }

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        clash = Technology.objects.filter(Q(code=code)).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another technology has this code."))
        return code


class RisenForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DATE)
    until = forms.DateField(label=_("Until"), widget=DATE)


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")])
