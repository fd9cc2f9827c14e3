"""Writes of calls: the call itself, its evaluation stages and criteria, eligibility rules,
application form fields, attachments, and its state.

Who may call these is decided by `programs.access` (`can_open_calls`, `is_call_staff`); these
functions check the data. Each takes the call's row lock first, so that an edit and a
publication sent at the same time are applied one after the other, and reads "before" from the
locked rows. Money is whole KRW (`int`); floats, booleans and negative amounts are refused with
a `ValidationError` that names the field. What may change depends on the call's state
(`STRUCTURE_STATES` and friends): applicants' answers depend on the form and the rules, so
those freeze when the call is published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.regions import province_for
from bitgoeul.programs.enums import CallState, EligibilityKind, FieldKind, FieldMeaning
from bitgoeul.programs.files import check_document
from bitgoeul.programs.models import (
    Call,
    CallAttachment,
    Criterion,
    EligibilityRule,
    EvaluationStage,
    FormField,
)

# state → the states a call may move to from it (one way: a published call is never a draft
# again, applications may already exist)
TRANSITIONS: dict[str, set[str]] = {
    CallState.DRAFT: {CallState.PUBLISHED},
    CallState.PUBLISHED: {CallState.REVIEW},
    CallState.REVIEW: {CallState.SELECTION},
    CallState.SELECTION: {CallState.DELIVERY},
    CallState.DELIVERY: {CallState.CLOSED},
    CallState.CLOSED: set(),
}
# the notice itself (title, body, dates, money, organisers, attachments)
NOTICE_STATES: set[str] = {CallState.DRAFT, CallState.PUBLISHED}
# form fields and eligibility rules: what applicants answer and are checked against
STRUCTURE_STATES: set[str] = {CallState.DRAFT}
# criteria (reviewers score against them) may change until reviews start
CRITERIA_STATES: set[str] = {CallState.DRAFT, CallState.PUBLISHED}
# a stage's reviewers per application and due date may change until the call closes
STAGE_STATES: set[str] = {
    CallState.DRAFT,
    CallState.PUBLISHED,
    CallState.REVIEW,
    CallState.SELECTION,
}

CALL_FIELDS = (
    "title",
    "title_en",
    "body",
    "organizer",
    "co_organizers",
    "budget",
    "max_award",
    "opens_at",
    "closes_at",
    "blind",
)
ROW_COLUMN_KINDS = (FieldKind.SHORT_TEXT, FieldKind.NUMBER, FieldKind.MONEY, FieldKind.DATE)
# the kinds a field with a meaning may have (the platform reads its value as that type)
MEANING_KINDS = {
    FieldMeaning.TITLE: {FieldKind.SHORT_TEXT},
    FieldMeaning.SUMMARY: {FieldKind.LONG_TEXT, FieldKind.SHORT_TEXT},
    FieldMeaning.REQUESTED_AMOUNT: {FieldKind.MONEY},
    FieldMeaning.KEYWORDS: {FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT},
}


class IllegalTransition(ValueError):
    """A call asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"a {current} call cannot become {wanted}")
        self.current, self.wanted = current, wanted


class CallIncomplete(ValidationError):
    """A call that cannot be published yet; `messages` says each thing that is missing."""


# --- checks ------------------------------------------------------------------------------------


def whole_won(value: Any, field: str) -> int:
    """The amount as an int of KRW, or a ValidationError on `field` saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {field: _("Enter a whole number of won, without decimals.")}, code="money"
        )
    if value < 0:
        raise ValidationError({field: _("An amount cannot be negative.")}, code="money")
    return value


def _aware(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        # forms and the API both give aware times (Asia/Seoul when no offset is written)
        raise ValidationError({field: _("Enter a date and time.")}, code="datetime")
    return value


def _small_int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {
                field: _("Enter a whole number from %(low)d to %(high)d.")
                % {"low": low, "high": high}
            },
            code="range",
        )
    return value


def _text(value: Any, field: str, *, required: bool = True, max_length: int = 200) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Keep this to %(n)d characters or fewer.") % {"n": max_length}},
            code="max_length",
        )
    return text


def _lock_call(call: Call, states: set[str]) -> Call:
    """The call's row, locked; a ValidationError when its state does not allow the change."""
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.state not in states:
        raise ValidationError(
            _("This call is %(state)s: this part of it can no longer change.")
            % {"state": CallState(locked.state).label},
            code="state",
        )
    return locked


