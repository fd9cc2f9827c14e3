"""Applying to a call: start, save drafts (with last-writer conflicts), files, submit (frozen
revisions), withdraw, and staff's requests for changes.

Who may call what is decided in `programs.access` (views and the API ask it first); these
functions also refuse what no caller may do (a non-member starting an application, a save on a
submitted application, a submission after the deadline). The server's clock decides every
deadline: `timezone.now()` read inside the transaction, to the second.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.access import membership_rows
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.accounts.types import Actor
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.models import Company
from bitgoeul.companies.notification_kinds import APPLIED as COMPANY_APPLIED
from bitgoeul.companies.services.watchlists import watchers_notify
from bitgoeul.notifications.services import notify
from bitgoeul.programs import access, selectors
from bitgoeul.programs import files as documents
from bitgoeul.programs.answers import clean_answers, is_empty, meanings
from bitgoeul.programs.eligibility import Failure, check_eligibility
from bitgoeul.programs.enums import ApplicationState, CallState, FieldKind
from bitgoeul.programs.models import (
    Application,
    ApplicationFile,
    ApplicationRevision,
    Call,
    FormField,
)
from bitgoeul.programs.notification_kinds import APPLICATION_SUBMITTED, CHANGES_REQUESTED

S = ApplicationState
# state → the states an application may move to from it (`application_set_state`)
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.CHANGES_REQUESTED, S.WITHDRAWN, S.INELIGIBLE, S.SELECTED, S.NOT_SELECTED},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.WITHDRAWN, S.INELIGIBLE},
    S.WITHDRAWN: set(),
    S.INELIGIBLE: set(),
    S.SELECTED: set(),
    S.NOT_SELECTED: set(),
}
EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED}


class ApplicationError(Exception):
    """A refusal with a message for people (`str(error)`)."""


class NotEligible(ApplicationError):
    def __init__(self, failures: list[Failure]) -> None:
        super().__init__(" ".join(f.message for f in failures))
        self.failures = failures


class AlreadyApplied(ApplicationError):
    def __init__(self, application: Application) -> None:
        super().__init__(_("Your company has already applied to this call."))
        self.application = application


class CallNotOpen(ApplicationError):
    pass


class AnswersInvalid(ApplicationError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Some answers need correcting."))
        self.errors = errors


class VersionConflict(ApplicationError):
    """A save made on an older version than the one saved since: someone else saved."""

    def __init__(self, *, version: int, updated_by: str, updated_at: dt.datetime | None) -> None:
        self.version, self.updated_by, self.updated_at = version, updated_by, updated_at
        when = timezone.localtime(updated_at).strftime("%H:%M:%S") if updated_at else ""
        super().__init__(
            _(
                "%(name)s saved this application at %(time)s, after you opened it. Reload to "
                "see their changes; your last changes were not saved."
            )
            % {"name": updated_by or _("Another member"), "time": when}
        )


class IllegalTransition(ApplicationError):
    """An application asked to move to a state its current state does not lead to."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            _("This application is %(current)s and cannot become %(wanted)s.")
            % {
                "current": str(ApplicationState(current).label).lower(),
                "wanted": str(ApplicationState(wanted).label).lower(),
            }
        )
        self.current, self.wanted = current, wanted


def _locked(application: Application) -> Application:
    # only the application's row: locking its call too would queue every company's
    # submission to the call behind one another (PostgreSQL locks joined rows by default)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application.pk)
    )


def _check_member(actor: Actor, application: Application) -> None:
    """Only members of the applying company write its answers (views and the API ask
    `access.application_for_applicant` first; this holds for any other caller)."""
    if not is_company_member(actor, application.company_id):
        raise PermissionDenied


def _refresh(application: Application, current: Application, fields: list[str]) -> None:
    for name in fields:
        setattr(application, name, getattr(current, name))


def is_company_member(user: Actor, company_id: int) -> bool:
    return any(
        org_id == company_id and kind == OrganizationKind.COMPANY
        for org_id, kind, _role, _parent in membership_rows(user)
    )


