"""Writes of a call's evaluation stages (서면평가 → 발표평가) and their weighted criteria. Each
locks the call's row first (`calls.call_lock`), which also checks the call's state allows the
change; "before" is read from the rows under that lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from bitgoeul.audit.services import audit_record
from bitgoeul.programs.models import Call, Criterion, EvaluationStage
from bitgoeul.programs.services.calls import (
    CRITERIA_STATES,
    STAGE_STATES,
    STRUCTURE_STATES,
    call_lock,
    check_aware,
    check_small_int,
    check_text,
    part_save,
    reorder_rows,
)

# --- evaluation stages and criteria ------------------------------------------------------------

STAGE_FIELDS = ("name", "name_en", "reviewers_per_application", "review_due_at", "advance_count")
CRITERION_FIELDS = ("name", "name_en", "description", "weight", "max_score")


def _check_stage(values: dict[str, Any]) -> None:
    values["name"] = check_text(values["name"], "name", max_length=100)
    values["name_en"] = check_text(
        values.get("name_en", ""), "name_en", required=False, max_length=100
    )
    check_small_int(values["reviewers_per_application"], "reviewers_per_application", 1, 50)
    if values.get("review_due_at") is not None:
        check_aware(values["review_due_at"], "review_due_at")
    if values.get("advance_count") is not None:
        check_small_int(values["advance_count"], "advance_count", 1, 100_000)


def _check_criterion(values: dict[str, Any]) -> None:
    values["name"] = check_text(values["name"], "name", max_length=100)
    values["name_en"] = check_text(
        values.get("name_en", ""), "name_en", required=False, max_length=100
    )
    values["description"] = str(values.get("description") or "").strip()
    check_small_int(values["weight"], "weight", 1, 100)
    check_small_int(values["max_score"], "max_score", 1, 100)


@transaction.atomic
def stage_create(
    *,
    call: Call,
    actor: Any,
    name: str,
    name_en: str = "",
    reviewers_per_application: int = 3,
    review_due_at: dt.datetime | None = None,
    advance_count: int | None = None,
) -> EvaluationStage:
    """A new evaluation stage, last in order (draft calls only)."""
    current = call_lock(call, CRITERIA_STATES)
    values = {
        "name": name,
        "name_en": name_en,
        "reviewers_per_application": reviewers_per_application,
        "review_due_at": review_due_at,
        "advance_count": advance_count,
    }
    _check_stage(values)
    last = current.stages.aggregate(last=Max("order"))["last"] or 0
    stage = EvaluationStage.objects.create(call=current, order=last + 1, **values)
    audit_record(
        actor=actor,
        action="call.stage_create",
        obj=current,
        after={"stage": stage.pk, "order": stage.order, **values},
    )
    return stage


@transaction.atomic
def stage_update(*, stage: EvaluationStage, actor: Any, **changes: Any) -> EvaluationStage:
    """Change a stage's name, reviewers per application, due date or advance count (until the
    call is in delivery)."""
    unknown = set(changes) - set(STAGE_FIELDS)
    if unknown:
        raise TypeError(f"stage_update() got unknown fields: {sorted(unknown)}")
    current_call = call_lock(stage.call, STAGE_STATES)
    row = EvaluationStage.objects.get(pk=stage.pk, call=current_call)
    before = {name: getattr(row, name) for name in STAGE_FIELDS}
    after = {**before, **changes}
    _check_stage(after)
    part_save(
        call=current_call,
        row=row,
        part="stage",
        fields=STAGE_FIELDS,
        before=before,
        after=after,
        action="call.stage_update",
        actor=actor,
    )
    return row


@transaction.atomic
def stage_delete(*, stage: EvaluationStage, actor: Any) -> None:
    """Delete a stage and its criteria (draft calls only: reviews may point at them later)."""
    current_call = call_lock(stage.call, STRUCTURE_STATES)
    row = EvaluationStage.objects.get(pk=stage.pk, call=current_call)
    before = {"stage": row.pk, "name": row.name, "order": row.order}
    row.delete()
    audit_record(actor=actor, action="call.stage_delete", obj=current_call, before=before)


@transaction.atomic
def stage_reorder(*, call: Call, actor: Any, stage_ids: Sequence[int]) -> None:
    """Put the call's stages in the order of `stage_ids` (each stage once)."""
    current = call_lock(call, STRUCTURE_STATES)
    before, after = reorder_rows(list(current.stages.order_by("order")), stage_ids)
    if before != after:
        audit_record(
            actor=actor,
            action="call.stage_reorder",
            obj=current,
            before={"order": before},
            after={"order": after},
        )


@transaction.atomic
def criterion_create(
    *,
    stage: EvaluationStage,
    actor: Any,
    name: str,
    weight: int,
    max_score: int = 10,
    name_en: str = "",
    description: str = "",
) -> Criterion:
    """A new criterion, last in its stage (draft calls only)."""
    current_call = call_lock(stage.call, CRITERIA_STATES)
    values = {
        "name": name,
        "name_en": name_en,
        "description": description,
        "weight": weight,
        "max_score": max_score,
    }
    _check_criterion(values)
    last = stage.criteria.aggregate(last=Max("order"))["last"] or 0
    criterion = Criterion.objects.create(stage=stage, order=last + 1, **values)
    audit_record(
        actor=actor,
        action="call.criterion_create",
        obj=current_call,
        after={"stage": stage.pk, "criterion": criterion.pk, **values},
    )
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, actor: Any, **changes: Any) -> Criterion:
    unknown = set(changes) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"criterion_update() got unknown fields: {sorted(unknown)}")
    current_call = call_lock(criterion.stage.call, CRITERIA_STATES)
    row = Criterion.objects.get(pk=criterion.pk)
    before = {name: getattr(row, name) for name in CRITERION_FIELDS}
    after = {**before, **changes}
    _check_criterion(after)
    part_save(
        call=current_call,
        row=row,
        part="criterion",
        fields=CRITERION_FIELDS,
        before=before,
        after=after,
        action="call.criterion_update",
        actor=actor,
    )
    return row


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor: Any) -> None:
    current_call = call_lock(criterion.stage.call, CRITERIA_STATES)
    row = Criterion.objects.get(pk=criterion.pk)
    before = {"criterion": row.pk, "name": row.name, "weight": row.weight}
    row.delete()
    audit_record(actor=actor, action="call.criterion_delete", obj=current_call, before=before)


@transaction.atomic
def criterion_reorder(*, stage: EvaluationStage, actor: Any, criterion_ids: Sequence[int]) -> None:
    current_call = call_lock(stage.call, CRITERIA_STATES)
    before, after = reorder_rows(list(stage.criteria.order_by("order", "pk")), criterion_ids)
    if before != after:
        audit_record(
            actor=actor,
            action="call.criterion_reorder",
            obj=current_call,
            before={"stage": stage.pk, "order": before},
            after={"stage": stage.pk, "order": after},
        )
