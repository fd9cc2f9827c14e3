"""Demonstration projects (실증 프로젝트): a company validates an AI product or service at a
site hosted by an institution (a hospital ward, a road section, a building, a factory line).

A project states its goal, product, site, period, the equipment bookings and GPU-hours it
needs, its risks, the permissions it requires (IRB, personal data, safety) with their status,
and its KPIs (target, unit, direction, method). The site's host institution and the operator
both approve it; the company then records measurements of each KPI over time, submits its
results with a closing report, and the operator reviews them and closes the project. A company
chooses whether a project appears in the public showcase, with a story and photos.

Every write goes through `services`; every state change locks the project row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.demonstrations.enums import (
    Direction,
    Domain,
    MeasurementSource,
    PermitKind,
    PermitStatus,
    ProjectState,
    SiteKind,
)

USER = settings.AUTH_USER_MODEL


class Site(models.Model):
    """A real place where AI is validated, hosted (and approved for) by an institution."""

    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="demonstration_sites",
        verbose_name=_("host institution"),
    )
    name = models.CharField(_("name"), max_length=160)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    kind = models.CharField(_("kind of site"), max_length=20, choices=SiteKind.choices)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("open to new projects"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="demonstrations", verbose_name=_("company")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="projects", verbose_name=_("site")
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    product = models.CharField(_("AI product or service"), max_length=200)
    goal = models.TextField(_("goal"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    gpu_hours = models.PositiveIntegerField(_("GPU-hours needed"), default=0)
    risks = models.TextField(_("risks and how they are handled"), blank=True)
    bookings = models.ManyToManyField(
        "equipment.Booking",
        blank=True,
        related_name="demonstrations",
        verbose_name=_("equipment bookings"),
    )
    state = models.CharField(
        max_length=10, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    host_approved_at = models.DateTimeField(null=True, blank=True)
    host_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operator_approved_at = models.DateTimeField(null=True, blank=True)
    operator_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    # the closing report, with the results
    report_summary = models.TextField(_("summary of the results"), blank=True)
    report_file = models.FileField(upload_to="demonstrations/reports/%Y/%m/", blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review of the results"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # the public showcase: what the company chose to publish
    is_public = models.BooleanField(_("show in the public showcase"), default=False)
    story = models.TextField(_("story"), blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    search_terms = models.TextField(blank=True, editable=False)  # bitgoeul.search terms
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the showcase: public projects by domain, newest first
            models.Index(fields=["is_public", "domain"], name="demo_project_showcase"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="demonstrations_project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Permit(models.Model):
    """A permission the project needs before it may run (IRB, personal data, safety)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="permits")
    kind = models.CharField(_("permission"), max_length=16, choices=PermitKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.NEEDED
    )
    reference = models.CharField(_("reference (approval number)"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"


class Kpi(models.Model):
    """A key performance indicator the project promises, with how it is measured."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("indicator"), max_length=120)
    name_en = models.CharField(_("indicator in English"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=30)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    method = models.TextField(_("how it is measured"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(max_length=5, choices=MeasurementSource.choices)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "pk"]
        indexes = [
            # KPI aggregation reads a KPI's measurements in time order
            models.Index(fields=["kpi", "measured_on"], name="demo_measurement_kpi_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.measured_on} {self.value}"


class ProjectPhoto(models.Model):
    """A photo for the showcase (JPEG, PNG or WebP, checked by content)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="demonstrations/photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    caption = models.CharField(_("caption"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption
