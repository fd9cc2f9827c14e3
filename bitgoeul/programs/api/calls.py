"""API operations of the programs app: calls.

`GET /calls` and `GET /calls/{id}` answer anyone (a bearer token or a session is used when one
is sent: a call's staff see its draft); drafts are 404 for everyone else. Creating, changing and
publishing a call need a signed-in session or a write token (`accounts.api_auth.TokenAuth`
refuses a read token on any write) and the same rights as the pages: `can_open_calls` to create,
`is_call_staff` to change. Money is whole KRW as a JSON integer: `1.5e8` or `150000000.0` is
refused, as are negative amounts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from bitgoeul.accounts.api_auth import SessionAuth, TokenAuth
from bitgoeul.accounts.models import Organization
from bitgoeul.programs import access, selectors
from bitgoeul.programs.api.base import router
from bitgoeul.programs.enums import CallState
from bitgoeul.programs.models import Call
from bitgoeul.programs.rule_words import rule_sentences
from bitgoeul.programs.services import call_forms, call_stages
from bitgoeul.programs.services import calls as services

MAX_PAGE_SIZE = 100
Won = Annotated[int, Field(strict=True, ge=0)]


def _anyone(request: HttpRequest) -> Any:
    """Last in the list of authentications of public reads: a caller who sent no credentials
    reads as anonymous; one who sent a bad token is still told so (401)."""
    if request.headers.get("Authorization"):
        return None
    return request.user if request.user.is_authenticated else "anonymous"


PUBLIC = [TokenAuth(), SessionAuth(csrf=True), _anyone]


# --- schemas -----------------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: int
    name: str
    name_en: str


class CallOut(Schema):
    id: int
    title: str
    title_en: str
    state: str
    organizer: OrganizationOut
    budget: int
    max_award: int
    opens_at: dt.datetime
    closes_at: dt.datetime
    published_at: dt.datetime | None
    blind: bool
    url: str


class CallPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CallOut]


class CriterionOut(Schema):
    order: int
    name: str
    name_en: str
    description: str
    weight: int
    max_score: int


class StageOut(Schema):
    order: int
    name: str
    name_en: str
    reviewers_per_application: int
    review_due_at: dt.datetime | None
    criteria: list[CriterionOut]


class RuleOut(Schema):
    kind: str
    params: dict[str, Any]
    text: str


class FormFieldOut(Schema):
    key: str
    kind: str
    meaning: str
    label: str
    label_en: str
    help_text: str
    help_text_en: str
    required: bool
    options: list[dict[str, Any]]
    columns: list[dict[str, Any]]


class AttachmentOut(Schema):
    name: str
    kind: str
    size: int
    url: str


class CallDetailOut(CallOut):
    body: str
    co_organizers: list[OrganizationOut]
    stages: list[StageOut]
    eligibility_rules: list[RuleOut]
    form_fields: list[FormFieldOut]
    attachments: list[AttachmentOut]


class CallQuery(Schema):
    q: str = ""
    state: str = ""
    organizer: int | None = None
    page: int = 1
    page_size: int = 20


class CriterionIn(Schema):
    name: str
    name_en: str = ""
    description: str = ""
    weight: Annotated[int, Field(strict=True, ge=1, le=100)]
    max_score: Annotated[int, Field(strict=True, ge=1, le=100)] = 10


class StageIn(Schema):
    name: str
    name_en: str = ""
    reviewers_per_application: Annotated[int, Field(strict=True, ge=1, le=50)] = 3
    review_due_at: dt.datetime | None = None
    criteria: list[CriterionIn] = []


class RuleIn(Schema):
    kind: str
    params: dict[str, Any]


class FormFieldIn(Schema):
    key: str
    kind: str
    label: str
    label_en: str = ""
    meaning: str = ""
    help_text: str = ""
    help_text_en: str = ""
    required: bool = False
    max_length: int | None = None
    options: list[dict[str, Any]] = []
    columns: list[dict[str, Any]] = []


class CallIn(Schema):
    title: str
    title_en: str = ""
    body: str = ""
    organizer: int
    co_organizers: list[int] = []
    budget: Won
    max_award: Won
    opens_at: dt.datetime
    closes_at: dt.datetime
    blind: bool = False
    stages: list[StageIn] = []
    eligibility_rules: list[RuleIn] = []
    form_fields: list[FormFieldIn] = []


class CallPatch(Schema):
    title: str | None = None
    title_en: str | None = None
    body: str | None = None
    organizer: int | None = None
    co_organizers: list[int] | None = None
    budget: Won | None = None
    max_award: Won | None = None
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    blind: bool | None = None


class StateIn(Schema):
    state: str


# --- helpers -----------------------------------------------------------------------------------


def _org(org: Organization) -> dict[str, Any]:
    return {"id": org.pk, "name": org.name, "name_en": org.name_en}


def _out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "title_en": call.title_en,
        "state": call.state,
        "organizer": _org(call.organizer),
        "budget": call.budget,
        "max_award": call.max_award,
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "published_at": call.published_at,
        "blind": call.blind,
        "url": reverse("programs:call_detail", args=[call.pk]),
    }


def _detail(call: Call) -> dict[str, Any]:
    parts = selectors.call_detail_parts(call)
    return {
        **_out(call),
        "body": call.body,
        "co_organizers": [_org(org) for org in parts["co_organizers"]],
        "stages": [
            {
                "order": stage.order,
                "name": stage.name,
                "name_en": stage.name_en,
                "reviewers_per_application": stage.reviewers_per_application,
                "review_due_at": stage.review_due_at,
                "criteria": [
                    {
                        "order": c.order,
                        "name": c.name,
                        "name_en": c.name_en,
                        "description": c.description,
                        "weight": c.weight,
                        "max_score": c.max_score,
                    }
                    for c in stage.criteria.all()
                ],
            }
            for stage in parts["stages"]
        ],
        "eligibility_rules": [
            {"kind": rule.kind, "params": rule.params, "text": text}
            for rule, text in rule_sentences(parts["rules"])
        ],
        "form_fields": [
            {
                "key": f.key,
                "kind": f.kind,
                "meaning": f.meaning,
                "label": f.label,
                "label_en": f.label_en,
                "help_text": f.help_text,
                "help_text_en": f.help_text_en,
                "required": f.required,
                "options": f.options,
                "columns": f.columns,
            }
            for f in call.form_fields.all()
        ],
        "attachments": [
            {
                "name": a.name,
                "kind": a.kind,
                "size": a.size,
                "url": reverse("programs:call_attachment", args=[call.pk, a.pk]),
            }
            for a in parts["attachments"]
        ],
    }


def _unprocessable(error: ValidationError, prefix: str = "") -> HttpError:
    """The first message of a service's ValidationError, as the API's 422 ("field: message")."""
    if hasattr(error, "error_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return HttpError(422, f"{prefix}{field}: {messages[0]}")
    return HttpError(422, f"{prefix.rstrip('.') or 'call'}: {error.messages[0]}")


def _organizer(user: Any, org_id: int) -> Organization:
    org = access.call_organizer_choices(user).filter(pk=org_id).first()
    if org is None:
        raise HttpError(422, "organizer: not an organisation you may open a call for")
    return org


def _aware(value: dt.datetime) -> dt.datetime:
    # a time written without an offset is Korea time, as on the pages
    return timezone.make_aware(value, selectors.SEOUL) if timezone.is_naive(value) else value


# --- operations --------------------------------------------------------------------------------


@router.get(
    "/calls", response=CallPage, auth=PUBLIC, summary="Published calls (search, filters, paging)"
)
def call_list(request: HttpRequest, query: Query[CallQuery]) -> dict[str, Any]:
    """Published calls, newest first. `q` finds every word in the title or the notice;
    `state` is one of open, closing_soon (closes within 7 days), upcoming, closed;
    `organizer` an organisation id (organiser or co-organiser)."""
    if query.state and query.state not in selectors.BoardState.VALUES:
        raise HttpError(422, f"state: use one of {', '.join(selectors.BoardState.VALUES)}")
    if query.page < 1:
        raise HttpError(422, "page: pages start at 1")
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size: between 1 and {MAX_PAGE_SIZE}")
    calls = selectors.call_board(text=query.q, state=query.state, organizer=query.organizer)
    start = (query.page - 1) * query.page_size
    return {
        "count": calls.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [_out(call) for call in calls[start : start + query.page_size]],
    }


@router.get("/calls/{call_id}", response=CallDetailOut, auth=PUBLIC, summary="One call")
def call_detail(request: HttpRequest, call_id: int) -> dict[str, Any]:
    """A call with its stages, criteria, eligibility rules (in words too), form and
    attachments. A draft is 404 except for its staff."""
    return _detail(access.call_for_viewer(request.user, call_id))


@router.post("/calls", response={201: CallDetailOut}, summary="Create a draft call")
def call_create(request: HttpRequest, payload: CallIn) -> Status:
    """A new draft call, with its stages, criteria, rules and form in one request (all or
    nothing). Callers who may open calls only (operator, association and chapter staff)."""
    user = request.user
    access.require_can_open_calls(user)
    organizer = _organizer(user, payload.organizer)
    try:
        with transaction.atomic():
            call = services.call_create(
                actor=user,
                organizer=organizer,
                title=payload.title,
                title_en=payload.title_en,
                body=payload.body,
                budget=payload.budget,
                max_award=payload.max_award,
                opens_at=_aware(payload.opens_at),
                closes_at=_aware(payload.closes_at),
                blind=payload.blind,
                co_organizers=payload.co_organizers,
            )
            _create_parts(call, payload, user)
    except ValidationError as error:
        raise _unprocessable(error) from None
    return Status(201, _detail(Call.objects.select_related("organizer").get(pk=call.pk)))


def _create_parts(call: Call, payload: CallIn, user: Any) -> None:
    for i, stage_in in enumerate(payload.stages):
        try:
            stage = call_stages.stage_create(
                call=call,
                actor=user,
                name=stage_in.name,
                name_en=stage_in.name_en,
                reviewers_per_application=stage_in.reviewers_per_application,
                review_due_at=_aware(stage_in.review_due_at) if stage_in.review_due_at else None,
            )
            for criterion in stage_in.criteria:
                call_stages.criterion_create(stage=stage, actor=user, **criterion.dict())
        except ValidationError as error:
            raise _unprocessable(error, f"stages.{i}.") from None
    for i, rule in enumerate(payload.eligibility_rules):
        try:
            call_forms.eligibility_rule_create(
                call=call, actor=user, kind=rule.kind, params=rule.params
            )
        except ValidationError as error:
            raise _unprocessable(error, f"eligibility_rules.{i}.") from None
    for i, field in enumerate(payload.form_fields):
        try:
            call_forms.form_field_create(call=call, actor=user, **field.dict())
        except ValidationError as error:
            raise _unprocessable(error, f"form_fields.{i}.") from None


@router.patch("/calls/{call_id}", response=CallDetailOut, summary="Change a call's notice")
def call_update(request: HttpRequest, call_id: int, payload: CallPatch) -> dict[str, Any]:
    """Change the fields sent (draft or published calls; its staff only)."""
    user = request.user
    call = access.call_for_staff(user, call_id)
    changes = payload.dict(exclude_unset=True)
    if "organizer" in changes:
        if changes["organizer"] != call.organizer_id:
            changes["organizer"] = _organizer(user, changes["organizer"])
        else:
            changes.pop("organizer")
    for name in ("opens_at", "closes_at"):
        if changes.get(name) is not None:
            changes[name] = _aware(changes[name])
    nulls = [name for name, value in changes.items() if value is None]
    if nulls:
        raise HttpError(422, f"{nulls[0]}: may not be null")
    try:
        services.call_update(call=call, actor=user, **changes)
    except ValidationError as error:
        raise _unprocessable(error) from None
    return _detail(Call.objects.select_related("organizer").get(pk=call.pk))


@router.post("/calls/{call_id}/state", response=CallDetailOut, summary="Publish or move a call on")
def call_set_state(request: HttpRequest, call_id: int, payload: StateIn) -> dict[str, Any]:
    """Move the call one step: published, review, selection, delivery, closed. 409 when the
    call is not in the state before that step, (publishing) not complete, or (delivery) has no
    approved selection run — approving one moves the call there: the message says what is
    missing."""
    user = request.user
    call = access.call_for_staff(user, call_id)
    if payload.state not in CallState.values:
        raise HttpError(422, f"state: use one of {', '.join(CallState.values)}")
    try:
        services.call_set_state(call=call, state=payload.state, actor=user)
    except services.IllegalTransition as error:
        raise HttpError(409, f"state: {error}") from None
    except ValidationError as error:
        raise HttpError(409, "state: " + " ".join(error.messages)) from None
    return _detail(Call.objects.select_related("organizer").get(pk=call.pk))