def call_publish_problems(call: Call, *, now: dt.datetime | None = None) -> list[str]:
    """What stops the call from being published, one translated sentence each (empty when it
    may be published)."""
    now = now or timezone.now()
    problems: list[str] = []
    if not call.title.strip():
        problems.append(_("Give the call a title."))
    if call.budget <= 0:
        problems.append(_("Set the call's budget."))
    if call.max_award <= 0:
        problems.append(_("Set the maximum amount per award."))
    elif call.max_award > call.budget:
        problems.append(_("The maximum per award is larger than the budget."))
    if call.closes_at <= call.opens_at:
        problems.append(_("The closing time must be after the opening time."))
    elif call.closes_at <= now:
        problems.append(_("The closing time has already passed."))
    stages = list(call.stages.prefetch_related("criteria"))
    if not stages:
        problems.append(_("Add at least one evaluation stage."))
    for stage in stages:
        criteria = list(stage.criteria.all())
        if not criteria:
            problems.append(
                _("Add at least one criterion to the stage “%(stage)s”.") % {"stage": stage.name}
            )
            continue
        total = sum(c.weight for c in criteria)
        if total != 100:
            problems.append(
                _(
                    "The weights of the stage “%(stage)s” add up to %(total)d%%; "
                    "they must add up to 100%%."
                )
                % {"stage": stage.name, "total": total}
            )
    if not call.form_fields.exists():
        problems.append(_("Add at least one field to the application form."))
    return problems


def _check_call_values(values: dict[str, Any]) -> None:
    """Checks of single values, at every save (publishing checks the call as a whole)."""
    whole_won(values["budget"], "budget")
    whole_won(values["max_award"], "max_award")
    _aware(values["opens_at"], "opens_at")
    _aware(values["closes_at"], "closes_at")
    values["title"] = _text(values["title"], "title")
    values["title_en"] = _text(values.get("title_en", ""), "title_en", required=False)
    values["body"] = str(values.get("body") or "")


def _org_ids(orgs: Iterable[Organization | int]) -> list[int]:
    ids = sorted({org if isinstance(org, int) else org.pk for org in orgs})
    companies = Organization.objects.filter(pk__in=ids, kind=OrganizationKind.COMPANY)
    if companies.exists() or Organization.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"co_organizers": _("Co-organisers are organisations other than companies.")},
            code="co_organizers",
        )
    return ids


# --- the call ----------------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    actor: Any,
    organizer: Organization,
    title: str,
    budget: int,
    max_award: int,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    title_en: str = "",
    body: str = "",
    blind: bool = False,
    co_organizers: Iterable[Organization | int] = (),
) -> Call:
    """A new draft call (nobody but its staff sees it until it is published)."""
    values: dict[str, Any] = {
        "title": title,
        "title_en": title_en,
        "body": body,
        "budget": budget,
        "max_award": max_award,
        "opens_at": opens_at,
        "closes_at": closes_at,
    }
    _check_call_values(values)
    if organizer.kind == OrganizationKind.COMPANY:
        raise ValidationError({"organizer": _("A company cannot organise a call.")})
    co_ids = [pk for pk in _org_ids(co_organizers) if pk != organizer.pk]
    now = timezone.now()
    call = Call.objects.create(
        organizer=organizer,
        blind=bool(blind),
        created_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    call.co_organizers.set(co_ids)
    audit_record(
        actor=actor,
        action="call.create",
        obj=call,
        after={**values, "organizer": organizer.pk, "co_organizers": co_ids, "blind": blind},
    )
    return call


def _call_values(call: Call) -> dict[str, Any]:
    values = {name: getattr(call, name) for name in CALL_FIELDS if name != "co_organizers"}
    values["organizer"] = call.organizer_id
    values["co_organizers"] = sorted(call.co_organizers.values_list("pk", flat=True))
    return values


@transaction.atomic
def call_update(*, call: Call, actor: Any, **changes: Any) -> Call:
    """Change the notice (any of `CALL_FIELDS`) of a draft or published call. One audit event
    lists the fields that changed, before (from the locked row) and after; nothing changed,
    nothing written. A published call keeps a valid notice: its closing time stays after its
    opening time and its maximum per award within its budget."""
    unknown = set(changes) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"call_update() got unknown fields: {sorted(unknown)}")
    current = _lock_call(call, NOTICE_STATES)
    before = _call_values(current)
    after = dict(before)
    for name, value in changes.items():
        if name == "organizer":
            if value.kind == OrganizationKind.COMPANY:
                raise ValidationError({"organizer": _("A company cannot organise a call.")})
            after[name] = value.pk
        elif name == "co_organizers":
            after[name] = _org_ids(value)
        elif name == "blind":
            after[name] = bool(value)
        else:
            after[name] = value
    after["co_organizers"] = [pk for pk in after["co_organizers"] if pk != after["organizer"]]
    _check_call_values(after)
    if current.state != CallState.DRAFT:
        if after["closes_at"] <= after["opens_at"]:
            raise ValidationError(
                {"closes_at": _("The closing time must be after the opening time.")}
            )
        if after["max_award"] > after["budget"]:
            raise ValidationError(
                {"max_award": _("The maximum per award is larger than the budget.")}
            )
    changed = [name for name in CALL_FIELDS if after[name] != before[name]]
    if not changed:
        return current
    for name in changed:
        if name == "organizer":
            current.organizer_id = after[name]
        elif name != "co_organizers":
            setattr(current, name, after[name])
    current.updated_at = timezone.now()
    columns = [("organizer_id" if n == "organizer" else n) for n in changed if n != "co_organizers"]
    current.save(update_fields=[*columns, "updated_at"])
    if "co_organizers" in changed:
        current.co_organizers.set(after["co_organizers"])
    audit_record(
        actor=actor,
        action="call.update",
        obj=current,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return current


@transaction.atomic
def call_set_state(*, call: Call, state: str, actor: Any, now: dt.datetime | None = None) -> Call:
    """Move the call one step along DRAFT → PUBLISHED → REVIEW → SELECTION → DELIVERY → CLOSED.

    The row is locked and its state read again, so two moves sent at once cannot both pass;
    a move `TRANSITIONS` does not list raises IllegalTransition. Publishing checks the call is
    complete (`call_publish_problems`: `CallIncomplete` lists what is missing) and records
    `published_at`; review starts only once applications have closed. Side effects: one audit
    event with the state before and after. The instance passed in is brought up to date."""
    now = now or timezone.now()
    current = Call.objects.select_for_update().get(pk=call.pk)
    before = CallState(current.state)
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before.value, state)
    if state == CallState.PUBLISHED:
        problems = call_publish_problems(current, now=now)
        if problems:
            raise CallIncomplete(problems, code="incomplete")
        current.published_at = now
    if state == CallState.REVIEW and now < current.closes_at:
        raise ValidationError(
            _("Applications are still open: review starts after the closing time."),
            code="still_open",
        )
    current.state = state
    current.updated_at = now
    current.save(update_fields=["state", "published_at", "updated_at"])
    for field in ("state", "published_at", "updated_at"):
        setattr(call, field, getattr(current, field))
    audit_record(
        actor=actor,
        action="call.set_state",
        obj=current,
        before={"state": before.value},
        after={"state": state},
    )
    return call


# --- attachments -------------------------------------------------------------------------------


@transaction.atomic
def call_attachment_add(*, call: Call, actor: Any, upload: UploadedFile) -> CallAttachment:
    """Attach a document to the call's notice. The file is checked by its content
    (`files.check_document`: PDF, HWP, HWPX, DOCX, XLSX, size limit); a ValidationError says
    what to fix."""
    current = _lock_call(call, NOTICE_STATES)
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    kind = check_document(upload, name, upload.size or 0)
    upload.seek(0)
    attachment = CallAttachment(call=current, name=name, kind=kind, size=upload.size or 0)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="call.attachment_add",
        obj=current,
        after={"name": name, "kind": kind, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def call_attachment_remove(*, attachment: CallAttachment, actor: Any) -> None:
    """Remove an attachment; its file is deleted once the removal is committed."""
    current = _lock_call(attachment.call, NOTICE_STATES)
    row = CallAttachment.objects.get(pk=attachment.pk, call=current)
    before = {"name": row.name, "kind": row.kind, "size": row.size}
    storage, path = row.file.storage, row.file.name
    row.delete()
    if path:
        transaction.on_commit(lambda: storage.delete(path))
    audit_record(actor=actor, action="call.attachment_remove", obj=current, before=before)


# --- evaluation stages and criteria ------------------------------------------------------------

STAGE_FIELDS = ("name", "name_en", "reviewers_per_application", "review_due_at", "advance_count")
CRITERION_FIELDS = ("name", "name_en", "description", "weight", "max_score")


def _check_stage(values: dict[str, Any]) -> None:
    values["name"] = _text(values["name"], "name", max_length=100)
    values["name_en"] = _text(values.get("name_en", ""), "name_en", required=False, max_length=100)
    _small_int(values["reviewers_per_application"], "reviewers_per_application", 1, 50)
    if values.get("review_due_at") is not None:
        _aware(values["review_due_at"], "review_due_at")
    if values.get("advance_count") is not None:
        _small_int(values["advance_count"], "advance_count", 1, 100_000)


def _check_criterion(values: dict[str, Any]) -> None:
    values["name"] = _text(values["name"], "name", max_length=100)
    values["name_en"] = _text(values.get("name_en", ""), "name_en", required=False, max_length=100)
    values["description"] = str(values.get("description") or "").strip()
    _small_int(values["weight"], "weight", 1, 100)
    _small_int(values["max_score"], "max_score", 1, 100)


def _reorder(rows: Sequence[Any], ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """Give `rows` the order of `ids` (1, 2, …); returns the ids before and after. Orders are
    moved out of the way first: (call, order) is unique for stages."""
    before = [row.pk for row in rows]
    if sorted(before) != sorted(ids) or len(set(ids)) != len(ids):
        raise ValidationError(_("The new order must list each item once."))
    model = type(rows[0]) if rows else None
    if model is not None:
        top = max(row.order for row in rows) + len(rows) + 1
        for offset, row in enumerate(rows):
            model.objects.filter(pk=row.pk).update(order=top + offset)
        for position, pk in enumerate(ids, start=1):
            model.objects.filter(pk=pk).update(order=position)
    return before, list(ids)


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
    """A new evaluation stage, last in order (draft or published calls)."""
    current = _lock_call(call, CRITERIA_STATES)
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
    current_call = _lock_call(stage.call, STAGE_STATES)
    row = EvaluationStage.objects.get(pk=stage.pk, call=current_call)
    before = {name: getattr(row, name) for name in STAGE_FIELDS}
    after = {**before, **changes}
    _check_stage(after)
    changed = [name for name in STAGE_FIELDS if after[name] != before[name]]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, after[name])
    row.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="call.stage_update",
        obj=current_call,
        before={"stage": row.pk, **{n: before[n] for n in changed}},
        after={"stage": row.pk, **{n: after[n] for n in changed}},
    )
    return row


@transaction.atomic
def stage_delete(*, stage: EvaluationStage, actor: Any) -> None:
    """Delete a stage and its criteria (draft calls only: reviews may point at them later)."""
    current_call = _lock_call(stage.call, STRUCTURE_STATES)
    row = EvaluationStage.objects.get(pk=stage.pk, call=current_call)
    before = {"stage": row.pk, "name": row.name, "order": row.order}
    row.delete()
    audit_record(actor=actor, action="call.stage_delete", obj=current_call, before=before)


@transaction.atomic
def stage_reorder(*, call: Call, actor: Any, stage_ids: Sequence[int]) -> None:
    """Put the call's stages in the order of `stage_ids` (each stage once)."""
    current = _lock_call(call, STRUCTURE_STATES)
    before, after = _reorder(list(current.stages.order_by("order")), stage_ids)
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
    """A new criterion, last in its stage (draft or published calls, before review)."""
    current_call = _lock_call(stage.call, CRITERIA_STATES)
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
    current_call = _lock_call(criterion.stage.call, CRITERIA_STATES)
    row = Criterion.objects.get(pk=criterion.pk)
    before = {name: getattr(row, name) for name in CRITERION_FIELDS}
    after = {**before, **changes}
    _check_criterion(after)
    changed = [name for name in CRITERION_FIELDS if after[name] != before[name]]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, after[name])
    row.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="call.criterion_update",
        obj=current_call,
        before={"criterion": row.pk, **{n: before[n] for n in changed}},
        after={"criterion": row.pk, **{n: after[n] for n in changed}},
    )
    return row


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor: Any) -> None:
    current_call = _lock_call(criterion.stage.call, CRITERIA_STATES)
    row = Criterion.objects.get(pk=criterion.pk)
    before = {"criterion": row.pk, "name": row.name, "weight": row.weight}
    row.delete()
    audit_record(actor=actor, action="call.criterion_delete", obj=current_call, before=before)


@transaction.atomic
def criterion_reorder(*, stage: EvaluationStage, actor: Any, criterion_ids: Sequence[int]) -> None:
    current_call = _lock_call(stage.call, CRITERIA_STATES)
    before, after = _reorder(list(stage.criteria.order_by("order", "pk")), criterion_ids)
    if before != after:
        audit_record(
            actor=actor,
            action="call.criterion_reorder",
            obj=current_call,
            before={"stage": stage.pk, "order": before},
            after={"stage": stage.pk, "order": after},
        )


# --- eligibility rules -------------------------------------------------------------------------


def _int_param(params: dict[str, Any], key: str, low: int) -> dict[str, int]:
    value = params.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValidationError(
            {"params": _("Enter a whole number of at least %(low)d.") % {"low": low}},
            code="params",
        )
    return {key: value}


def _list_param(params: dict[str, Any], key: str) -> list[Any]:
    values = params.get(key)
    if isinstance(values, str | int):
        values = [values]
    if not isinstance(values, list) or not values:
        raise ValidationError({"params": _("Choose at least one.")}, code="params")
    return values


