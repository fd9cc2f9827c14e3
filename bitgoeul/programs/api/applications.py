"""API operations of the programs app: applications.

Applicants: list their companies' applications, read one, save its draft (with the version
they loaded: 409 when someone saved since), submit it. Staff of a call: list its submitted
applications with the filters of the staff list. A read-only token may only read
(`accounts.api_auth.TokenAuth` refuses it on PUT and POST).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema
from ninja.errors import HttpError

from bitgoeul.companies.regions import BY_CODE
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.programs import access, selectors
from bitgoeul.programs.api.base import router
from bitgoeul.programs.enums import ApplicationState
from bitgoeul.programs.models import Application
from bitgoeul.programs.services import applications as services

MAX_PAGE_SIZE = 100


class ApplicationOut(Schema):
    id: int
    call: int
    call_title: str
    company: int | None
    company_name: str | None
    state: str
    title: str
    summary: str
    requested_amount: int | None
    keywords: list[str]
    version: int
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    closes_at: dt.datetime


class RevisionOut(Schema):
    number: int
    submitted_at: dt.datetime


class ApplicationDetailOut(ApplicationOut):
    data: dict[str, Any] | None
    staff_note: str | None
    revisions: list[RevisionOut]


class ApplicationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ApplicationOut]


class DraftIn(Schema):
    version: int
    data: dict[str, Any]


class SubmittedOut(Schema):
    id: int
    state: str
    revision: int
    submitted_at: dt.datetime


class StaffListQuery(Schema):
    q: str = ""
    state: str = ""
    province: str = ""
    amount_min: int | None = None
    amount_max: int | None = None
    sort: str = "-submitted"
    page: int = 1
    page_size: int = 50


def _out(application: Application, shown: frozenset[str]) -> dict[str, Any]:
    identity = "identity" in shown
    return {
        "id": application.pk,
        "call": application.call_id,
        "call_title": application.call.title,
        "company": application.company_id if identity else None,
        "company_name": application.company.organization.name if identity else None,
        "state": application.state,
        "title": application.title,
        "summary": application.summary,
        "requested_amount": application.requested_amount,
        "keywords": application.keywords,
        "version": application.version,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "closes_at": application.call.closes_at,
    }


def _detail(request: HttpRequest, application: Application) -> dict[str, Any]:
    shown = access.application_fields(request.user, application)
    out = _out(application, shown)
    revisions = list(application.revisions.order_by("number"))
    if access.is_applicant(request.user, application):
        data: dict[str, Any] | None = application.data  # the working draft
    else:
        data = revisions[-1].data if revisions else None  # staff: the last submitted revision
    out.update(
        data=data,
        staff_note=application.staff_note if "staff_note" in shown else None,
        revisions=[{"number": r.number, "submitted_at": r.submitted_at} for r in revisions],
    )
    return out


def _paging(page: int, page_size: int) -> None:
    if page < 1:
        raise HttpError(422, "page: pages start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size: between 1 and {MAX_PAGE_SIZE}")


@router.get(
    "/applications", response=ApplicationPage, summary="My companies' applications (drafts too)"
)
def my_application_list(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    _paging(page, page_size)
    rows = selectors.my_applications(request.user)
    start = (page - 1) * page_size
    private = access.APPLICATION_FIELDS.fields_for(ViewLevel.PRIVATE)
    return {
        "count": rows.count(),
        "page": page,
        "page_size": page_size,
        "results": [_out(a, private) for a in rows[start : start + page_size]],
    }


@router.get(
    "/applications/{application_id}",
    response=ApplicationDetailOut,
    summary="One application (its applicants, and the call's staff once submitted)",
)
def application_get(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = access.application_for_viewer(request.user, application_id, ViewLevel.PRIVATE)
    return _detail(request, application)


@router.put(
    "/applications/{application_id}/draft",
    response=ApplicationDetailOut,
    summary="Save answers of a draft",
)
def application_draft_save(
    request: HttpRequest, application_id: int, payload: DraftIn
) -> dict[str, Any]:
    """`data` holds the answers to change ({field key: value}; money in whole KRW, dates as
    YYYY-MM-DD, tables as lists of objects); `version` is the version you read. 409 when
    someone saved since (read the application again), 422 with the field for a wrong value."""
    application = access.application_for_applicant(request.user, application_id)
    try:
        services.application_save_draft(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
            data=payload.data,
            version=payload.version,
        )
    except services.VersionConflict as conflict:
        raise HttpError(409, f"version: {conflict}") from None
    except services.AnswersInvalid as invalid:
        key, message = next(iter(invalid.errors.items()))
        raise HttpError(422, f"{key}: {message}") from None
    except services.ApplicationError as refused:
        raise HttpError(409, str(refused)) from None
    return _detail(request, application)


@router.post(
    "/applications/{application_id}/submit",
    response=SubmittedOut,
    summary="Submit the saved draft (the server's clock decides the deadline)",
)
def application_submit_api(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = access.application_for_applicant(request.user, application_id)
    try:
        revision = services.application_submit(
            application=application,
            actor=request.user,  # type: ignore[arg-type]
        )
    except services.AnswersInvalid as invalid:
        key, message = next(iter(invalid.errors.items()))
        raise HttpError(422, f"{key}: {message}") from None
    except services.ApplicationError as refused:
        raise HttpError(409, str(refused)) from None
    return {
        "id": application.pk,
        "state": application.state,
        "revision": revision.number,
        "submitted_at": revision.submitted_at,
    }


@router.get(
    "/calls/{call_id}/applications",
    response=ApplicationPage,
    summary="Staff: the submitted applications of a call",
)
def call_application_list(
    request: HttpRequest, call_id: int, query: Query[StaffListQuery]
) -> dict[str, Any]:
    call = access.call_for_staff(request.user, call_id)
    _paging(query.page, query.page_size)
    states = [s for s in ApplicationState.values if s != ApplicationState.DRAFT]
    if query.state and query.state not in states:
        raise HttpError(422, f"state: use one of {', '.join(states)}")
    if query.province and query.province not in BY_CODE:
        raise HttpError(422, f"province: use one of {', '.join(BY_CODE)}")
    if query.sort not in selectors.LIST_SORTS:
        raise HttpError(422, f"sort: use one of {', '.join(selectors.LIST_SORTS)}")
    filters = selectors.ApplicationFilters(
        state=query.state,
        province=query.province,
        amount_min=query.amount_min,
        amount_max=query.amount_max,
        q=query.q,
        sort=query.sort,
    )
    rows = selectors.call_applications(call=call, viewer=request.user, filters=filters)
    shown = access.call_list_fields(request.user, call)
    start = (query.page - 1) * query.page_size
    page = list(rows[start : start + query.page_size])
    for application in page:
        application.call = call  # every row is of this call: no query per row for its title
    return {
        "count": rows.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_out(a, shown) for a in page],
    }
