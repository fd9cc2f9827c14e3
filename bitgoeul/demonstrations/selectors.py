"""Reads of the demonstrations app shared by pages, the API and home sections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bitgoeul.accounts.types import Viewer
from bitgoeul.core.charts import Series, chart_spec
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.kpis import KpiResult, Point, kpi_result
from bitgoeul.demonstrations.models import Kpi, Measurement, Project
from bitgoeul.search.query import parse_query

SHOWCASE_PAGE = 24


def projects_for_viewer(user: Viewer, *, state: str = "") -> QuerySet[Project]:
    """Projects the viewer sees privately (their company's, their sites', all for operator
    staff), newest first."""
    query = Project.objects.filter(access.projects_at_least(user, ViewLevel.PRIVATE))
    if state:
        query = query.filter(state=state)
    return query.select_related("company__organization", "site__host")


def awaiting_decision(user: Viewer) -> QuerySet[Project]:
    """Projects waiting for this viewer: submitted plans still without their side's approval
    (host staff for their sites, operator staff for all), and results to review (operator)."""
    waiting = Q(pk__in=[])
    hosts = access.host_org_ids(user)
    if hosts:
        waiting |= Q(
            state=ProjectState.SUBMITTED, site__host_id__in=hosts, host_approved_at__isnull=True
        )
    if access.is_operator_staff(user):
        waiting |= Q(state=ProjectState.SUBMITTED, operator_approved_at__isnull=True)
        waiting |= Q(state=ProjectState.REPORTED)
    return Project.objects.filter(waiting)


def showcase_search(*, text: str = "", domain: str = "") -> QuerySet[Project]:
    """Published projects (the same for every viewer: the showcase is what the public sees),
    matching every word typed (any of its morphemes or synonyms, as a prefix of an index term:
    `bitgoeul.search`), in a domain. Projects are few (hundreds), so the terms are matched with
    a portable LIKE on the stored terms rather than a full-text index."""
    query = Project.objects.filter(access.public_q())
    if domain:
        query = query.filter(domain=domain)
    parsed = parse_query(text)
    for group in parsed.groups:
        word = Q()
        for term in group:
            # terms are space-separated: a term starts the column or follows a space
            word |= Q(search_terms__startswith=term) | Q(search_terms__contains=f" {term}")
        query = query.filter(word)
    return query.select_related("company__organization", "site").order_by("-closed_at", "-pk")


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    result: KpiResult
    measurements: list[Measurement]

    @property
    def name(self) -> str:
        if get_language() == "en" and self.kpi.name_en:
            return self.kpi.name_en
        return self.kpi.name


def kpi_rows(project: Project) -> list[KpiRow]:
    """Each KPI of the project with its result and its measurements in time order (2 queries)."""
    kpis = list(project.kpis.all())
    by_kpi: dict[int, list[Measurement]] = {kpi.pk: [] for kpi in kpis}
    for measurement in Measurement.objects.filter(kpi__project=project).order_by(
        "measured_on", "pk"
    ):
        by_kpi[measurement.kpi_id].append(measurement)
    rows = []
    for kpi in kpis:
        points = [Point(m.measured_on, m.value, m.pk) for m in by_kpi[kpi.pk]]
        rows.append(KpiRow(kpi, kpi_result(kpi.target, kpi.direction, points), by_kpi[kpi.pk]))
    return rows


def kpi_chart(row: KpiRow, index: int) -> dict[str, Any]:
    """A KPI's chart (`core.charts`): the measurements over time and the target as a dashed
    line, the axis from zero."""
    unit = row.kpi.unit
    name = f"{row.name} ({unit})"
    labels = [m.measured_on.isoformat() for m in row.measurements]
    return {
        "id": f"kpi-chart-{index}",
        "data": chart_spec(
            label=name,
            labels=labels,
            series=[
                Series(name, [m.value for m in row.measurements], style="line"),
                Series(
                    _("Target: %(target)s %(unit)s")
                    % {"target": f"{row.kpi.target.normalize():f}", "unit": unit},
                    [row.kpi.target] * len(labels),
                    style="dashed",
                ),
            ],
            kind="number",
        ),
    }


def project_counts(user: Viewer) -> dict[str, int]:
    """Counts of the viewer's projects by state (one query)."""
    rows = projects_for_viewer(user).order_by().values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}
