"""Shared GPU infrastructure: pools, allocation rounds, requests, grants and the usage ledger.

Quantities are GPU-hours (float, as in the engine's contract) except the ledger, which keeps
what the schedulers report: GPU-seconds. A period is a calendar month in Asia/Seoul, written
"YYYY-MM" as in the engine's files (docs/compute.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import Stage
from bitgoeul.companies.models import Company
from bitgoeul.compute.enums import (
    GrantState,
    NoticeKind,
    Policy,
    RequestState,
    RoundState,
    RunStatus,
    UsageSource,
)

SHARE = [MinValueValidator(0), MaxValueValidator(1)]


class Pool(models.Model):
    """The GPUs of one model: what rounds offer and the ledger charges against."""

    name = models.CharField(_("name"), max_length=100)
    # The scheduler's name of the model: Slurm's GRES type (gres/gpu:<model>) and Kueue's
    # ResourceFlavor; lower-case as sacctmgr writes it.
    model = models.SlugField(_("GPU model code"), max_length=30, unique=True)
    gpus = models.PositiveIntegerField(_("GPUs"))
    nodes = models.PositiveIntegerField(_("nodes"))
    gpu_memory_gb = models.PositiveIntegerField(_("memory per GPU (GB)"))
    # kept back from rounds (operations, urgent public work): capacity is net of it
    reserved_share = models.DecimalField(
        _("reserved share"), max_digits=4, decimal_places=3, default=0, validators=SHARE
    )
    krw_per_gpu_hour = models.PositiveIntegerField(_("tariff (KRW per GPU-hour)"), default=0)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MaintenanceWindow(models.Model):
    """GPUs of a pool out of service for a while; capacity is net of them."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="maintenance")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    gpus = models.PositiveIntegerField(_("GPUs out of service"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["pool", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.pool} {self.starts_at:%Y-%m-%d}: {self.gpus}"


class Discount(models.Model):
    """A tariff discount by company stage or by region (the company's chapter)."""

    name = models.CharField(_("name"), max_length=100)
    pool = models.ForeignKey(  # null: every pool
        Pool, null=True, blank=True, on_delete=models.CASCADE, related_name="discounts"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    chapter = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    percent = models.PositiveSmallIntegerField(
        _("discount (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.percent}%)"


class Round(models.Model):
    """An allocation round: requests for its periods and pools, decided by the engine."""

    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(max_length=20, choices=RoundState.choices, default=RoundState.DRAFT)
    policy = models.CharField(
        _("policy"), max_length=20, choices=Policy.choices, default=Policy.PRIORITY
    )
    periods = models.JSONField(_("periods"), default=list)  # ["2027-01", "2027-02", …]
    pools = models.ManyToManyField(Pool, related_name="rounds", verbose_name=_("pools"))
    company_cap = models.DecimalField(  # share of the round's capacity; null: none
        _("cap per company"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=SHARE,
    )
    # group code ("chapter:busan", "young") -> share of the round's capacity
    floors = models.JSONField(_("floors"), default=dict, blank=True)
    # eligibility: the chapters whose companies may request (none: all) and the age limit
    eligible_chapters = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("eligible chapters")
    )
    max_company_age_years = models.PositiveSmallIntegerField(
        _("companies founded at most this many years ago"), null=True, blank=True
    )
    # the weight formula (docs/compute.md): each term is a 0–100 figure times its coefficient
    weight_award = models.DecimalField(
        _("weight of the linked award's score"), max_digits=4, decimal_places=2, default=0.5
    )
    weight_potential = models.DecimalField(
        _("weight of the potential score"), max_digits=4, decimal_places=2, default=0.3
    )
    weight_priority = models.DecimalField(
        _("weight of staff priority"), max_digits=4, decimal_places=2, default=0.2
    )
    opens_at = models.DateTimeField(_("requests open"), null=True, blank=True)
    closes_at = models.DateTimeField(_("requests close"), null=True, blank=True)
    approved_run = models.ForeignKey(
        "SolveRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ComputeRequest(models.Model):
    """A company's request for GPU-hours: in a round, or rolling (no round) between rounds."""

    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="gpu_requests")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=RequestState.choices, default=RequestState.DRAFT
    )
    project = models.CharField(_("project"), max_length=200)
    purpose = models.TextField(_("purpose"))
    pools = models.ManyToManyField(Pool, related_name="requests", verbose_name=_("GPU models"))
    periods = models.JSONField(_("periods"), default=list)  # the months it may use
    gpus = models.PositiveSmallIntegerField(_("GPUs"), validators=[MinValueValidator(1)])
    # GPU-hours: gpus × the hours of its periods (written by the service), and the least that
    # is still useful (0: any part helps)
    demand_gpu_hours = models.FloatField(_("GPU-hours requested"), default=0)
    minimum_gpu_hours = models.FloatField(_("minimum GPU-hours still useful"), default=0)
    justification = models.TextField(_("justification"))
    data_needs = models.TextField(_("data and storage needs"), blank=True)
    security_needs = models.TextField(_("security needs"), blank=True)
    award = models.ForeignKey(
        "programs.Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("linked programme award"),
    )
    staff_priority = models.PositiveSmallIntegerField(
        _("staff priority (0–10)"), default=0, validators=[MaxValueValidator(10)]
    )
    weight = models.FloatField(null=True, blank=True)  # the weight of the last solve
    # why it stands where it does, as a code the page words in the viewer's language: the
    # engine's reason once decided (capacity, company_cap …), or why a rolling request waits
    # (too_large, quota, no_capacity); reclaim reads it to pick up requests declined for capacity
    reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["company", "state"]),
        ]

    def __str__(self) -> str:
        return self.project


class SolveRun(models.Model):
    """One run of the engine over a round: its exact input and output, so it can be redone."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()  # 1, 2, … within the round
    label = models.CharField(_("label"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.JSONField(default=dict)  # the engine's input (contracts.md, allocation)
    result = models.JSONField(default=dict)  # its output
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="compute_run_number")
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.number}"


class Grant(models.Model):
    """GPU-hours granted to a request, in parts per pool and period."""

    request = models.OneToOneField(ComputeRequest, on_delete=models.PROTECT, related_name="grant")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="gpu_grants")
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    run = models.ForeignKey(
        SolveRun, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    state = models.CharField(max_length=20, choices=GrantState.choices, default=GrantState.ACTIVE)
    gpu_hours = models.FloatField()  # as granted; reclaims are in the parts
    reason = models.CharField(max_length=20, blank=True)  # the engine's reason code
    # the Slurm account and the Kueue LocalQueue it is charged to (docs/compute.md)
    account = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account"]), models.Index(fields=["company", "state"])]

    def __str__(self) -> str:
        return f"grant {self.pk} ({self.gpu_hours:.0f} GPU-h)"


class GrantPart(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="parts")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="grant_parts")
    period = models.CharField(max_length=7)
    gpu_hours = models.FloatField()  # as granted
    reclaimed_gpu_hours = models.FloatField(default=0)  # taken back as idle (`Reclaim`)

    class Meta:
        ordering = ["period", "pool"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "pool", "period"], name="compute_part_cell")
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.period}: {self.gpu_hours:.0f} GPU-h"

    @property
    def net_gpu_hours(self) -> float:
        return self.gpu_hours - self.reclaimed_gpu_hours


class Reclaim(models.Model):
    """Idle GPU-hours taken back from a grant part, and to whom they went."""

    part = models.ForeignKey(GrantPart, on_delete=models.PROTECT, related_name="reclaims")
    gpu_hours = models.FloatField()
    reason = models.TextField(_("reason"))
    # [{"request": id, "grant": id, "gpu_hours": h}] in the engine's order
    reassigned = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reclaim {self.gpu_hours:.0f} GPU-h from {self.part}"


class GrantNotice(models.Model):
    """A burn-down notice sent once per grant, period and kind."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="notices")
    period = models.CharField(max_length=7)
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "period", "kind"], name="compute_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.grant} {self.period} {self.kind}"


class AccountMapping(models.Model):
    """A scheduler account (Slurm account, Kueue namespace, agent mapping) that staff assigned
    to a grant after its usage arrived unmatched."""

    cluster = models.CharField(max_length=64)
    account = models.CharField(max_length=64)
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="mappings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "account"], name="compute_account_once")
        ]

    def __str__(self) -> str:
        return f"{self.cluster}/{self.account} -> grant {self.grant_id}"


class UsageEntry(models.Model):
    """One append-only line of the usage ledger.

    Idempotent on (source, cluster, job, model): ingesting the same report again adds nothing;
    a job reported again with more use adds a correction line (`seq` 1, 2, …) holding the
    difference, never an edit. A job's use is the sum of its lines.
    """

    source = models.CharField(max_length=10, choices=UsageSource.choices)
    cluster = models.CharField(max_length=64)
    job = models.CharField(max_length=128)  # the source's job id (sacct JobID, workload uid …)
    model = models.CharField(max_length=30)  # GPU model code, or "untyped"
    seq = models.PositiveIntegerField(default=0)
    account = models.CharField(max_length=64)  # as the source names it
    user_name = models.CharField(max_length=64, blank=True)
    pool = models.ForeignKey(Pool, null=True, on_delete=models.PROTECT, related_name="+")
    # no index of their own: the (grant, period) and (company, period) indexes below lead with
    # them, and every index is written again for each of the ledger's many lines
    grant = models.ForeignKey(
        Grant, null=True, on_delete=models.PROTECT, related_name="usage", db_index=False
    )
    company = models.ForeignKey(
        Company, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.CharField(max_length=7)  # the month the job started in, Asia/Seoul
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True)  # null: still running when reported
    state = models.CharField(max_length=40, blank=True)  # as the source says (COMPLETED …)
    gpu_seconds = models.FloatField()  # this line's part
    sm_gpu_seconds = models.FloatField(null=True)  # weighted by SM use (the agent)
    energy_wh = models.FloatField(null=True)  # watt-hours (the agent)
    batch = models.CharField(max_length=36)  # the ingestion that wrote it
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "cluster", "job", "model", "seq"], name="compute_usage_line"
            )
        ]
        indexes = [
            models.Index(fields=["grant", "period"]),
            models.Index(fields=["company", "period"]),
            models.Index(fields=["cluster", "account"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.job} {self.gpu_seconds:.0f} GPU-s"


class ClusterLogin(models.Model):
    """A person's login on the data centre's clusters (their Unix user): the Slurm user that the
    scheduler exports add to the accounts of the companies they belong to. Set by the person
    (`services.sched.cluster_login_set`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_login"
    )
    # lower-case, as Slurm and Linux accept it (`LOGIN_PATTERN` in services/sched.py)
    login = models.CharField(_("cluster login"), max_length=32, unique=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.login
