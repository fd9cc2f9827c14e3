"""Applying: start, drafts and their conflicts, files, submission at the deadline, frozen
revisions, withdrawal, requests for changes, the transition table and the audit trail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company, WatchlistEntry
from bitgoeul.notifications.models import Notification
from bitgoeul.programs.enums import ApplicationState, CallState, EligibilityKind, FieldKind
from bitgoeul.programs.models import (
    Application,
    ApplicationFile,
    ApplicationRevision,
    EligibilityRule,
)
from bitgoeul.programs.services import applications as services
from tests.conftest import World
from tests.programs.apps_setup import (
    ANSWERS,
    DEADLINE,
    PDF,
    frozen,
    open_call,
    profile,
    save,
    start,
    started,
    submitted,
)
from tests.programs.factories import FormFieldFactory

pytestmark = pytest.mark.django_db


# --- start -------------------------------------------------------------------------------------


def test_start_makes_one_draft_and_audits_it(world: World) -> None:
    call = open_call(world)
    application = start(call, profile(world), world.teammate)
    assert (application.state, application.version, application.created_by) == (
        ApplicationState.DRAFT,
        1,
        world.teammate,
    )
    event = AuditEvent.objects.get(action="application.start")
    assert (event.object_id, (event.after or {})["state"]) == (str(application.pk), "draft")


def test_start_twice_gives_the_existing_application(world: World) -> None:
    call = open_call(world)
    first = start(call, profile(world), world.owner)
    with pytest.raises(services.AlreadyApplied) as refused:
        start(call, profile(world), world.teammate)
    assert (refused.value.application.pk, Application.objects.count()) == (first.pk, 1)


def test_start_refused_to_a_member_of_another_company(world: World) -> None:
    with pytest.raises(PermissionDenied):
        start(open_call(world), profile(world), world.outsider)


@pytest.mark.parametrize("state", [CallState.DRAFT, CallState.REVIEW, CallState.CLOSED])
def test_start_refused_unless_the_call_is_published(world: World, state: str) -> None:
    with pytest.raises(services.CallNotOpen):
        start(open_call(world, state=state), profile(world), world.owner)


def test_start_refused_before_opening_and_after_closing(world: World) -> None:
    soon = open_call(world, opens_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(services.CallNotOpen):
        start(soon, profile(world), world.owner)
    gone = open_call(world, closes_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.CallNotOpen):
        start(gone, profile(world), world.owner)


def test_start_refused_with_the_eligibility_failures(world: World) -> None:
    call = open_call(world)
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.REGION, params={"provinces": ["부산"]}
    )
    with pytest.raises(services.NotEligible) as refused:
        start(call, profile(world), world.owner)
    assert [f.rule for f in refused.value.failures] == ["region"]
    assert Application.objects.count() == 0


# --- drafts ----------------------------------------------------------------------------------


def test_save_copies_the_fields_with_a_meaning(world: World) -> None:
    application = started(world)
    application.refresh_from_db()
    assert (
        application.title,
        application.summary,
        application.requested_amount,
        application.keywords,
        application.version,
        application.data["amount"],
    ) == (
        ANSWERS["title"],
        ANSWERS["summary"],
        50_000_000,
        ["컴퓨터 비전", "도로"],
        2,
        50_000_000,
    )


def test_save_keeps_answers_not_sent_and_clears_emptied_ones(world: World) -> None:
    application = started(world)
    save(application, world.owner, {"keywords": ""})
    application.refresh_from_db()
    assert (application.data.get("keywords"), application.data["title"], application.keywords) == (
        None,
        ANSWERS["title"],
        [],
    )


def test_save_with_an_older_version_is_a_conflict_naming_the_last_writer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = start(open_call(world), profile(world), world.owner)
    loaded = application.version
    at = dt.datetime(2026, 5, 1, 5, 7, 9, tzinfo=dt.UTC)  # 14:07:09 in Seoul
    with frozen(monkeypatch, at):
        services.application_save_draft(
            application=application,
            actor=world.teammate,
            data={"title": "팀원의 제목"},
            version=loaded,
        )
    with pytest.raises(services.VersionConflict) as conflict, translation.override("en"):
        services.application_save_draft(
            application=Application.objects.get(pk=application.pk),
            actor=world.owner,
            data={"title": "대표의 제목"},
            version=loaded,
        )
    assert (conflict.value.version, conflict.value.updated_by, conflict.value.updated_at) == (
        2,
        world.teammate.name or world.teammate.email,
        at,
    )
    with translation.override("en"):
        assert str(conflict.value) == (
            f"{world.teammate.name or world.teammate.email} saved this application at 14:07:09, "
            "after you opened it. Reload to see their changes; your last changes were not saved."
        )
    assert Application.objects.get(pk=application.pk).title == "팀원의 제목"


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        (FieldKind.SHORT_TEXT, "  한 줄  ", "한 줄"),
        (FieldKind.LONG_TEXT, "첫 줄\n둘째 줄", "첫 줄\n둘째 줄"),
        (FieldKind.NUMBER, "1,234", 1234),
        (FieldKind.NUMBER, "2.50", "2.5"),
        (FieldKind.MONEY, "3,000,000원", 3_000_000),
        (FieldKind.DATE, "2026-07-01", "2026-07-01"),
    ],
)
def test_save_stores_each_kind_in_its_form(
    world: World, kind: str, value: str, stored: object
) -> None:
    call = open_call(world)
    FormFieldFactory.create(call=call, key="extra", kind=kind)
    application = start(call, profile(world), world.owner)
    save(application, world.owner, {"extra": value})
    assert Application.objects.get(pk=application.pk).data == {"extra": stored}


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (FieldKind.SHORT_TEXT, "두\n줄", "Enter a single line."),
        (FieldKind.NUMBER, "열둘", "Enter a number."),
        (FieldKind.MONEY, "1.5", "Enter an amount in whole won, e.g. 50000000."),
        (FieldKind.MONEY, "-5", "Enter an amount of zero or more."),
        (FieldKind.DATE, "2026-13-01", "Enter a date as YYYY-MM-DD."),
        (FieldKind.CHOICE, "z", "Choose one of the options."),
    ],
)
def test_save_refuses_a_wrong_value_and_saves_nothing(
    world: World, kind: str, value: str, message: str
) -> None:
    call = open_call(world)
    FormFieldFactory.create(
        call=call, key="extra", kind=kind, options=[{"value": "a", "label": "가"}]
    )
    application = start(call, profile(world), world.owner)
    with pytest.raises(services.AnswersInvalid) as invalid, translation.override("en"):
        save(application, world.owner, {"extra": value, "title": "저장되면 안 됨"})
    assert invalid.value.errors == {"extra": message}
    assert (Application.objects.get(pk=application.pk).data, application.version) == ({}, 1)


def test_save_refuses_text_over_the_fields_limit(world: World) -> None:
    call = open_call(world)
    FormFieldFactory.create(call=call, key="extra", kind=FieldKind.SHORT_TEXT, max_length=5)
    application = start(call, profile(world), world.owner)
    with pytest.raises(services.AnswersInvalid) as invalid, translation.override("en"):
        save(application, world.owner, {"extra": "여섯 글자다"})
    assert invalid.value.errors == {"extra": "Enter at most 5 characters (now 6)."}


def test_rows_are_checked_per_column_and_empty_rows_dropped(world: World) -> None:
    call = open_call(world, rows=True)
    application = start(call, profile(world), world.owner)
    rows = [{"item": "인건비", "amount": "1,000"}, {"item": "", "amount": ""}]
    save(application, world.owner, {"budget": rows})
    assert Application.objects.get(pk=application.pk).data["budget"] == [
        {"item": "인건비", "amount": 1000}
    ]
    with pytest.raises(services.AnswersInvalid) as invalid, translation.override("en"):
        save(Application.objects.get(pk=application.pk), world.owner, {"budget": [{"amount": "x"}]})
    assert invalid.value.errors == {
        "budget": "Row 1, Amount: Enter an amount in whole won, e.g. 50000000."
    }


def test_requested_amount_above_the_maximum_award_is_refused(world: World) -> None:
    call = open_call(world, max_award=30_000_000)
    application = start(call, profile(world), world.owner)
    with pytest.raises(services.AnswersInvalid) as invalid, translation.override("en"):
        save(application, world.owner, {"amount": "30,000,001"})
    assert invalid.value.errors == {"amount": "The call awards at most 30,000,000 won."}
    save(application, world.owner, {"amount": "30,000,000"})
    assert Application.objects.get(pk=application.pk).requested_amount == 30_000_000


def test_a_submitted_application_cannot_be_saved(world: World) -> None:
    application = submitted(world)
    with pytest.raises(services.ApplicationError):
        save(application, world.owner, {"title": "바꾼 제목"})
    assert Application.objects.get(pk=application.pk).title == ANSWERS["title"]


# --- submission at the deadline -----------------------------------------------------------------


def test_submit_at_the_deadline_second_is_accepted(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = open_call(world, closes_at=DEADLINE)
    with frozen(monkeypatch, DEADLINE - dt.timedelta(minutes=5)):
        application = started(world, call)
    with frozen(monkeypatch, DEADLINE):
        revision = services.application_submit(application=application, actor=world.owner)
    assert (revision.number, revision.submitted_at, application.state) == (
        1,
        DEADLINE,
        ApplicationState.SUBMITTED,
    )


def test_submit_one_second_after_the_deadline_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = open_call(world, closes_at=DEADLINE)
    with frozen(monkeypatch, DEADLINE - dt.timedelta(minutes=5)):
        application = started(world, call)
    with (
        frozen(monkeypatch, DEADLINE + dt.timedelta(seconds=1)),
        pytest.raises(services.CallNotOpen) as refused,
        translation.override("en"),
    ):
        services.application_submit(application=application, actor=world.owner)
    assert str(refused.value) == (
        "The deadline (2026-07-01 03:00:00) has passed: the application was not submitted."
    )
    assert (
        Application.objects.get(pk=application.pk).state,
        ApplicationRevision.objects.count(),
    ) == (
        ApplicationState.DRAFT,
        0,
    )


def test_submit_needs_every_required_answer(world: World) -> None:
    application = start(open_call(world), profile(world), world.owner)
    save(application, world.owner, {"title": "제목만"})
    with pytest.raises(services.AnswersInvalid) as invalid:
        services.application_submit(application=application, actor=world.owner)
    assert sorted(invalid.value.errors) == ["amount", "summary"]


def test_submit_rechecks_eligibility(world: World) -> None:
    call = open_call(world)
    application = started(world, call)
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.MAX_EMPLOYEES, params={"count": 3}
    )
    with pytest.raises(services.NotEligible):
        services.application_submit(application=application, actor=world.owner)


def test_submission_freezes_a_revision_that_later_saves_do_not_change(world: World) -> None:
    application = submitted(world)
    services.application_request_changes(
        application=application, actor=world.operator, note="요약 보완"
    )
    save(Application.objects.get(pk=application.pk), world.owner, {"summary": "보완한 요약"})
    revision = ApplicationRevision.objects.get(application=application, number=1)
    assert (revision.data["summary"], revision.summary, revision.submitted_by) == (
        ANSWERS["summary"],
        ANSWERS["summary"],
        world.owner,
    )


def test_submit_is_audited_with_the_state_before_and_notifies_staff(world: World) -> None:
    submitted(world)
    event = AuditEvent.objects.get(action="application.submit")
    assert (event.before, event.after) == (
        {"state": "draft"},
        {"state": "submitted", "revision": 1},
    )
    assert list(
        Notification.objects.filter(kind="programs.application_submitted").values_list(
            "recipient", flat=True
        )
    ) == [world.operator.pk]


def test_submit_twice_is_an_illegal_transition(world: World) -> None:
    application = submitted(world)
    with pytest.raises(services.IllegalTransition):
        services.application_submit(application=application, actor=world.owner)
    assert ApplicationRevision.objects.count() == 1


# --- files -------------------------------------------------------------------------------------


def _upload(
    application: Application, world: World, content: bytes = PDF, name: str = "계획서.pdf"
) -> ApplicationFile:
    return services.application_file_add(
        application=application,
        actor=world.owner,
        field_key="plan",
        stream=io.BytesIO(content),
        name=name,
        size=len(content),
    )


def test_file_checked_by_content(world: World) -> None:
    application = started(world, open_call(world, files=True))
    with pytest.raises(ValidationError):
        _upload(application, world, content=b"not a pdf at all", name="가짜.pdf")
    stored = _upload(application, world)
    assert (stored.kind, stored.revision_id, stored.name) == ("pdf", None, "계획서.pdf")


def test_required_file_is_needed_to_submit_and_is_attached_to_the_revision(world: World) -> None:
    application = started(world, open_call(world, files=True))
    with pytest.raises(services.AnswersInvalid) as invalid:
        services.application_submit(application=application, actor=world.owner)
    assert list(invalid.value.errors) == ["plan"]
    stored = _upload(application, world)
    revision = services.application_submit(application=application, actor=world.owner)
    assert list(revision.files.values_list("pk", flat=True)) == [stored.pk]


def test_a_new_file_replaces_the_drafts_file(world: World) -> None:
    application = started(world, open_call(world, files=True))
    _upload(application, world, name="old.pdf")
    _upload(application, world, name="new.pdf")
    assert list(ApplicationFile.objects.values_list("name", flat=True)) == ["new.pdf"]


def test_changes_start_from_the_revisions_files_and_replacing_keeps_the_revisions(
    world: World,
) -> None:
    application = started(world, open_call(world, files=True))
    first = _upload(application, world, name="v1.pdf")
    services.application_submit(application=application, actor=world.owner)
    services.application_request_changes(
        application=application, actor=world.operator, note="파일 교체"
    )
    draft_files = ApplicationFile.objects.filter(application=application, revision=None)
    assert list(draft_files.values_list("name", flat=True)) == ["v1.pdf"]
    _upload(Application.objects.get(pk=application.pk), world, name="v2.pdf")
    revision2 = services.application_submit(application=application, actor=world.owner)
    first.refresh_from_db()
    assert (first.file.storage.exists(first.file.name or ""), first.revision_id) == (
        True,
        first.revision_id,
    )
    assert list(revision2.files.values_list("name", flat=True)) == ["v2.pdf"]


# --- changes, withdrawal, transitions ----------------------------------------------------------


def test_request_changes_then_resubmit_after_the_deadline_makes_revision_2(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = open_call(world, closes_at=DEADLINE)
    with frozen(monkeypatch, DEADLINE - dt.timedelta(days=1)):
        application = submitted(world, call)
    later = DEADLINE + dt.timedelta(days=3)
    with frozen(monkeypatch, later):
        services.application_request_changes(
            application=application, actor=world.operator, note="예산표를 보완해 주세요."
        )
        assert (application.state, application.staff_note) == (
            ApplicationState.CHANGES_REQUESTED,
            "예산표를 보완해 주세요.",
        )
        save(Application.objects.get(pk=application.pk), world.owner, {"summary": "보완"})
        revision = services.application_submit(application=application, actor=world.owner)
    assert (revision.number, revision.summary, application.state) == (
        2,
        "보완",
        ApplicationState.SUBMITTED,
    )


def test_request_changes_notifies_the_company_members(world: World) -> None:
    application = submitted(world)
    services.application_request_changes(application=application, actor=world.operator, note="보완")
    recipients = set(
        Notification.objects.filter(kind="programs.changes_requested").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {world.owner.pk, world.teammate.pk}


def test_request_changes_needs_a_note(world: World) -> None:
    with pytest.raises(ValidationError):
        services.application_request_changes(
            application=submitted(world), actor=world.operator, note="  "
        )


def test_request_changes_on_a_draft_is_illegal(world: World) -> None:
    with pytest.raises(services.IllegalTransition):
        services.application_request_changes(
            application=started(world), actor=world.operator, note="보완"
        )


def test_withdraw_by_a_member_is_audited_and_final(world: World) -> None:
    application = submitted(world)
    services.application_withdraw(application=application, actor=world.teammate)
    event = AuditEvent.objects.get(action="application.set_state")
    assert (application.state, event.before, event.after) == (
        ApplicationState.WITHDRAWN,
        {"state": "submitted"},
        {"state": "withdrawn"},
    )
    with pytest.raises(services.IllegalTransition):
        services.application_withdraw(application=application, actor=world.teammate)


def test_withdraw_refused_to_another_company(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=submitted(world), actor=world.outsider)


def test_set_state_reads_the_state_from_the_locked_row(world: World) -> None:
    """A stale instance (still "submitted" in memory) cannot move a withdrawn application."""
    application = submitted(world)
    stale = Application.objects.get(pk=application.pk)
    services.application_withdraw(application=application, actor=world.owner)
    with pytest.raises(services.IllegalTransition) as refused:
        services.application_set_state(
            application=stale, state=ApplicationState.SELECTED, actor=None
        )
    assert (refused.value.current, refused.value.wanted) == ("withdrawn", "selected")


def test_every_state_has_a_row_in_the_transition_table() -> None:
    assert sorted(services.TRANSITIONS) == sorted(ApplicationState.values)


def test_only_members_save_upload_and_submit(world: World) -> None:
    application = started(world, open_call(world, files=True))
    with pytest.raises(PermissionDenied):
        save(application, world.operator, {"title": "담당자가 고친 제목"})
    with pytest.raises(PermissionDenied):
        services.application_file_add(
            application=application,
            actor=world.outsider,
            field_key="plan",
            stream=io.BytesIO(PDF),
            name="x.pdf",
            size=len(PDF),
        )
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, actor=world.outsider)
    assert (
        Application.objects.get(pk=application.pk).state,
        ApplicationFile.objects.count(),
    ) == (ApplicationState.DRAFT, 0)


def test_first_submission_tells_the_companys_watchers_once(world: World) -> None:
    application = started(world)
    WatchlistEntry.objects.create(user=world.chapter_staff, company_id=application.company_id)
    # the chapter sees what the notice reveals only while the company shares with it
    Company.objects.filter(pk=application.company_id).update(chapter_consent_at=timezone.now())
    services.application_submit(application=application, actor=world.owner)
    services.application_request_changes(application=application, actor=world.operator, note="보완")
    services.application_submit(application=application, actor=world.owner)
    notices = Notification.objects.filter(kind="companies.applied")
    assert [(n.recipient_id, n.params) for n in notices] == [
        (world.chapter_staff.pk, {"what": application.call.title})
    ]


def test_only_call_staff_ask_for_changes(world: World) -> None:
    application = submitted(world)
    with pytest.raises(PermissionDenied):
        services.application_request_changes(
            application=application, actor=world.chapter_staff, note="보완"
        )
    assert Application.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED
