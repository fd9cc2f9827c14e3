"""The staff pages of calls: who may create and edit, the call form (money, dates in Seoul),
the builder's parts, publishing, attachments checked by content, the home section and menu."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from bitgoeul.programs.enums import CallState
from bitgoeul.programs.files import MAX_DOCUMENT_BYTES
from bitgoeul.programs.models import Call, CallAttachment, EligibilityRule, FormField
from tests.conftest import World
from tests.programs.calls_helpers import (
    chapter_draft,
    docx_bytes,
    hwp_bytes,
    hwpx_bytes,
    pdf_bytes,
    seoul,
    word97_bytes,
    xlsx_bytes,
)
from tests.programs.factories import CallFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client: Client) -> Iterator[None]:
    """Pages in English, so the messages below read as written (Korean: test_calls_korean)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _call_data(world: World, **overrides: object) -> dict[str, object]:
    return {
        "title": "2027 AI 실증 지원사업",
        "title_en": "AI demonstration support 2027",
        "body": "광주 AI 기업의 실증을 지원합니다.",
        "organizer": world.chapter.pk,
        "budget": "300,000,000",
        "max_award": "50,000,000 원",
        "opens_at": "2027-01-05T09:00",
        "closes_at": "2027-01-31T18:00",
        **overrides,
    }


def test_chapter_staff_create_a_draft_with_amounts_and_seoul_times(
    client: Client, world: World
) -> None:
    client.force_login(world.chapter_staff)
    response = client.post("/calls/new/", _call_data(world, co_organizers=[world.operator_org.pk]))
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/calls/{call.pk}/manage/"
    assert (call.state, call.organizer, call.budget, call.max_award) == (
        CallState.DRAFT,
        world.chapter,
        300_000_000,
        50_000_000,
    )
    assert call.closes_at == seoul(2027, 1, 31, 18)
    assert list(call.co_organizers.all()) == [world.operator_org]


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("300000000.5", "Enter the amount in whole won, with digits only (no decimals)."),
        ("-5", "Enter an amount of 0 won or more."),
        ("삼억", "Enter the amount in whole won, with digits only (no decimals)."),
    ],
)
def test_call_form_refuses_amounts_that_are_not_whole_won(
    client: Client, world: World, budget: str, message: str
) -> None:
    client.force_login(world.operator)
    response = client.post("/calls/new/", _call_data(world, budget=budget))
    assert response.status_code == 200
    assert response.context["form"].errors["budget"] == [message]
    assert Call.objects.count() == 0


def test_chapter_staff_may_not_organise_for_another_chapter(client: Client, world: World) -> None:
    client.force_login(world.chapter_staff)
    response = client.post("/calls/new/", _call_data(world, organizer=world.other_chapter.pk))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organizer"]
    assert Call.objects.count() == 0


def test_operator_may_organise_for_any_organisation(client: Client, world: World) -> None:
    client.force_login(world.operator)
    client.post("/calls/new/", _call_data(world, organizer=world.other_chapter.pk))
    assert Call.objects.get().organizer == world.other_chapter


def test_company_members_and_reviewers_may_not_create(client: Client, world: World) -> None:
    for user in (world.owner, world.reviewer):
        client.force_login(user)
        assert client.post("/calls/new/", _call_data(world)).status_code == 403
    assert Call.objects.count() == 0


