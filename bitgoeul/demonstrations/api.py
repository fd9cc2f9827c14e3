"""`/api/v1` operations of the demonstrations app: read a project (each field as the viewer's
level shows it) and record measurements from scripts (a write token, or a browser session with
its CSRF token)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access, selectors, services
from bitgoeul.demonstrations.enums import MeasurementSource
from bitgoeul.demonstrations.measurements_import import Row

router = Router(tags=["demonstrations"])
MAX_MEASUREMENTS = 1000


def _anyone(request: HttpRequest) -> Any:
    """Last of the authentications of public reads: a caller who sent no credentials reads as
    anonymous; one who sent a bad token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


class KpiOut(Schema):
    id: int
    name: str
    name_en: str
    unit: str
    target: Decimal
    direction: str
    count: int
    latest: Decimal | None
    latest_on: dt.date | None
    mean: Decimal | None
    achieved: bool | None


class ProjectOut(Schema):
    """A project; fields the caller's level does not show are null (`PROJECT_FIELDS`)."""

    id: int
    title: str | None
    title_en: str | None
    company: str | None
    site: str | None
    domain: str | None
    product: str | None
    goal: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    story: str | None
    story_en: str | None
    kpis: list[KpiOut] | None
    state: str | None
    gpu_hours: int | None
    risks: str | None
    is_public: bool | None


class MeasurementIn(Schema):
    kpi: int
    measured_on: dt.date
    value: Decimal = Field(max_digits=16, decimal_places=4)
    note: str = Field(default="", max_length=300)


class MeasurementsIn(Schema):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=MAX_MEASUREMENTS)


class MeasurementOut(Schema):
    id: int
    kpi: int
    measured_on: dt.date
    value: Decimal
    note: str


@router.get(
    "/demonstrations/{project_id}",
    response=ProjectOut,
    url_name="demonstration_detail",
    auth=PUBLIC,
    summary="A demonstration project (fields as your access shows them)",
)
def demonstration_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """Published projects are public; the company, the site's host and the operator see every
    field; anyone else gets 404."""
    project = access.project_for_viewer(request.user, project_id, ViewLevel.PUBLIC)
    level = access.project_view_level(request.user, project)
    kpis = [
        {
            "id": row.kpi.pk,
            "name": row.kpi.name,
            "name_en": row.kpi.name_en,
            "unit": row.kpi.unit,
            "target": row.kpi.target,
            "direction": row.kpi.direction,
            "count": row.result.count,
            "latest": row.result.latest,
            "latest_on": row.result.latest_on,
            "mean": row.result.mean,
            "achieved": row.result.achieved,
        }
        for row in selectors.kpi_rows(project)
    ]
    values = {
        "title": project.title,
        "title_en": project.title_en,
        "company": project.company.organization.name,
        "site": project.site.name,
        "domain": project.domain,
        "product": project.product,
        "goal": project.goal,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "story": project.story,
        "story_en": project.story_en,
        "kpis": kpis,
        "state": project.state,
        "gpu_hours": project.gpu_hours,
        "risks": project.risks,
        "is_public": project.is_public,
    }
    return {"id": project.pk, **access.PROJECT_FIELDS.redact(values, level)}


@router.post(
    "/demonstrations/{project_id}/measurements",
    response={201: list[MeasurementOut]},
    url_name="demonstration_measurements",
    summary="Record measurements of a project's KPIs (all or none)",
)
def demonstration_measurements(
    request: HttpRequest, project_id: int, payload: MeasurementsIn
) -> Status[list[dict[str, Any]]]:
    """A member of the project's company records measurements while the project is under way.
    All or none: 422 names the first bad measurement (`measurements.N.field`), 409 when the
    project is not under way."""
    project = access.project_for_viewer(request.user, project_id)
    if not access.is_project_member(request.user, project):
        raise HttpError(403, "only the project's company records its measurements")
    if not access.can_record(request.user, project):
        raise HttpError(409, "the project is not under way: measurements cannot be recorded now")
    kpis = {kpi.pk: kpi for kpi in project.kpis.all()}
    rows = []
    for index, item in enumerate(payload.measurements):
        kpi = kpis.get(item.kpi)
        if kpi is None:
            raise HttpError(422, f"measurements.{index}.kpi: not a KPI of this project")
        rows.append(Row(kpi, item.measured_on, item.value, item.note))
    try:
        created = services.measurements_add(
            actor=request.user, project=project, rows=rows, source=MeasurementSource.API
        )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    except services.IllegalTransition as error:
        raise HttpError(409, "the project is not under way") from error
    return Status(
        201,
        [
            {
                "id": m.pk,
                "kpi": m.kpi_id,
                "measured_on": m.measured_on,
                "value": m.value,
                "note": m.note,
            }
            for m in created
        ],
    )
