"""The calls area's rows of the URL × role table (tests/test_url_access.py).

The calls are organised by the world's chapter, so its chapter staff and operator staff are the
call's staff. A draft is 404 for everyone else (outsiders learn nothing); a published call's
builder is 403 for those who may read the call but not change it."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from bitgoeul.programs.enums import EligibilityKind
from bitgoeul.programs.models import Call, CallAttachment, EligibilityRule
from tests.conftest import World
from tests.programs.calls_helpers import chapter_draft, pdf_bytes
from tests.programs.factories import CallFactory, FormFieldFactory
from tests.test_url_access import LOGIN, Rule, everyone, only


def _draft(w: World) -> Call:
    return chapter_draft(w.chapter)


def _published(w: World) -> Call:
    return CallFactory.create(organizer=w.chapter)


def _call(w: World) -> dict[str, Any]:
    return {"call_id": _draft(w).pk}


def _published_call(w: World) -> dict[str, Any]:
    return {"call_id": _published(w).pk}


def _attachment(w: World, call: Call) -> dict[str, Any]:
    attachment = CallAttachment(call=call, name="공고문.pdf", kind="pdf", size=len(pdf_bytes()))
    attachment.file.save("공고문.pdf", ContentFile(pdf_bytes()), save=True)
    return {"call_id": call.pk, "attachment_id": attachment.pk}


def _stage(w: World) -> dict[str, Any]:
    call = _draft(w)
    return {"call_id": call.pk, "stage_id": call.stages.get().pk}


def _criterion(w: World) -> dict[str, Any]:
    call = _draft(w)
    return {"call_id": call.pk, "criterion_id": call.stages.get().criteria.first().pk}  # type: ignore[union-attr]


def _rule(w: World) -> dict[str, Any]:
    call = _draft(w)
    rule = EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.MAX_AGE_YEARS, params={"years": 7}
    )
    return {"call_id": call.pk, "rule_id": rule.pk}


def _field(w: World) -> dict[str, Any]:
    call = _draft(w)
    field = FormFieldFactory.create(call=call, key="extra", label="추가 질문")
    return {"call_id": call.pk, "field_id": field.pk}


def _pdf(w: World) -> dict[str, Any]:
    return {"attachment-file": SimpleUploadedFile("안내.pdf", pdf_bytes())}


# a draft: its staff, and nobody else learns it exists
DRAFT_STAFF_PAGE = only({"operator": 200, "chapter_staff": 200}, otherwise=404)
DRAFT_STAFF_POST = only({"operator": 302, "chapter_staff": 302}, otherwise=404)
OPENERS = only({"operator": 200, "chapter_staff": 200}, otherwise=403)

CALLS_RULES: dict[str, Rule] = {
    "programs:call_list": Rule(everyone(200)),
    "programs:call_detail": Rule(everyone(200), kwargs=_published_call),
    "programs:call_attachment": Rule(everyone(200), kwargs=lambda w: _attachment(w, _published(w))),
    "programs:call_feed": Rule(everyone(200)),
    "programs:call_staff_list": Rule(OPENERS),
    "programs:call_create": Rule(OPENERS),
    # a published call: everyone may read it, only its staff build it
    "programs:call_manage": Rule(
        only({"operator": 200, "chapter_staff": 200}, otherwise=403), kwargs=_published_call
    ),
    "programs:call_edit": Rule(DRAFT_STAFF_PAGE, kwargs=_call),
    "programs:call_state": Rule(
        DRAFT_STAFF_POST, method="post", kwargs=_call, data=lambda w: {"state": "published"}
    ),
    "programs:call_attachment_add": Rule(DRAFT_STAFF_POST, method="post", kwargs=_call, data=_pdf),
    "programs:call_attachment_remove": Rule(
        DRAFT_STAFF_POST, method="post", kwargs=lambda w: _attachment(w, _draft(w))
    ),
    "programs:call_stage_add": Rule(
        DRAFT_STAFF_POST,
        method="post",
        kwargs=_call,
        data=lambda w: {"stage-name": "발표평가", "stage-reviewers_per_application": 5},
    ),
    "programs:call_stage_edit": Rule(DRAFT_STAFF_PAGE, kwargs=_stage),
    "programs:call_stage_delete": Rule(DRAFT_STAFF_POST, method="post", kwargs=_stage),
    "programs:call_stage_move": Rule(
        DRAFT_STAFF_POST, method="post", kwargs=_stage, data=lambda w: {"direction": "down"}
    ),
    "programs:call_criterion_add": Rule(
        DRAFT_STAFF_POST,
        method="post",
        kwargs=_stage,
        data=lambda w: {
            f"c{_stage_id(w)}-name": "파급효과",
            f"c{_stage_id(w)}-weight": 10,
            f"c{_stage_id(w)}-max_score": 10,
        },
    ),
    "programs:call_criterion_edit": Rule(DRAFT_STAFF_PAGE, kwargs=_criterion),
    "programs:call_criterion_delete": Rule(DRAFT_STAFF_POST, method="post", kwargs=_criterion),
    "programs:call_criterion_move": Rule(
        DRAFT_STAFF_POST, method="post", kwargs=_criterion, data=lambda w: {"direction": "up"}
    ),
    "programs:call_rule_add": Rule(
        DRAFT_STAFF_POST,
        method="post",
        kwargs=_call,
        data=lambda w: {"rule-kind": "max_age_years", "rule-years": 7},
    ),
    "programs:call_rule_edit": Rule(DRAFT_STAFF_PAGE, kwargs=_rule),
    "programs:call_rule_delete": Rule(DRAFT_STAFF_POST, method="post", kwargs=_rule),
    "programs:call_field_add": Rule(
        DRAFT_STAFF_POST,
        method="post",
        kwargs=_call,
        data=lambda w: {"field-label": "팀 규모", "field-key": "team", "field-kind": "number"},
    ),
    "programs:call_field_edit": Rule(DRAFT_STAFF_PAGE, kwargs=_field),
    "programs:call_field_delete": Rule(DRAFT_STAFF_POST, method="post", kwargs=_field),
    "programs:call_field_move": Rule(
        DRAFT_STAFF_POST, method="post", kwargs=_field, data=lambda w: {"direction": "up"}
    ),
    "api-1:call_list": Rule(everyone(200)),
    # a draft through the API: its staff only; 404 for everyone else, anonymous included
    "api-1:call_detail": Rule(
        only({"operator": 200, "chapter_staff": 200}, otherwise=404) | {"anonymous": 404},
        kwargs=_call,
    ),
    "api-1:call_create": Rule(
        only({"operator": 201, "chapter_staff": 201}, otherwise=403) | {"anonymous": 401},
        method="post",
        json=True,
        data=lambda w: {
            "title": "2027 AI 실증 지원사업",
            "organizer": w.chapter.pk,
            "budget": 300_000_000,
            "max_award": 50_000_000,
            "opens_at": "2027-01-05T09:00:00+09:00",
            "closes_at": "2027-01-31T18:00:00+09:00",
        },
    ),
    "api-1:call_update": Rule(
        only({"operator": 200, "chapter_staff": 200}, otherwise=404) | {"anonymous": 401},
        method="patch",
        json=True,
        kwargs=_call,
        data=lambda w: {"budget": 400_000_000},
    ),
    "api-1:call_set_state": Rule(
        only({"operator": 200, "chapter_staff": 200}, otherwise=404) | {"anonymous": 401},
        method="post",
        json=True,
        kwargs=_call,
        data=lambda w: {"state": "published"},
    ),
}


def _stage_id(w: World) -> int:
    """The stage of the draft the rule's kwargs made last (the criterion form's prefix)."""
    return int(Call.objects.filter(organizer=w.chapter).latest("pk").stages.get().pk)


assert LOGIN  # the anonymous answer of `only` rows above
