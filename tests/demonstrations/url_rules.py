"""The demonstrations app's rows of the URL × role table (tests/test_url_access.py).

A project is seen privately by its company's members (owner, teammate), its site's host staff
(no role of the world) and operator staff; everyone else gets 404 unless the company published
it (the showcase, open to all). Members may not do the operator's acts (403) and the operator
may not do the company's (403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project
from tests.conftest import World
from tests.demonstrations.factories import PDF, PNG, add_photo, add_report, make_project, xlsx
from tests.test_url_access import Rule, everyone, only, signed_in


def _project(w: World, state: str = ProjectState.DRAFT, **fields: Any) -> Project:
    return make_project(w.company, state=state, **fields)


def _id(state: str = ProjectState.DRAFT, **fields: Any) -> Any:
    return lambda w: {"project_id": _project(w, state, **fields).pk}


def _public_id(w: World) -> dict[str, Any]:
    return {"project_id": _project(w, ProjectState.CLOSED, public=True).pk}


def _public_photo(w: World) -> dict[str, Any]:
    return {"photo_id": add_photo(_project(w, ProjectState.CLOSED, public=True)).pk}


def _photo(w: World) -> dict[str, Any]:
    return {"photo_id": add_photo(_project(w)).pk}


def _kpi(w: World) -> dict[str, Any]:
    return {"kpi_id": _project(w).kpis.get().pk}


def _reported_with_file(w: World) -> dict[str, Any]:
    return {"project_id": add_report(_project(w, ProjectState.REPORTED)).pk}


def _measurement(w: World) -> dict[str, Any]:
    from bitgoeul.demonstrations.models import Kpi

    kpi = Kpi.objects.get()
    return {
        "kpi": kpi.pk,
        "measured_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "value": "96.5",
    }


def _upload(w: World) -> dict[str, Any]:
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    data = xlsx([["KPI", "Date", "Value"], ["판독 정확도", day, 96]])
    return {"file": SimpleUploadedFile("m.xlsx", data)}


def _api_measurement(w: World) -> dict[str, Any]:
    return {"measurements": [_measurement(w)]}


SEE = only({"owner": 200, "teammate": 200, "operator": 200}, otherwise=404)
COMPANY_ACT = only({"owner": 302, "teammate": 302, "operator": 403}, otherwise=404)
COMPANY_PAGE = only({"owner": 200, "teammate": 200, "operator": 403}, otherwise=404)
OPERATOR_ACT = only({"operator": 302, "owner": 403, "teammate": 403}, otherwise=404)

RULES: dict[str, Rule] = {
    "demonstrations:showcase": Rule(everyone(200)),
    "demonstrations:showcase_detail": Rule(everyone(200), kwargs=_public_id),
    "demonstrations:photo": Rule(everyone(200), kwargs=_public_photo),
    "demonstrations:list": Rule(signed_in(200)),
    "demonstrations:create": Rule(
        only({"owner": 200, "teammate": 200, "outsider": 200}, otherwise=403)
    ),
    "demonstrations:sites": Rule(only({"operator": 200}, otherwise=403)),
    "demonstrations:detail": Rule(SEE, kwargs=_id()),
    "demonstrations:edit": Rule(COMPANY_PAGE, kwargs=_id()),
    "demonstrations:kpi_create": Rule(
        COMPANY_ACT,
        method="post",
        kwargs=_id(),
        data=lambda w: {"name": "응답 시간", "unit": "ms", "target": "200", "direction": "lower"},
    ),
    "demonstrations:kpi_delete": Rule(COMPANY_ACT, method="post", kwargs=_kpi),
    "demonstrations:permit_save": Rule(
        COMPANY_ACT,
        method="post",
        kwargs=_id(),
        data=lambda w: {"kind": "irb", "status": "applied"},
    ),
    "demonstrations:submit": Rule(COMPANY_ACT, method="post", kwargs=_id()),
    "demonstrations:decide": Rule(
        OPERATOR_ACT,
        method="post",
        kwargs=_id(ProjectState.SUBMITTED),
        data=lambda w: {"decision": "approve"},
    ),
    "demonstrations:measurement_create": Rule(
        COMPANY_ACT, method="post", kwargs=_id(ProjectState.APPROVED), data=_measurement
    ),
    "demonstrations:measurement_upload": Rule(
        COMPANY_ACT, method="post", kwargs=_id(ProjectState.APPROVED), data=_upload
    ),
    "demonstrations:measurement_template": Rule(SEE, kwargs=_id()),
    "demonstrations:report": Rule(
        COMPANY_ACT,
        method="post",
        kwargs=_id(ProjectState.APPROVED),
        data=lambda w: {"summary": "달성", "report": SimpleUploadedFile("r.pdf", PDF)},
    ),
    "demonstrations:report_file": Rule(SEE, kwargs=_reported_with_file),
    "demonstrations:review": Rule(
        OPERATOR_ACT,
        method="post",
        kwargs=_id(ProjectState.REPORTED),
        data=lambda w: {"decision": "accept"},
    ),
    "demonstrations:publish": Rule(
        COMPANY_ACT, method="post", kwargs=_id(), data=lambda w: {"story": "이야기"}
    ),
    "demonstrations:photo_create": Rule(
        COMPANY_ACT,
        method="post",
        kwargs=_id(),
        data=lambda w: {"photo": SimpleUploadedFile("a.png", PNG), "caption": "병동"},
    ),
    "demonstrations:photo_delete": Rule(COMPANY_ACT, method="post", kwargs=_photo),
    "api-1:demonstration_detail": Rule({**SEE, "anonymous": 404}, kwargs=_id()),
    "api-1:demonstration_measurements": Rule(
        {**only({"owner": 201, "teammate": 201, "operator": 403}, otherwise=404), "anonymous": 401},
        method="post",
        kwargs=_id(ProjectState.APPROVED),
        data=_api_measurement,
        json=True,
    ),
}
