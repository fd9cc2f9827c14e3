"""The applications area's rows of the URL × role table (tests/test_url_access.py).

The call is the operator organisation's, so operator staff are its staff; the application is
the world's company's (owner and teammate); the outsider is a member of another company."""

from __future__ import annotations

import io
from typing import Any

from bitgoeul.programs.models import Application
from bitgoeul.programs.services import applications as services
from tests.conftest import World
from tests.programs.apps_setup import PDF, open_call, profile, started, submitted
from tests.test_url_access import Expected, Rule, everyone, only, signed_in


def _call(w: World) -> dict[str, Any]:
    from tests.companies.helpers import company_record

    profile(w)
    company_record(w.other_company)
    return {"call_id": open_call(w, files=True).pk}


def _draft(w: World) -> dict[str, Any]:
    return {"application_id": started(w).pk}


def _submitted(w: World) -> dict[str, Any]:
    return {"application_id": submitted(w).pk}


def _file(w: World, *, submit: bool) -> dict[str, Any]:
    application = started(w, open_call(w, files=True))
    stored = services.application_file_add(
        application=application,
        actor=w.owner,
        field_key="plan",
        stream=io.BytesIO(PDF),
        name="계획서.pdf",
        size=len(PDF),
    )
    if submit:
        services.application_submit(application=application, actor=w.owner)
    return {"application_id": application.pk, "file_id": stored.pk}


def _draft_with_field(w: World) -> dict[str, Any]:
    application = started(w, open_call(w, files=True))
    return {"application_id": application.pk, "field_key": "plan"}


def _version(w: World) -> int:
    return Application.objects.get().version


APPLICANTS: dict[str, Expected] = {"owner": 200, "teammate": 200}
APPLICANTS_302: dict[str, Expected] = {"owner": 302, "teammate": 302}
APPLICANTS_AND_STAFF: dict[str, Expected] = {"owner": 200, "teammate": 200, "operator": 200}
NOT_A_COMPANY: dict[str, Expected] = {"chapter_staff": 403, "reviewer": 403, "operator": 403}

RULES: dict[str, Rule] = {
    "programs:application_start": Rule(
        only({**APPLICANTS, "outsider": 200, **NOT_A_COMPANY}, otherwise=404), kwargs=_call
    ),
    "programs:my_applications": Rule(signed_in(200)),
    "programs:call_applications": Rule(
        only({"operator": 200}, otherwise=403), kwargs=lambda w: {"call_id": open_call(w).pk}
    ),
    "programs:call_applications_export": Rule(
        only({"operator": 200}, otherwise=403), kwargs=lambda w: {"call_id": open_call(w).pk}
    ),
    "programs:application_edit": Rule(only(APPLICANTS, otherwise=404), kwargs=_draft),
    "programs:application_detail": Rule(
        only(APPLICANTS_AND_STAFF, otherwise=404), kwargs=_submitted
    ),
    "programs:application_diff": Rule(only(APPLICANTS_AND_STAFF, otherwise=404), kwargs=_submitted),
    "programs:application_submit": Rule(
        only(APPLICANTS_302, otherwise=404), method="post", kwargs=_draft
    ),
    "programs:application_withdraw": Rule(
        only(APPLICANTS_302, otherwise=404), method="post", kwargs=_submitted
    ),
    "programs:application_request_changes": Rule(
        only({"operator": 302, "owner": 403, "teammate": 403}, otherwise=404),
        method="post",
        kwargs=_submitted,
        data=lambda w: {"note": "예산표를 보완해 주세요."},
    ),
    "programs:application_file_upload": Rule(
        only(APPLICANTS_302, otherwise=404), method="post", kwargs=_draft_with_field
    ),
    "programs:application_file": Rule(
        only(APPLICANTS_AND_STAFF, otherwise=404), kwargs=lambda w: _file(w, submit=True)
    ),
    "programs:application_file_delete": Rule(
        only(APPLICANTS_302, otherwise=404),
        method="post",
        kwargs=lambda w: _file(w, submit=False),
    ),
    "api-1:my_application_list": Rule(everyone(200, anonymous=401)),
    "api-1:application_get": Rule(
        {**everyone(404, anonymous=401), **APPLICANTS_AND_STAFF}, kwargs=_submitted
    ),
    "api-1:application_draft_save": Rule(
        {**everyone(404, anonymous=401), **APPLICANTS},
        method="put",
        json=True,
        kwargs=_draft,
        data=lambda w: {"version": _version(w), "data": {"title": "API로 고친 제목"}},
    ),
    "api-1:application_submit_api": Rule(
        {**everyone(404, anonymous=401), **APPLICANTS}, method="post", kwargs=_draft
    ),
    "api-1:call_application_list": Rule(
        {**everyone(403, anonymous=401), "operator": 200},
        kwargs=lambda w: {"call_id": open_call(w).pk},
    ),
}