def call_is_open(call: Call, now: dt.datetime) -> bool:
    """Published and between its opening and its deadline (`now <= closes_at`)."""
    return call.state == CallState.PUBLISHED and call.opens_at <= now <= call.closes_at


def _form(call: Call) -> list[FormField]:
    return list(call.form_fields.all())


@transaction.atomic
def application_start(*, call: Call, company: Company, actor: User) -> Application:
    """A new draft of `company` for `call`. Refused (ApplicationError) unless the actor is a
    member of the company, the call is published and open by the server clock, the company
    passes every eligibility rule (`NotEligible` lists the failures) and has not applied yet
    (`AlreadyApplied` carries the existing application). Audited."""
    if not is_company_member(actor, company.pk):
        raise PermissionDenied
    now = timezone.now()
    if not call_is_open(call, now):
        raise CallNotOpen(_("This call is not open for applications."))
    existing = Application.objects.filter(call=call, company=company).first()
    if existing is not None:
        raise AlreadyApplied(existing)
    failures = check_eligibility(call, company, timezone.localdate(now))
    if failures:
        raise NotEligible(failures)
    try:
        with transaction.atomic():  # two members starting at once: the second gets the first's
            application = Application.objects.create(
                call=call,
                company=company,
                created_by=actor,
                updated_by=actor,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise AlreadyApplied(Application.objects.get(call=call, company=company)) from None
    audit_record(
        actor=actor,
        action="application.start",
        obj=application,
        after={"call": call.pk, "company": company.pk, "state": application.state},
    )
    return application


def _check_editable(current: Application, now: dt.datetime) -> None:
    if current.state not in EDITABLE:
        raise ApplicationError(
            _("This application was submitted and can no longer be changed.")
            if current.state == S.SUBMITTED
            else _("This application can no longer be changed.")
        )
    if current.state == S.DRAFT and now > current.call.closes_at:
        raise ApplicationError(_("The call closed; this draft can no longer be changed."))


@transaction.atomic
def application_save_draft(
    *, application: Application, actor: User, data: dict[str, Any], version: int
) -> Application:
    """Save answers of a draft (or of an application whose changes were requested).

    `data` holds the answers sent ({field key: value}); keys not sent keep their saved value.
    `version` is the version the editor loaded: an older one means someone saved since, and
    the save is refused with `VersionConflict` (naming who saved last and when). Values are
    checked per field kind (`AnswersInvalid` with the errors by key; nothing is saved); the
    requested amount may not exceed the call's maximum per award. The fields with a meaning
    are copied to title, summary, requested amount and keywords. The version grows by one.
    Draft saves are not audited (an autosave every few seconds is not a state change; the
    submission freezes what was saved)."""
    current = _locked(application)
    _check_member(actor, current)
    now = timezone.now()
    _check_editable(current, now)
    if version != current.version:
        editor = current.updated_by
        raise VersionConflict(
            version=current.version,
            updated_by=(editor.name or editor.email) if editor else "",
            updated_at=current.updated_at,
        )
    fields = _form(current.call)
    cleaned, errors = clean_answers(fields, data)
    merged = {**current.data, **cleaned}
    merged = {key: value for key, value in merged.items() if not is_empty(value)}
    meant = meanings(fields, merged)
    amount = meant["requested_amount"]
    if amount is not None and amount > current.call.max_award:
        amount_key = next(f.key for f in fields if f.meaning == "requested_amount")
        errors.setdefault(
            amount_key,
            _("The call awards at most %(max)s won.") % {"max": f"{current.call.max_award:,}"},
        )
    if errors:
        raise AnswersInvalid(errors)
    current.data = merged
    for name, value in meant.items():
        setattr(current, name, value)
    current.version += 1
    current.updated_by, current.updated_at = actor, now
    saved = ["data", *meant, "version", "updated_by", "updated_at"]
    current.save(update_fields=saved)
    _refresh(application, current, saved)
    return application


def _file_field(call: Call, field_key: str) -> FormField:
    field = call.form_fields.filter(key=field_key, kind=FieldKind.FILE).first()
    if field is None:
        raise ApplicationError(_("This form has no such file field."))
    return field


def _delete_stored(stored: ApplicationFile) -> None:
    """Delete a draft file's row, and its stored file unless a revision still holds it."""
    name = stored.file.name or ""
    stored.delete()
    if not ApplicationFile.objects.filter(file=name).exists():
        stored.file.storage.delete(name)


@transaction.atomic
def application_file_add(
    *,
    application: Application,
    actor: User,
    field_key: str,
    stream: IO[bytes],
    name: str,
    size: int,
) -> ApplicationFile:
    """Attach a document to a file field of the draft, replacing the one there. The kind is
    checked by content (`files.check_document`: `ValidationError` with what to fix)."""
    current = _locked(application)
    _check_member(actor, current)
    _check_editable(current, timezone.now())
    _file_field(current.call, field_key)
    kind = documents.check_document(stream, name, size)
    stream.seek(0)
    for old in ApplicationFile.objects.filter(
        application=current, revision=None, field_key=field_key
    ):
        _delete_stored(old)
    stored = ApplicationFile(
        application=current,
        field_key=field_key,
        name=name[:200],
        kind=kind,
        size=size,
        uploaded_by=actor,
    )
    stored.file.save(name, File(stream), save=False)
    stored.save()
    audit_record(
        actor=actor,
        action="application.file_add",
        obj=current,
        after={"field": field_key, "file": stored.pk, "kind": kind, "size": size},
    )
    return stored


@transaction.atomic
def application_file_remove(*, application: Application, actor: User, file_id: int) -> None:
    """Take a document off the draft (submitted revisions keep theirs)."""
    current = _locked(application)
    _check_member(actor, current)
    _check_editable(current, timezone.now())
    stored = ApplicationFile.objects.filter(application=current, revision=None, pk=file_id).first()
    if stored is None:
        raise ApplicationError(_("This file is not in the draft."))
    audit_record(
        actor=actor,
        action="application.file_remove",
        obj=current,
        before={"field": stored.field_key, "file": stored.pk},
    )
    _delete_stored(stored)


def missing_required(application: Application) -> dict[str, str]:
    """The required fields without an answer (or without a file), by key."""
    files = set(
        ApplicationFile.objects.filter(application=application, revision=None).values_list(
            "field_key", flat=True
        )
    )
    missing = {}
    for field in _form(application.call):
        if not field.required:
            continue
        empty = (
            field.key not in files
            if field.kind == FieldKind.FILE
            else is_empty(application.data.get(field.key))
        )
        if empty:
            missing[field.key] = _("Answer this question before you submit.")
    return missing


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> ApplicationRevision:
    """Submit the saved answers: the row is locked, the state must lead to SUBMITTED
    (`IllegalTransition`), every required field answered (`AnswersInvalid`), and:
    a draft only while the call is open by the server clock (`now <= closes_at`; one second
    late is refused with `CallNotOpen`) and while the company still passes the eligibility
    rules; an application whose changes were requested may be resubmitted after the deadline.

    Side effects: a frozen `ApplicationRevision` numbered 1, 2, … with a copy of the answers
    and the draft's files attached to it; state SUBMITTED and `submitted_at`; one audit event;
    the call's staff are notified, and on the first submission the staff watching the company
    (`companies.applied`)."""
    current = _locked(application)
    _check_member(actor, current)
    before = current.state
    if S.SUBMITTED not in TRANSITIONS[before]:
        raise IllegalTransition(before, S.SUBMITTED)
    now = timezone.now()
    call = current.call
    if before == S.DRAFT:
        if not call_is_open(call, now):
            if now > call.closes_at:
                raise CallNotOpen(
                    _("The deadline (%(deadline)s) has passed: the application was not submitted.")
                    % {"deadline": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M:%S")}
                )
            raise CallNotOpen(_("This call is not open for applications."))
        company = Company.objects.select_related("organization__parent").get(pk=current.company_id)
        failures = check_eligibility(call, company, timezone.localdate(now))
        if failures:
            raise NotEligible(failures)
    missing = missing_required(current)
    if missing:
        raise AnswersInvalid(missing)
    number = (current.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ApplicationRevision.objects.create(
        application=current,
        number=number,
        data=current.data,
        title=current.title,
        summary=current.summary,
        requested_amount=current.requested_amount,
        keywords=current.keywords,
        submitted_by=actor,
        submitted_at=now,
    )
    ApplicationFile.objects.filter(application=current, revision=None).update(revision=revision)
    current.state, current.submitted_at = S.SUBMITTED, now
    current.updated_by, current.updated_at = actor, now
    saved = ["state", "submitted_at", "updated_by", "updated_at"]
    current.save(update_fields=saved)
    _refresh(application, current, saved)
    audit_record(
        actor=actor,
        action="application.submit",
        obj=current,
        before={"state": before},
        after={"state": S.SUBMITTED, "revision": number},
    )
    notify(
        recipients=selectors.call_staff_users(call),
        kind=APPLICATION_SUBMITTED,
        obj=current,
        params={"revision": number},
        actor=actor,
    )
    if before == S.DRAFT:  # staff watching the company learn it applied (not of each revision)
        watchers_notify(
            company=current.company, kind=COMPANY_APPLIED, params={"what": call.title}, actor=actor
        )
    return revision


def _copy_files_to_draft(current: Application, revision: ApplicationRevision | None) -> None:
    """The draft after a request for changes starts with the last revision's files (rows that
    share the stored file: replacing one in the draft never touches the revision's)."""
    if revision is None:
        return
    for stored in revision.files.all():
        ApplicationFile.objects.create(
            application=current,
            revision=None,
            field_key=stored.field_key,
            file=stored.file.name,
            name=stored.name,
            kind=stored.kind,
            size=stored.size,
            uploaded_by=stored.uploaded_by,
            uploaded_at=stored.uploaded_at,
        )


@transaction.atomic
def application_set_state(
    *, application: Application, state: str, actor: Actor, note: str = ""
) -> Application:
    """Move an application along `TRANSITIONS` (staff decisions and withdrawal; submission
    is `application_submit`). The row is locked and its state read again, so two decisions
    sent at once cannot both pass (`IllegalTransition`).

    Side effects: CHANGES_REQUESTED records `note` as `staff_note`, reopens the answers for
    editing with the last revision's files, and notifies the company's members; one audit
    event with the state before and after."""
    if state == S.SUBMITTED:
        raise IllegalTransition(application.state, state)
    current = _locked(application)
    before = current.state
    if state not in TRANSITIONS[before]:
        raise IllegalTransition(before, state)
    current.state = state
    saved = ["state", "updated_at"]
    current.updated_at = timezone.now()
    if state == S.CHANGES_REQUESTED:
        current.staff_note = note
        saved.append("staff_note")
        _copy_files_to_draft(current, current.revisions.order_by("-number").first())
    current.save(update_fields=saved)
    _refresh(application, current, saved)
    audit_record(
        actor=actor,
        action="application.set_state",
        obj=current,
        before={"state": before},
        after={"state": state, **({"note": note} if note else {})},
    )
    if state == S.CHANGES_REQUESTED:
        notify(
            recipients=selectors.company_member_users({current.company_id}).get(
                current.company_id, []
            ),
            kind=CHANGES_REQUESTED,
            obj=current,
            params={"note": note},
            actor=actor,
        )
    return application


def application_withdraw(*, application: Application, actor: User) -> Application:
    """The company withdraws its application (draft, submitted or asked for changes)."""
    if not is_company_member(actor, application.company_id):
        raise PermissionDenied
    return application_set_state(application=application, state=S.WITHDRAWN, actor=actor)


def application_request_changes(*, application: Application, actor: User, note: str) -> Application:
    """Call staff ask the company to change a submitted application; `note` says what."""
    if not access.is_call_staff(actor, application.call):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError(_("Say what the company should change."))
    return application_set_state(
        application=application, state=S.CHANGES_REQUESTED, actor=actor, note=note.strip()
    )
