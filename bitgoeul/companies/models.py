from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import (
    CertificationKind,
    ImportState,
    InvestmentRound,
    NominationState,
    Stage,
    VentureType,
)
from bitgoeul.companies.ksic import validate_ksic
from bitgoeul.companies.regions import PROVINCE_CHOICES


class Technology(models.Model):
    """An AI technology tag; operator staff manage the list."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name


class Company(models.Model):
    """The profile of a company organisation; the organisation holds its names and 사업자등록번호.

    Its chapter is `organization.parent`, kept in line with `province` by the services.
    """

    organization = models.OneToOneField(
        Organization, primary_key=True, on_delete=models.CASCADE, related_name="company"
    )
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    province = models.CharField(_("province"), max_length=20, choices=PROVINCE_CHOICES, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    ksic_code = models.CharField(
        _("KSIC code"), max_length=5, blank=True, validators=[validate_ksic]
    )
    ksic_section = models.CharField(max_length=1, blank=True)  # derived from ksic_code
    industry = models.CharField(_("industry as stated"), max_length=200, blank=True)
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="companies", verbose_name=_("AI technologies")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.BigIntegerField(_("revenue (KRW)"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("patents"), default=0)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    products = models.TextField(_("products"), blank=True)
    # from stock-exchange listings (KRX 상장법인목록) and similar lists
    stock_code = models.CharField(_("stock code"), max_length=12, blank=True)
    market = models.CharField(_("market"), max_length=20, blank=True)
    listed_on = models.DateField(_("listing date"), null=True, blank=True)
    fiscal_month = models.PositiveSmallIntegerField(
        _("fiscal year end (month)"), null=True, blank=True
    )
    is_public = models.BooleanField(_("public profile"), default=False)
    chapter_consent_at = models.DateTimeField(null=True, blank=True)  # None: not shared
    needs_review = models.BooleanField(default=False)  # matched by name and region on import
    review_reason = models.CharField(max_length=200, blank=True)
    # A company known only from a list without 사업자등록번호 (stock-exchange listings, award
    # lists): staff only, never public, merged into the real company when it is known
    # (`services.importing.company_prospect_merge`). Its organisation is a prospect too.
    is_prospect = models.BooleanField(_("prospect (number missing)"), default=False)
    # Set while the import that created this company is still writing: the row is hidden
    # (`selectors.IMPORT_PENDING_HIDDEN`) and is deleted if that import fails.
    import_batch = models.UUIDField(null=True, blank=True, editable=False)
    potential_score = models.FloatField(null=True, blank=True)  # latest CompanyScore.score
    growth = models.FloatField(null=True, blank=True)  # yearly growth rate of revenue
    # Search terms (bitgoeul.search.terms); SQLite indexes them in companies_company_fts,
    # PostgreSQL in the generated tsvector column search_vector (see the migrations).
    search_name = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    search_tags = models.TextField(blank=True, editable=False)
    # The `search_index.name_key` of its Korean and English names, space-separated: a search
    # compares the text typed with these (exact name first, then names starting with it)
    # instead of deriving them from each of its 300 candidates' names on every search.
    search_name_keys = models.TextField(blank=True, editable=False)
    # How central AI is to the company (`search_index.ai_weight`: AI in its name, its
    # description's AI terms, its technologies) and whether AI is its business: an AI search
    # ranks by these, written with the terms above so that a search reads two numbers
    # instead of scoring every candidate's text.
    search_ai_weight = models.FloatField(default=0.0, editable=False)
    search_ai_central = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["province"]),  # region filter
            models.Index(fields=["ksic_section", "ksic_code"]),  # sector filter, peer groups
            models.Index(fields=["-potential_score"]),  # sort by potential
            models.Index(fields=["-growth"]),  # sort by growth
            models.Index(fields=["is_public"]),  # public directory
            models.Index(fields=["import_batch"]),  # an import's pending rows
        ]

    def __str__(self) -> str:
        return self.organization.name

    @property
    def shares_with_chapter(self) -> bool:
        return self.chapter_consent_at is not None


class CompanyMetric(models.Model):
    """One year of a company's figures (money in KRW)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="metrics")
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.BigIntegerField(_("revenue (KRW)"), null=True, blank=True)
    rnd_spend = models.BigIntegerField(_("R&D spend (KRW)"), null=True, blank=True)
    investment = models.BigIntegerField(_("investment (KRW)"), null=True, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="one_metric_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.year}"


class Investment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="investments")
    date = models.DateField(_("date"))
    round = models.CharField(_("round"), max_length=20, choices=InvestmentRound.choices)
    amount = models.BigIntegerField(_("amount (KRW)"))
    investors = models.CharField(_("investors"), max_length=300, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.round} {self.date}"


class Certification(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("certification"), max_length=20, choices=CertificationKind.choices)
    venture_type = models.CharField(
        _("venture type"), max_length=20, choices=VentureType.choices, blank=True
    )
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.kind}"

    def is_valid_on(self, day: object) -> bool:
        return self.expires_on is None or self.expires_on >= day  # type: ignore[operator]


class ScoreWeights(models.Model):
    """One version of the potential score's weights; versions are never edited."""

    version = models.PositiveIntegerField(unique=True)
    weights = models.JSONField()  # signal code → weight (any non-negative numbers)
    jump_threshold = models.FloatField(default=10.0)  # points that notify watchers
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class ScoreRun(models.Model):
    weights = models.ForeignKey(ScoreWeights, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    companies = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.weights})"


class CompanyScore(models.Model):
    """A company's score from one run, with its breakdown; kept as history."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scores")
    score = models.FloatField()
    breakdown = models.JSONField()  # {"group": ..., "signals": {code: {...}}}
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "company"], name="one_score_per_run")]
        # the company page's latest score and the "rose most" report by period
        indexes = [models.Index(fields=["company", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.score}"


class Nomination(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="nominations")
    chapter = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    state = models.CharField(
        max_length=10, choices=NominationState.choices, default=NominationState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-created_at"])]  # the inbox

    def __str__(self) -> str:
        return f"{self.company_id} by {self.chapter_id}"


class WatchlistEntry(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlist"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="watchers")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="watch_once")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.company_id}"


class CompanyImport(models.Model):
    """An uploaded file going through the import wizard: upload → mapping → dry run → import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.CharField(max_length=300)  # under MEDIA_ROOT
    original_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=10)  # csv, xlsx, html
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list)
    # read once, when the file is uploaded, so that the mapping page never parses the file
    row_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list)  # the first data rows, cells cut to 24 characters
    mapping = models.JSONField(default=dict)  # header → field code ("" to ignore)
    state = models.CharField(max_length=10, choices=ImportState.choices, default="uploaded")
    report = models.JSONField(default=dict)  # counts and the first rows' outcomes
    rejected_file = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class CompanyImportUndo(models.Model):
    """What an import changed on an existing company, kept until the import completes, so that
    a failed import can put the company back (see `services.importing`)."""

    batch = models.UUIDField(db_index=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    # {"company": {field: value}, "organization": {field: value},
    #  "metrics": {year: [employees, revenue] | None}, "technologies": [ids added]}
    before = models.JSONField(encoder=DjangoJSONEncoder)
    # the values the import wrote: a restore leaves a field someone changed since as it is
    after = models.JSONField(encoder=DjangoJSONEncoder)

    def __str__(self) -> str:
        return f"{self.batch} {self.company_id}"