def test_edit_changes_the_call_and_keeps_the_organiser(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    data = _call_data(world, title="바뀐 제목", budget="400000000", max_award="100000000")
    response = client.post(f"/calls/{call.pk}/edit/", data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.title, call.budget) == ("바뀐 제목", 400_000_000)


def test_staff_of_a_co_organiser_may_edit_but_not_others(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.operator_org, state=CallState.DRAFT)
    client.force_login(world.chapter_staff)
    assert client.get(f"/calls/{call.pk}/edit/").status_code == 404
    call.co_organizers.add(world.chapter)
    assert client.get(f"/calls/{call.pk}/edit/").status_code == 200


def test_builder_adds_each_part_and_publishes(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.chapter, state=CallState.DRAFT, published_at=None)
    client.force_login(world.chapter_staff)
    manage = f"/calls/{call.pk}/manage/"
    assert client.get(manage).context["problems"] == [
        "Add at least one evaluation stage.",
        "Add at least one field to the application form.",
    ]
    client.post(
        f"/calls/{call.pk}/stages/add/",
        {"stage-name": "서면평가", "stage-reviewers_per_application": 3},
    )
    stage = call.stages.get()
    for name, weight in (("기술성", 70), ("사업성", 30)):
        client.post(
            f"/calls/{call.pk}/stages/{stage.pk}/criteria/add/",
            {
                f"c{stage.pk}-name": name,
                f"c{stage.pk}-weight": weight,
                f"c{stage.pk}-max_score": 10,
            },
        )
    client.post(
        f"/calls/{call.pk}/rules/add/",
        {"rule-kind": "region", "rule-provinces": ["gwangju", "jeonnam"]},
    )
    client.post(
        f"/calls/{call.pk}/fields/add/",
        {
            "field-label": "지원 분야",
            "field-key": "area",
            "field-kind": "choice",
            "field-required": "on",
            "field-options": "vision | 비전 | Vision\nnlp | 자연어 | NLP",
        },
    )
    client.post(
        f"/calls/{call.pk}/fields/add/",
        {
            "field-label": "예산 계획",
            "field-key": "budget_lines",
            "field-kind": "rows",
            "field-columns": "item | 항목 | Item | short_text\namount | 금액 | Amount | 금액(원)",
        },
    )
    assert [c.weight for c in stage.criteria.all()] == [70, 30]
    assert EligibilityRule.objects.get(call=call).params == {"provinces": ["gwangju", "jeonnam"]}
    area = FormField.objects.get(call=call, key="area")
    assert (area.required, area.options) == (
        True,
        [
            {"value": "vision", "label": "비전", "label_en": "Vision"},
            {"value": "nlp", "label": "자연어", "label_en": "NLP"},
        ],
    )
    assert FormField.objects.get(key="budget_lines").columns[1] == {
        "key": "amount",
        "label": "금액",
        "label_en": "Amount",
        "kind": "money",
    }
    response = client.post(f"/calls/{call.pk}/state/", {"state": "published"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.state == CallState.PUBLISHED


def test_publishing_an_incomplete_call_says_what_is_missing(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.chapter, state=CallState.DRAFT, published_at=None)
    StageFactory.create(call=call, name="서면평가")
    client.force_login(world.chapter_staff)
    response = client.post(f"/calls/{call.pk}/state/", {"state": "published"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Add at least one criterion to the stage “서면평가”.",
        "Add at least one field to the application form.",
    ]
    call.refresh_from_db()
    assert call.state == CallState.DRAFT


def test_invalid_part_shows_the_builder_with_the_error(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    response = client.post(
        f"/calls/{call.pk}/fields/add/",
        {
            "field-label": "과제명 2",
            "field-key": "title2",
            "field-kind": "short_text",
            "field-meaning": "title",
        },
    )
    assert response.status_code == 200
    assert response.context["field_form"].errors == {
        "meaning": ["Another field of this form has this meaning."]
    }


def test_moving_stages_and_fields(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    second = StageFactory.create(call=call, order=2, name="발표평가")
    client.force_login(world.operator)
    client.post(f"/calls/{call.pk}/stages/{second.pk}/move/", {"direction": "up"})
    assert list(call.stages.values_list("name", flat=True)) == ["발표평가", "서면평가"]
    keywords = call.form_fields.get(key="keywords")
    client.post(f"/calls/{call.pk}/fields/{keywords.pk}/move/", {"direction": "up"})
    assert list(call.form_fields.values_list("key", flat=True)) == [
        "title",
        "summary",
        "keywords",
        "amount",
    ]


def test_rule_edit_keeps_its_kind(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    rule = EligibilityRule.objects.create(call=call, kind="max_age_years", params={"years": 7})
    client.force_login(world.operator)
    client.post(
        f"/calls/{call.pk}/rules/{rule.pk}/", {"kind": "min_employees", "years": 5, "count": 3}
    )
    rule.refresh_from_db()
    assert (rule.kind, rule.params) == ("max_age_years", {"years": 5})


def test_structure_is_read_only_once_published(client: Client, world: World) -> None:
    call = CallFactory.create(organizer=world.chapter)
    field_count = call.form_fields.count()
    client.force_login(world.chapter_staff)
    page = client.get(f"/calls/{call.pk}/manage/")
    assert (page.context["can_edit_structure"], page.context["can_edit_notice"]) == (False, True)
    response = client.post(
        f"/calls/{call.pk}/fields/add/",
        {"field-label": "질문", "field-key": "q", "field-kind": "short_text"},
    )
    assert response.status_code == 200
    assert response.context["field_form"].non_field_errors() == [
        "This call is Open for applications: this part of it can no longer change."
    ]
    assert call.form_fields.count() == field_count


# --- attachments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("공고문.pdf", pdf_bytes(), "pdf"),
        ("사업계획서.docx", docx_bytes(), "docx"),
        ("예산표.xlsx", xlsx_bytes(), "xlsx"),
        ("신청서.hwp", hwp_bytes(), "hwp"),
        ("신청서.hwpx", hwpx_bytes(), "hwpx"),
    ],
)
def test_attachment_of_each_kind_is_accepted_by_content(
    client: Client, world: World, name: str, content: bytes, kind: str
) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    response = client.post(
        f"/calls/{call.pk}/attachments/add/", {"attachment-file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302
    attachment = CallAttachment.objects.get(call=call)
    assert (attachment.name, attachment.kind, attachment.size) == (name, kind, len(content))
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "가짜.pdf",
            b"MZ\x90\x00 this is a program, not a PDF",
            "가짜.pdf is not a real PDF file (its content does not match its name). "
            "Save it again as PDF and upload it.",
        ),
        (
            "워드.hwp",
            word97_bytes(),
            "워드.hwp is not a real HWP file (its content does not match its name). "
            "Save it again as HWP and upload it.",
        ),
        (
            "문서.docx",
            xlsx_bytes(),
            "문서.docx is not a real DOCX file (its content does not match its name). "
            "Save it again as DOCX and upload it.",
        ),
        (
            "실행.exe",
            b"MZ",
            "실행.exe is not an accepted kind of file. Upload one of: PDF, HWP, HWPX, DOCX, XLSX.",
        ),
    ],
)
def test_attachment_whose_content_is_not_its_kind_is_refused(
    client: Client, world: World, name: str, content: bytes, message: str
) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    response = client.post(
        f"/calls/{call.pk}/attachments/add/", {"attachment-file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert response.context["attachment_form"].non_field_errors() == [message]
    assert CallAttachment.objects.count() == 0


def test_too_large_attachment_is_refused(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    big = pdf_bytes() + b"\0" * (MAX_DOCUMENT_BYTES + 1 - len(pdf_bytes()))
    response = client.post(
        f"/calls/{call.pk}/attachments/add/", {"attachment-file": SimpleUploadedFile("큰.pdf", big)}
    )
    assert response.context["attachment_form"].non_field_errors() == [
        "큰.pdf is larger than 20 MB. Upload a smaller file."
    ]
    assert CallAttachment.objects.count() == 0


def test_attachment_remove_deletes_the_file(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    client.post(
        f"/calls/{call.pk}/attachments/add/",
        {"attachment-file": SimpleUploadedFile("a.pdf", pdf_bytes())},
    )
    attachment = CallAttachment.objects.get()
    storage, path = attachment.file.storage, str(attachment.file.name)
    assert storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/calls/{call.pk}/attachments/{attachment.pk}/remove/")
    assert (CallAttachment.objects.count(), storage.exists(path)) == (0, False)


# --- staff list, home, menu --------------------------------------------------------------------


def test_staff_list_shows_only_the_users_calls_with_counts(client: Client, world: World) -> None:
    from tests.programs.factories import ApplicationFactory

    own = chapter_draft(world.chapter)
    ApplicationFactory.create(call=own)
    ApplicationFactory.create(call=own, state="draft")
    CallFactory.create(organizer=world.other_chapter, title="부산 공고")
    client.force_login(world.chapter_staff)
    calls = client.get("/calls/manage/").context["calls"]
    assert [(c.pk, c.submitted, c.drafts) for c in calls] == [(own.pk, 1, 1)]


def test_home_shows_call_staff_their_calls(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    page = client.get("/").content.decode()
    assert f'href="/calls/{call.pk}/manage/"' in page
    client.force_login(world.owner)
    assert f'href="/calls/{call.pk}/manage/"' not in client.get("/").content.decode()


def test_menu_has_calls_for_everyone_and_manage_for_openers(client: Client, world: World) -> None:
    from bitgoeul.programs.navigation import nav_items

    assert nav_items(None) == [("Calls", "/calls/")]
    assert nav_items(world.chapter_staff) == [
        ("Calls", "/calls/"),
        ("Manage calls", "/calls/manage/"),
    ]
    assert nav_items(world.owner) == [("Calls", "/calls/")]


def test_the_staff_side_of_programmes_is_one_menu_item_leading_to_the_rest(
    client: Client, world: World
) -> None:
    """The menu stays on one line at 1366 px: those who open calls get "Manage calls" only,
    and that page leads to the reviewer pool and to the agreements."""
    client.force_login(world.operator)
    page = client.get("/calls/manage/").content.decode()
    menu = page[page.index("<nav") : page.index("</nav>")]
    assert 'href="/calls/manage/"' in menu
    assert 'href="/programs/reviewers/"' not in menu and 'href="/awards/manage/"' not in menu
    assert 'href="/programs/reviewers/"' in page and 'href="/awards/manage/"' in page


def test_staff_list_queries_do_not_grow(
    client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    chapter_draft(world.chapter)
    client.force_login(world.operator)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        client.get("/calls/manage/")
    for _ in range(10):
        CallFactory.create(closes_at=timezone.now() + dt.timedelta(days=3))
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        client.get("/calls/manage/")


def test_audit_page_words_call_events(client: Client, world: World) -> None:
    call = chapter_draft(world.chapter)
    client.force_login(world.chapter_staff)
    client.post(f"/calls/{call.pk}/rules/add/", {"rule-kind": "max_age_years", "rule-years": 5})
    client.force_login(world.operator)
    page = client.get("/audit/").content.decode()
    assert "added an eligibility rule to the call" in page
    assert "Company age" in page  # the rule's kind by its name, not max_age_years
    assert "max_age_years" not in page
