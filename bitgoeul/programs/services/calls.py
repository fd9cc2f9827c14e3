"""Writes of calls: the call itself (its notice), its attachments and its state, and the checks
and row lock the writes of its parts share (`call_stages`: stages and criteria; `call_forms`:
eligibility rules and the application form).

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
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.programs.enums import CallState, RunState
from bitgoeul.programs.files import check_document
from bitgoeul.programs.models import (
    Call,
    CallAttachment,
    SelectionRun,
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
# stages and criteria as a whole: their weights were checked when the call was published, and
# a published notice tells applicants how they are scored, so they freeze with it
CRITERIA_STATES: set[str] = {CallState.DRAFT}
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


def check_aware(value: Any, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        # forms and the API both give aware times (Asia/Seoul when no offset is written)
        raise ValidationError({field: _("Enter a date and time.")}, code="datetime")
    return value


def check_small_int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {
                field: _("Enter a whole number from %(low)d to %(high)d.")
                % {"low": low, "high": high}
            },
            code="range",
        )
    return value


def check_text(value: Any, field: str, *, required: bool = True, max_length: int = 200) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Keep this to %(n)d characters or fewer.") % {"n": max_length}},
            code="max_length",
        )
    return text


def call_lock(call: Call, states: set[str]) -> Call:
    """The call's row, locked; a ValidationError when its state does not allow the change."""
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if locked.state not in states:
        raise ValidationError(
            _("This call is %(state)s: this part of it can no longer change.")
            % {"state": CallState(locked.state).label},
            code="state",
        )
    return locked


def part_save(
    *,
    call: Call,
    row: Any,
    part: str,
    fields: Sequence[str],
    before: dict[str, Any],
    after: dict[str, Any],
    action: str,
    actor: Any,
) -> None:
    """Write the changed fields of a part of the call (a stage, a criterion, a form field;
    `after` already checked) and audit them on the call, naming the part by its id."""
    changed = [name for name in fields if after[name] != before[name]]
    if not changed:
        return
    for name in changed:
        setattr(row, name, after[name])
    row.save(update_fields=changed)
    audit_record(
        actor=actor,
        action=action,
        obj=call,
        before={part: row.pk, **{n: before[n] for n in changed}},
        after={part: row.pk, **{n: after[n] for n in changed}},
    )


def reorder_rows(rows: Sequence[Any], ids: Sequence[int]) -> tuple[list[int], list[int]]:
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
    check_aware(values["opens_at"], "opens_at")
    check_aware(values["closes_at"], "closes_at")
    values["title"] = check_text(values["title"], "title")
    values["title_en"] = check_text(values.get("title_en", ""), "title_en", required=False)
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
    current = call_lock(call, NOTICE_STATES)
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
    `published_at`; review starts only once applications have closed; delivery starts only
    with an approved selection run (`selection_approve` approves the run, then moves the call
    here: the awards it creates are what is delivered). Side effects: one audit event with the
    state before and after. The instance passed in is brought up to date."""
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
    if (
        state == CallState.DELIVERY
        and not SelectionRun.objects.filter(call=current, state=RunState.APPROVED).exists()
    ):
        raise ValidationError(
            _("Delivery starts when a selection run is approved, on the selection page."),
            code="no_selection",
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
    current = call_lock(call, NOTICE_STATES)
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
    current = call_lock(attachment.call, NOTICE_STATES)
    row = CallAttachment.objects.get(pk=attachment.pk, call=current)
    before = {"name": row.name, "kind": row.kind, "size": row.size}
    storage, path = row.file.storage, row.file.name
    row.delete()
    if path:
        transaction.on_commit(lambda: storage.delete(path))
    audit_record(actor=actor, action="call.attachment_remove", obj=current, before=before)
