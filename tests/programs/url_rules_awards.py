"""The awards area's rows of the URL × role table (tests/test_url_access.py).

An award is seen by its company's members (owner, teammate) and the staff of its call (the
operator, whose organisation organises the call); everyone else gets 404. Members may not do
staff's acts (403) and staff may not submit the company's report (403)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bitgoeul.programs.enums import AwardState
from bitgoeul.programs.models import Award
from tests.conftest import World
from tests.programs.award_factories import PDF, make_award, make_milestone, make_report
from tests.test_url_access import Rule, everyone, only, signed_in


def _award(w: World, state: str = AwardState.ACTIVE) -> Award:
    return make_award(w.company, organizer=w.operator_org, state=state)


def _award_id(w: World) -> dict[str, Any]:
    return {"award_id": _award(w).pk}


def _unsigned_award_id(w: World) -> dict[str, Any]:
    return {"award_id": _award(w, AwardState.AGREEMENT).pk}


def _milestone_id(w: World) -> dict[str, Any]:
    return {"milestone_id": make_milestone(_award(w)).pk}


def _report_id(w: World) -> dict[str, Any]:
    return {"report_id": make_report(make_milestone(_award(w))).pk}


def _call_id(w: World) -> dict[str, Any]:
    return {"call_id": _award(w).application.call_id}


def _milestone_data(w: World) -> dict[str, Any]:
    return {"deliverable": "중간 보고", "due_on": "2027-03-31", "tranche": 10_000_000}


def _report_data(w: World) -> dict[str, Any]:
    return {
        "file": SimpleUploadedFile("보고서.pdf", PDF, "application/pdf"),
        "note": "완료",
        "hires": 1,
    }


SEE = only({"owner": 200, "teammate": 200, "operator": 200}, otherwise=404)
STAFF_ACT = only({"operator": 302, "owner": 403, "teammate": 403}, otherwise=404)
COMPANY_ACT = only({"owner": 302, "teammate": 302, "operator": 403}, otherwise=404)
CALL_STAFF = only({"operator": 200}, otherwise=404)
API_SEE = {**SEE, "anonymous": 401}

AWARDS_RULES: dict[str, Rule] = {
    "programs:my_awards": Rule(signed_in(200)),
    "programs:awards_manage": Rule(only({"operator": 200, "chapter_staff": 200}, otherwise=404)),
    "programs:award_detail": Rule(SEE, kwargs=_award_id),
    "programs:award_agreement": Rule(STAFF_ACT, method="post", kwargs=_unsigned_award_id),
    "programs:milestone_create": Rule(
        STAFF_ACT, method="post", kwargs=_award_id, data=_milestone_data
    ),
    "programs:milestone_update": Rule(
        STAFF_ACT, method="post", kwargs=_milestone_id, data=_milestone_data
    ),
    "programs:milestone_delete": Rule(STAFF_ACT, method="post", kwargs=_milestone_id),
    "programs:milestone_report_submit": Rule(
        COMPANY_ACT, method="post", kwargs=_milestone_id, data=_report_data
    ),
    "programs:report_file": Rule(SEE, kwargs=_report_id),
    "programs:report_review": Rule(
        STAFF_ACT, method="post", kwargs=_report_id, data=lambda w: {"decision": "approve"}
    ),
    "programs:call_awards": Rule(CALL_STAFF, kwargs=_call_id),
    "programs:review_queue": Rule(CALL_STAFF, kwargs=_call_id),
    "api-1:award_list": Rule(everyone(200, anonymous=401)),
    "api-1:award_detail": Rule(API_SEE, kwargs=_award_id),
    "api-1:milestone_report_create": Rule(
        {**COMPANY_ACT, "owner": 201, "teammate": 201, "anonymous": 401},
        method="post",
        kwargs=_milestone_id,
        data=_report_data,
    ),
    "api-1:award_review_queue": Rule({**CALL_STAFF, "anonymous": 401}, kwargs=_call_id),
    "api-1:report_review": Rule(
        {**STAFF_ACT, "operator": 200, "anonymous": 401},
        method="post",
        kwargs=_report_id,
        data=lambda w: {"decision": "approve"},
        json=True,
    ),
}