def eligibility_params_clean(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The params of a rule of `kind` in their stored shape (`EligibilityKind` documents it),
    or a ValidationError. Provinces are stored as codes (`gwangju`); "광주" is understood."""
    if kind == EligibilityKind.REGION:
        codes = []
        for value in _list_param(params, "provinces"):
            province = province_for(str(value))
            if province is None:
                raise ValidationError(
                    {"params": _("“%(value)s” is not a province.") % {"value": value}}
                )
            codes.append(province.code)
        return {"provinces": sorted(set(codes))}
    if kind == EligibilityKind.CHAPTER:
        ids = []
        for value in _list_param(params, "chapters"):
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                raise ValidationError({"params": _("Choose chapters from the list.")}) from None
        found = Organization.objects.filter(pk__in=ids, kind=OrganizationKind.CHAPTER).count()
        if found != len(set(ids)):
            raise ValidationError({"params": _("Choose chapters from the list.")})
        return {"chapters": sorted(set(ids))}
    if kind in (EligibilityKind.MAX_AGE_YEARS, EligibilityKind.NO_AWARD_SINCE):
        return _int_param(params, "years", 1)
    if kind in (EligibilityKind.MIN_EMPLOYEES, EligibilityKind.MAX_EMPLOYEES):
        return _int_param(params, "count", 0)
    if kind == EligibilityKind.CERTIFICATION:
        kinds = [str(value) for value in _list_param(params, "kinds")]
        if any(value not in CertificationKind.values for value in kinds):
            raise ValidationError({"params": _("Choose certifications from the list.")})
        return {"kinds": sorted(set(kinds))}
    raise ValidationError({"kind": _("Choose a kind of rule from the list.")}, code="kind")


@transaction.atomic
def eligibility_rule_create(
    *, call: Call, actor: Any, kind: str, params: dict[str, Any]
) -> EligibilityRule:
    """A rule companies must pass to apply (draft calls only)."""
    current = _lock_call(call, STRUCTURE_STATES)
    cleaned = eligibility_params_clean(kind, params)
    rule = EligibilityRule.objects.create(call=current, kind=kind, params=cleaned)
    audit_record(
        actor=actor,
        action="call.rule_create",
        obj=current,
        after={"rule": rule.pk, "kind": kind, "params": cleaned},
    )
    return rule


@transaction.atomic
def eligibility_rule_update(
    *, rule: EligibilityRule, actor: Any, params: dict[str, Any]
) -> EligibilityRule:
    """New params for a rule (its kind stays: delete it and add another to change it)."""
    current = _lock_call(rule.call, STRUCTURE_STATES)
    row = EligibilityRule.objects.get(pk=rule.pk, call=current)
    cleaned = eligibility_params_clean(row.kind, params)
    if cleaned == row.params:
        return row
    before = row.params
    row.params = cleaned
    row.save(update_fields=["params"])
    audit_record(
        actor=actor,
        action="call.rule_update",
        obj=current,
        before={"rule": row.pk, "params": before},
        after={"rule": row.pk, "params": cleaned},
    )
    return row


@transaction.atomic
def eligibility_rule_delete(*, rule: EligibilityRule, actor: Any) -> None:
    current = _lock_call(rule.call, STRUCTURE_STATES)
    row = EligibilityRule.objects.get(pk=rule.pk, call=current)
    before = {"rule": row.pk, "kind": row.kind, "params": row.params}
    row.delete()
    audit_record(actor=actor, action="call.rule_delete", obj=current, before=before)


# --- application form fields -------------------------------------------------------------------

FORM_FIELD_FIELDS = (
    "key",
    "kind",
    "meaning",
    "label",
    "label_en",
    "help_text",
    "help_text_en",
    "required",
    "max_length",
    "options",
    "columns",
)


def _check_form_field(call: Call, values: dict[str, Any], pk: int | None = None) -> None:
    kind = values["kind"]
    if kind not in FieldKind.values:
        raise ValidationError({"kind": _("Choose a kind of field from the list.")})
    values["label"] = _text(values["label"], "label")
    values["label_en"] = _text(values.get("label_en", ""), "label_en", required=False)
    values["key"] = slugify(str(values.get("key") or "")).replace("-", "_")[:50]
    if not values["key"]:
        raise ValidationError(
            {"key": _("Give the field a short key in Latin letters, e.g. team_size.")}
        )
    others = FormField.objects.filter(call=call)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(key=values["key"]).exists():
        raise ValidationError({"key": _("Another field of this form has this key.")})
    meaning = values.get("meaning") or ""
    if meaning:
        if meaning not in FieldMeaning.values:
            raise ValidationError({"meaning": _("Choose a meaning from the list.")})
        if kind not in MEANING_KINDS[FieldMeaning(meaning)]:
            raise ValidationError(
                {
                    "meaning": _(
                        "A field with this meaning must be of one of these kinds: %(kinds)s."
                    )
                    % {
                        "kinds": ", ".join(
                            str(FieldKind(k).label) for k in MEANING_KINDS[FieldMeaning(meaning)]
                        )
                    }
                }
            )
        if others.filter(meaning=meaning).exists():
            raise ValidationError({"meaning": _("Another field of this form has this meaning.")})
    values["meaning"] = meaning
    values["required"] = bool(values.get("required"))
    values["help_text"] = str(values.get("help_text") or "").strip()
    values["help_text_en"] = str(values.get("help_text_en") or "").strip()
    if values.get("max_length") is not None:
        _small_int(values["max_length"], "max_length", 1, 100_000)
    options = values.get("options") or []
    columns = values.get("columns") or []
    if kind == FieldKind.CHOICE:
        if not options or not all(
            isinstance(o, dict)
            and str(o.get("value", "")).strip()
            and str(o.get("label", "")).strip()
            for o in options
        ):
            raise ValidationError(
                {"options": _("A choice needs options, each with a value and a label.")}
            )
        if len({o["value"] for o in options}) != len(options):
            raise ValidationError({"options": _("Two options have the same value.")})
    else:
        options = []
    if kind == FieldKind.ROWS:
        if not columns or not all(
            isinstance(c, dict)
            and str(c.get("key", "")).strip()
            and str(c.get("label", "")).strip()
            and c.get("kind") in ROW_COLUMN_KINDS
            for c in columns
        ):
            raise ValidationError(
                {
                    "columns": _(
                        "A table needs columns, each with a key, a label and a kind "
                        "(short text, number, amount or date)."
                    )
                }
            )
        if len({c["key"] for c in columns}) != len(columns):
            raise ValidationError({"columns": _("Two columns have the same key.")})
    else:
        columns = []
    values["options"], values["columns"] = options, columns


@transaction.atomic
def form_field_create(
    *,
    call: Call,
    actor: Any,
    key: str,
    kind: str,
    label: str,
    label_en: str = "",
    meaning: str = "",
    help_text: str = "",
    help_text_en: str = "",
    required: bool = False,
    max_length: int | None = None,
    options: list[dict[str, Any]] | None = None,
    columns: list[dict[str, Any]] | None = None,
) -> FormField:
    """A new field, last on the call's application form (draft calls only)."""
    current = _lock_call(call, STRUCTURE_STATES)
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "meaning": meaning,
        "label": label,
        "label_en": label_en,
        "help_text": help_text,
        "help_text_en": help_text_en,
        "required": required,
        "max_length": max_length,
        "options": options or [],
        "columns": columns or [],
    }
    _check_form_field(current, values)
    last = current.form_fields.aggregate(last=Max("order"))["last"] or 0
    field = FormField.objects.create(call=current, order=last + 1, **values)
    audit_record(
        actor=actor,
        action="call.field_create",
        obj=current,
        after={"field": field.pk, **values},
    )
    return field


@transaction.atomic
def form_field_update(*, field: FormField, actor: Any, **changes: Any) -> FormField:
    unknown = set(changes) - set(FORM_FIELD_FIELDS)
    if unknown:
        raise TypeError(f"form_field_update() got unknown fields: {sorted(unknown)}")
    current = _lock_call(field.call, STRUCTURE_STATES)
    row = FormField.objects.get(pk=field.pk, call=current)
    before = {name: getattr(row, name) for name in FORM_FIELD_FIELDS}
    after = {**before, **changes}
    _check_form_field(current, after, pk=row.pk)
    changed = [name for name in FORM_FIELD_FIELDS if after[name] != before[name]]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, after[name])
    row.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="call.field_update",
        obj=current,
        before={"field": row.pk, **{n: before[n] for n in changed}},
        after={"field": row.pk, **{n: after[n] for n in changed}},
    )
    return row


@transaction.atomic
def form_field_delete(*, field: FormField, actor: Any) -> None:
    current = _lock_call(field.call, STRUCTURE_STATES)
    row = FormField.objects.get(pk=field.pk, call=current)
    before = {"field": row.pk, "key": row.key, "label": row.label}
    row.delete()
    audit_record(actor=actor, action="call.field_delete", obj=current, before=before)


@transaction.atomic
def form_field_reorder(*, call: Call, actor: Any, field_ids: Sequence[int]) -> None:
    current = _lock_call(call, STRUCTURE_STATES)
    before, after = _reorder(list(current.form_fields.order_by("order", "pk")), field_ids)
    if before != after:
        audit_record(
            actor=actor,
            action="call.field_reorder",
            obj=current,
            before={"order": before},
            after={"order": after},
        )
