"""Pages of events: the form (schedule in Asia/Seoul, the questions' list editor), the list's
filters and query budget, registration with the company chooser, the QR codes, the door's
check-in, the attendance export and materials."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bitgoeul.promotion.enums import CoHostState, EventState, RegistrationState
from bitgoeul.promotion.models import Event, EventMaterial, Registration
from bitgoeul.promotion.services.registrations import registration_create
from tests.conftest import World
from tests.demonstrations.factories import PDF, PNG
from tests.factories import MembershipFactory
from tests.promotion.events_helpers import cohost, company_profile, make_event

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "briefing",
        "topic": "funding",
        "title": "2027 인공지능 지원사업 설명회",
        "starts_at": "2027-03-05T14:00",
        "ends_at": "2027-03-05T16:00",
        "venue": "광주 인공지능 데이터센터",
        "capacity": "80",
        "audience": "public",
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "10",
        "questions-0-label": "관심 있는 지원사업",
        "questions-0-required": "on",
        "questions-1-label": "",
        "questions-2-label": "식사 여부",
    }
    data.update(overrides)
    return data


def test_the_form_takes_korea_time_and_the_questions(world: World, client: Client) -> None:
    client.force_login(world.operator)
    response = client.post(reverse("promotion:event_create"), _form_data())
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.starts_at, event.state, event.organizer_id) == (
        dt.datetime(2027, 3, 5, 5, 0, tzinfo=dt.UTC),
        EventState.DRAFT,
        world.operator_org.pk,
    )
    assert event.questions == [
        {"key": "q1", "label": "관심 있는 지원사업", "required": True},
        {"key": "q2", "label": "식사 여부", "required": False},
    ]


def test_editing_keeps_the_questions_keys(world: World, client: Client) -> None:
    event = make_event(
        world.operator_org,
        questions=[
            {"key": "q1", "label": "가", "required": False},
            {"key": "q2", "label": "나", "required": False},
        ],
    )
    client.force_login(world.operator)
    page = client.get(reverse("promotion:event_edit", args=[event.pk]))
    assert 'value="q2"' in page.content.decode()
    data = _form_data(
        **{
            "questions-TOTAL_FORMS": "2",
            "questions-0-key": "q2",
            "questions-0-label": "나",
            "questions-0-required": "",
            "questions-1-key": "",
            "questions-1-label": "다",
            "questions-2-label": "",
        }
    )
    response = client.post(reverse("promotion:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert [q["key"] for q in event.questions] == ["q2", "q1"]


def test_the_form_says_what_to_fix(world: World, client: Client) -> None:
    client.force_login(world.operator)
    response = client.post(
        reverse("promotion:event_create"),
        _form_data(ends_at="2027-03-05T13:00", venue="", audience="chapter"),
    )
    errors = response.context["form"].errors
    assert (response.status_code, sorted(errors)) == (200, ["audience_chapter", "ends_at", "venue"])
    assert Event.objects.count() == 0


def test_the_list_filters_by_organiser_including_co_hosts(world: World, client: Client) -> None:
    city = make_event(world.operator_org, title="시 설명회")
    shared = make_event(world.operator_org, title="공동 설명회")
    cohost(shared, world.chapter)
    invited = make_event(world.operator_org, title="초대만 받은 행사")
    cohost(invited, world.chapter, CoHostState.INVITED)
    chapter = make_event(world.chapter, title="지회 교육", kind="training")
    response = client.get(reverse("promotion:event_list"), {"organization": world.chapter.pk})
    titles = [event.title for event, _, _ in response.context["rows"]]
    assert sorted(titles) == sorted([shared.title, chapter.title])
    response = client.get(reverse("promotion:event_list"), {"kind": "training"})
    assert [event.title for event, _, _ in response.context["rows"]] == [chapter.title]
    assert city.title not in titles


def test_the_list_hides_drafts_and_other_chapters_events(world: World, client: Client) -> None:
    make_event(world.operator_org, title="초안", state=EventState.DRAFT)
    make_event(
        world.chapter,
        title="광주전남 회원사 교육",
        audience="chapter",
        audience_chapter=world.chapter,
    )
    client.force_login(world.outsider)  # a company of the Busan chapter
    response = client.get(reverse("promotion:event_list"))
    assert response.context["rows"] == []
    client.force_login(world.owner)  # a company of the Gwangju-Jeonnam chapter
    response = client.get(reverse("promotion:event_list"))
    assert [event.title for event, _, _ in response.context["rows"]] == ["광주전남 회원사 교육"]


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_makes_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    for n in range(count):
        event = make_event(world.operator_org, title=f"행사 {n}", capacity=10)
        cohost(event, world.chapter)
    client.force_login(world.owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("promotion:event_list"))
    assert len(response.context["rows"]) == count


def test_the_online_link_shows_to_registrants_only(world: World, client: Client) -> None:
    event = make_event(world.operator_org)
    client.force_login(world.owner)
    url = reverse("promotion:event_detail", args=[event.pk])
    assert "meet.example.kr" not in client.get(url).content.decode()
    registration_create(event=event, user=world.owner, actor=world.owner)
    assert "meet.example.kr" in client.get(url).content.decode()


def test_a_member_of_two_companies_chooses_one(world: World, client: Client) -> None:
    event = make_event(world.operator_org)
    MembershipFactory.create(user=world.owner, organization=world.other_company)
    company_profile(world.company)
    other = company_profile(world.other_company)
    client.force_login(world.owner)
    url = reverse("promotion:event_register", args=[event.pk])
    response = client.post(url, {})
    assert list(response.context["form"].errors) == ["company"]
    response = client.post(url, {"company": other.pk})
    assert response.status_code == 302
    assert Registration.objects.get(event=event).company_id == other.pk


def test_my_registrations_show_a_qr_code(world: World, client: Client) -> None:
    event = make_event(world.operator_org)
    registration = registration_create(event=event, user=world.owner, actor=world.owner)
    client.force_login(world.owner)
    page = client.get(reverse("promotion:my_registrations")).content.decode()
    assert (page.count("<svg"), registration.token in page) == (1, True)


def test_checking_in_at_the_door(world: World, client: Client) -> None:
    event = make_event(world.operator_org)
    other = make_event(world.operator_org, title="다른 행사")
    registration = registration_create(event=event, user=world.owner, actor=world.owner)
    elsewhere = registration_create(event=other, user=world.teammate, actor=world.teammate)
    client.force_login(world.operator)
    url = reverse("promotion:event_check_in", args=[event.pk])
    ok = client.post(url, {"code": registration.token})
    wrong = client.post(url, {"code": elsewhere.token})
    assert (ok.status_code, ok.context["result"]["ok"]) == (200, True)
    assert (wrong.status_code, wrong.context["result"]["text"]) == (
        422,
        "이 코드는 다른 행사의 참가 신청입니다.",
    )
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None


def test_the_attendance_export_lists_everyone_with_answers(world: World, client: Client) -> None:
    event = make_event(
        world.operator_org,
        capacity=1,
        questions=[{"key": "q1", "label": "관심 분야", "required": False}],
    )
    first = registration_create(
        event=event, user=world.owner, answers={"q1": "=HYPERLINK(1)"}, actor=world.owner
    )
    registration_create(event=event, user=world.teammate, actor=world.teammate)
    first.checked_in_at = timezone.now()
    first.save()
    client.force_login(world.operator)
    response = client.get(reverse("promotion:event_attendance_xlsx", args=[event.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == [
        "이름",
        "이메일",
        "기업",
        "상태",
        "신청 시각",
        "입장 확인 시각",
        "관심 분야",
    ]
    assert [(row[1], row[3], row[6]) for row in rows[1:]] == [
        (world.owner.email, "신청 완료", "'=HYPERLINK(1)"),
        (world.teammate.email, "대기 중", None),  # an empty cell reads back as None
    ]
    assert (rows[1][5] is not None, rows[2][5]) == (True, None)


def _pptx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("slides.pdf", PDF, True),
        ("photo.png", PNG, True),
        ("deck.pptx", _pptx(), True),
        ("slides.pdf", PNG, False),  # a photo named as a PDF
        ("deck.pptx", b"PK\x03\x04broken", False),
        ("run.exe", b"MZ\x90\x00", False),
    ],
)
def test_materials_are_checked_by_content(
    world: World, client: Client, name: str, content: bytes, accepted: bool
) -> None:
    event = make_event(world.operator_org)
    client.force_login(world.operator)
    client.post(
        reverse("promotion:material_add", args=[event.pk]),
        {"kind": "slides", "title": "발표 자료", "file": SimpleUploadedFile(name, content)},
    )
    assert EventMaterial.objects.filter(event=event).count() == (1 if accepted else 0)


def test_a_material_of_a_draft_is_not_served_to_the_public(world: World, client: Client) -> None:
    event = make_event(world.operator_org, state=EventState.DRAFT)
    client.force_login(world.operator)
    client.post(
        reverse("promotion:material_add", args=[event.pk]),
        {"kind": "slides", "title": "발표 자료", "file": SimpleUploadedFile("s.pdf", PDF)},
    )
    material = EventMaterial.objects.get()
    assert client.get(reverse("promotion:material_file", args=[material.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("promotion:material_file", args=[material.pk])).status_code == 404


def test_the_registrant_cancels_and_the_waitlist_moves(world: World, client: Client) -> None:
    event = make_event(world.operator_org, capacity=1)
    held = registration_create(event=event, user=world.owner, actor=world.owner)
    registration_create(event=event, user=world.teammate, actor=world.teammate)
    client.force_login(world.owner)
    client.post(reverse("promotion:registration_cancel", args=[held.pk]))
    assert dict(Registration.objects.values_list("user_id", "state")) == {
        world.owner.pk: RegistrationState.CANCELLED,
        world.teammate.pk: RegistrationState.CONFIRMED,
    }


def test_uploaded_photos_show_as_pictures_with_their_title(world: World, client: Client) -> None:
    event = make_event(world.operator_org)
    client.force_login(world.operator)
    for name, content in (("p.png", PNG), ("s.pdf", PDF)):
        client.post(
            reverse("promotion:material_add", args=[event.pk]),
            {"kind": "photo", "title": f"현장 {name}", "file": SimpleUploadedFile(name, content)},
        )
    page = client.get(reverse("promotion:event_detail", args=[event.pk])).content.decode()
    assert re.findall(r'<img src="[^"]+" alt="([^"]+)"', page) == ["현장 p.png"]


@pytest.mark.parametrize("count", [1, 8])
def test_my_registrations_make_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    for n in range(count):
        event = make_event(world.operator_org, title=f"행사 {n}")
        registration_create(event=event, user=world.owner, actor=world.owner)
    client.force_login(world.owner)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("promotion:my_registrations"))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("role", ["anonymous", "owner", "operator"])
def test_the_event_page_makes_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, role: str
) -> None:
    event = make_event(world.operator_org, capacity=5)
    cohost(event, world.chapter)
    registration_create(event=event, user=world.owner, actor=world.owner)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("promotion:event_detail", args=[event.pk]))
    assert response.status_code == 200


def test_drafts_are_listed_apart_for_hosts_and_the_invited(world: World, client: Client) -> None:
    draft = make_event(world.operator_org, title="준비 중인 행사", state=EventState.DRAFT)
    cohost(draft, world.chapter, CoHostState.INVITED)
    client.force_login(world.chapter_staff)
    response = client.get(reverse("promotion:event_list"))
    assert (
        response.context["rows"],
        [cohost.event.title for cohost in response.context["invitations"]],
    ) == ([], ["준비 중인 행사"])
    client.force_login(world.operator)
    response = client.get(reverse("promotion:event_list"))
    assert (response.context["rows"], [e.title for e in response.context["managed"]]) == (
        [],
        ["준비 중인 행사"],
    )
