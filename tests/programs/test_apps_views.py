"""Pages of the applications area: apply, the form (autosave, conflicts, countdown), submit,
the submitted view, the staff list (filters, sort, pages, export) and who gets what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.companies.models import Company
from bitgoeul.programs.enums import ApplicationState, EligibilityKind
from bitgoeul.programs.models import Application, ApplicationRevision, Call, EligibilityRule
from bitgoeul.programs.services import applications as services
from tests.conftest import World
from tests.factories import MembershipFactory
from tests.programs.apps_setup import ANSWERS, PDF, open_call, profile, started, submitted
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_start_page_shows_the_failures_with_a_link_to_the_profile(
    world: World, client: Client
) -> None:
    call = open_call(world)
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.REGION, params={"provinces": ["부산"]}
    )
    profile(world)
    login(client, world.owner)
    page = client.get(reverse("programs:application_start", args=[call.pk])).content.decode()
    assert "이 공고는 부산 기업만 신청할 수 있습니다. 등록된 기업 소재지는 광주입니다." in page
    assert reverse("companies:edit", args=[world.company.pk]) in page
    assert "신청서 작성 시작" not in page


def test_start_button_makes_the_draft_and_opens_the_form(world: World, client: Client) -> None:
    call = open_call(world)
    profile(world)
    login(client, world.teammate)
    response = client.post(reverse("programs:application_start", args=[call.pk]))
    application = Application.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("programs:application_edit", args=[application.pk]),
    )
    again = client.get(reverse("programs:application_start", args=[call.pk]))
    assert again["Location"] == reverse("programs:application_edit", args=[application.pk])


def test_start_refused_to_someone_without_a_company(world: World, client: Client) -> None:
    login(client, world.operator)
    response = client.get(reverse("programs:application_start", args=[open_call(world).pk]))
    assert response.status_code == 403


def test_form_shows_the_fields_the_countdown_and_the_server_time(
    world: World, client: Client
) -> None:
    application = started(world, open_call(world, rows=True, files=True))
    login(client, world.owner)
    page = client.get(reverse("programs:application_edit", args=[application.pk])).content.decode()
    assert 'name="title"' in page and 'name="budget-0-item"' in page and 'name="file-plan"' in page
    assert "data-countdown" in page and "data-server-now=" in page
    assert f'value="{application.version}"' in page
    assert "50,000,000" in page


def test_autosave_answers_saved_with_the_time_and_the_new_version(
    world: World, client: Client
) -> None:
    application = started(world)
    login(client, world.teammate)
    response = client.post(
        reverse("programs:application_edit", args=[application.pk]),
        {"version": application.version, "title": "새 과제명", "summary": "요약"},
        HTTP_HX_REQUEST="true",
    )
    application.refresh_from_db()
    body = response.content.decode()
    saved = timezone.localtime(application.updated_at).strftime("%H:%M")
    assert (application.title, application.version) == ("새 과제명", 3)
    assert f"저장됨 {saved}" in body
    assert 'value="3" id="id_version" hx-swap-oob="true"' in body


def test_autosave_with_an_old_version_shows_the_conflict(world: World, client: Client) -> None:
    application = started(world)
    old = application.version
    services.application_save_draft(
        application=application, actor=world.teammate, data={"title": "팀원"}, version=old
    )
    login(client, world.owner)
    response = client.post(
        reverse("programs:application_edit", args=[application.pk]),
        {"version": old, "title": "대표"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "save-conflict" in body and "최신 내용 다시 불러오기" in body
    assert Application.objects.get(pk=application.pk).title == "팀원"


def test_plain_save_with_an_old_version_redraws_the_form_with_the_banner(
    world: World, client: Client
) -> None:
    application = started(world)
    old = application.version
    services.application_save_draft(
        application=application, actor=world.teammate, data={"title": "팀원"}, version=old
    )
    login(client, world.owner)
    response = client.post(
        reverse("programs:application_edit", args=[application.pk]),
        {"version": old, "title": "내가 쓴 제목"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "conflict-banner" in page and 'value="내가 쓴 제목"' in page


def test_rows_are_posted_by_cell_name(world: World, client: Client) -> None:
    application = started(world, open_call(world, rows=True))
    login(client, world.owner)
    client.post(
        reverse("programs:application_edit", args=[application.pk]),
        {
            "version": application.version,
            "budget-rows": "1",
            "budget-0-item": "장비",
            "budget-0-amount": "2,000",
            "budget-1-item": "",
            "budget-1-amount": "",
            "budget-2-item": "인건비",
            "budget-2-amount": "3000",
        },
    )
    assert Application.objects.get(pk=application.pk).data["budget"] == [
        {"item": "장비", "amount": 2000},
        {"item": "인건비", "amount": 3000},
    ]


def test_upload_and_submit_through_the_form(world: World, client: Client) -> None:
    application = started(world, open_call(world, files=True))
    login(client, world.owner)
    upload = io.BytesIO(PDF)
    upload.name = "계획서.pdf"
    client.post(
        reverse("programs:application_file_upload", args=[application.pk, "plan"]),
        {"version": application.version, "title": "올리며 고친 제목", "file-plan": upload},
    )
    application.refresh_from_db()
    response = client.post(
        reverse("programs:application_submit", args=[application.pk]),
        {"version": application.version},
    )
    revision = ApplicationRevision.objects.get()
    assert (response.status_code, revision.title, revision.files.get().name) == (
        302,
        "올리며 고친 제목",
        "계획서.pdf",
    )


def test_submit_with_missing_answers_lists_them(world: World, client: Client) -> None:
    application = started(world, summary="")
    login(client, world.owner)
    response = client.post(reverse("programs:application_submit", args=[application.pk]))
    assert response.status_code == 400
    assert 'href="#f-summary"' in response.content.decode()


def test_submitted_application_opens_its_frozen_view(world: World, client: Client) -> None:
    application = submitted(world)
    login(client, world.teammate)
    edit = client.get(reverse("programs:application_edit", args=[application.pk]))
    assert edit["Location"] == reverse("programs:application_detail", args=[application.pk])
    page = client.get(edit["Location"]).content.decode()
    assert ANSWERS["summary"] in page and "1차 제출본" in page


def test_my_applications_lists_drafts_with_countdown_and_submitted(
    world: World, client: Client
) -> None:
    draft = started(world)
    done = submitted(world, open_call(world, title="다른 공고"))
    ApplicationFactory.create()  # another company's
    login(client, world.teammate)
    page = client.get(reverse("programs:my_applications")).content.decode()
    assert reverse("programs:application_edit", args=[draft.pk]) in page
    assert reverse("programs:application_detail", args=[done.pk]) in page
    assert page.count("data-countdown") == 1


def test_another_companys_member_gets_404_everywhere(world: World, client: Client) -> None:
    application = submitted(world)
    login(client, world.outsider)
    for name in ("application_edit", "application_detail", "application_diff"):
        assert client.get(reverse(f"programs:{name}", args=[application.pk])).status_code == 404
    for name in ("application_submit", "application_withdraw"):
        assert client.post(reverse(f"programs:{name}", args=[application.pk])).status_code == 404


def test_staff_never_see_a_draft(world: World, client: Client) -> None:
    application = started(world)
    login(client, world.operator)
    response = client.get(reverse("programs:application_detail", args=[application.pk]))
    assert response.status_code == 404


def test_staff_ask_for_changes_and_the_applicant_resubmits(world: World, client: Client) -> None:
    application = submitted(world)
    login(client, world.operator)
    client.post(
        reverse("programs:application_request_changes", args=[application.pk]),
        {"note": "예산표 보완"},
    )
    application.refresh_from_db()
    assert (application.state, application.staff_note) == (
        ApplicationState.CHANGES_REQUESTED,
        "예산표 보완",
    )
    login(client, world.owner)
    page = client.get(reverse("programs:application_edit", args=[application.pk])).content.decode()
    assert "예산표 보완" in page
    client.post(
        reverse("programs:application_submit", args=[application.pk]),
        {"version": application.version, "summary": "보완한 요약"},
    )
    diff = client.get(reverse("programs:application_diff", args=[application.pk])).content.decode()
    assert "보완한 요약" in diff and "답변 1개가 바뀌었습니다." in diff


def test_applicant_cannot_ask_for_changes(world: World, client: Client) -> None:
    application = submitted(world)
    login(client, world.owner)
    response = client.post(
        reverse("programs:application_request_changes", args=[application.pk]), {"note": "x"}
    )
    assert response.status_code == 403


# --- staff list --------------------------------------------------------------------------------


def _list(world: World) -> tuple[Call, list[Application]]:
    call = open_call(world)
    rows = []
    for index, (province, amount) in enumerate(
        [("gwangju", 10_000_000), ("busan", 50_000_000), ("seoul", 90_000_000)]
    ):
        application = ApplicationFactory.create(
            call=call,
            title=f"과제 {index} 드론" if index == 1 else f"과제 {index}",
            requested_amount=amount,
            submitted_at=timezone.now() - dt.timedelta(hours=3 - index),
        )
        Company.objects.filter(pk=application.company_id).update(province=province)
        rows.append(application)
    ApplicationFactory.create(call=call, state=ApplicationState.DRAFT, title="초안")
    return call, rows


def _titles(client: Client, call: Call, query: str = "") -> list[str]:
    response = client.get(reverse("programs:call_applications", args=[call.pk]) + query)  # type: ignore[attr-defined]
    return [a.title for a in response.context["page"].object_list]


def test_staff_list_filters_sorts_and_hides_drafts(world: World, client: Client) -> None:
    call, _rows = _list(world)
    login(client, world.operator)
    assert _titles(client, call) == ["과제 2", "과제 1 드론", "과제 0"]
    assert _titles(client, call, "?sort=amount") == ["과제 0", "과제 1 드론", "과제 2"]
    assert _titles(client, call, "?province=busan") == ["과제 1 드론"]
    assert _titles(client, call, "?amount_min=20000000&amount_max=60000000") == ["과제 1 드론"]
    assert _titles(client, call, "?q=드론") == ["과제 1 드론"]
    assert _titles(client, call, "?state=withdrawn") == []


def test_staff_list_refused_to_others(world: World, client: Client) -> None:
    call, _rows = _list(world)
    login(client, world.chapter_staff)
    assert client.get(reverse("programs:call_applications", args=[call.pk])).status_code == 403
    login(client, world.owner)
    assert client.get(reverse("programs:call_applications", args=[call.pk])).status_code == 403


def test_chapter_staff_of_a_co_organiser_see_the_list(world: World, client: Client) -> None:
    call, _rows = _list(world)
    call.co_organizers.add(world.chapter)  # type: ignore[attr-defined]
    login(client, world.chapter_staff)
    assert len(_titles(client, call)) == 3


def test_export_holds_the_filtered_rows_with_safe_cells(world: World, client: Client) -> None:
    call, rows = _list(world)
    Application.objects.filter(pk=rows[0].pk).update(title='=HYPERLINK("x")')
    login(client, world.operator)
    response = client.get(
        reverse("programs:call_applications_export", args=[call.pk])
        + "?sort=amount&amount_max=60000000"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.values)
    assert [row[0] for row in values[1:]] == [rows[0].pk, rows[1].pk]
    assert values[1][5] == '\'=HYPERLINK("x")'


def test_staff_list_query_budget_with_one_and_many_rows(
    world: World, client: Client, django_assert_max_num_queries: object
) -> None:
    call = open_call(world)
    login(client, world.operator)
    url = reverse("programs:call_applications", args=[call.pk])
    for count in (1, 30):
        for _ in range(count - Application.objects.filter(call=call).count()):
            ApplicationFactory.create(call=call)
        client.get(url)
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            assert client.get(url).status_code == 200


def test_my_applications_query_budget(
    world: World, client: Client, django_assert_max_num_queries: object
) -> None:
    company = profile(world)
    for _ in range(15):
        ApplicationFactory.create(company=company)
    login(client, world.owner)
    url = reverse("programs:my_applications")
    client.get(url)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_member_of_two_companies_applies_for_the_one_they_act_for(
    world: World, client: Client
) -> None:
    MembershipFactory.create(
        user=world.owner, organization=world.other_company, role=MembershipRole.MEMBER
    )
    profile(world)
    from tests.companies.helpers import company_record

    company_record(world.other_company)
    Company.objects.filter(pk=world.other_company.pk).update(province="busan")
    call = open_call(world)
    login(client, world.owner)
    client.post(reverse("accounts:organization_switch"), {"organization": world.other_company.pk})
    client.post(reverse("programs:application_start", args=[call.pk]))
    assert Application.objects.get().company_id == world.other_company.pk


def _assigned_file(world: World, *, blind: bool) -> tuple[Application, int]:
    from bitgoeul.programs.models import Assignment
    from tests.programs.factories import ReviewerFactory, StageFactory

    call = open_call(world, files=True, blind=blind)
    application = started(world, call)
    stored = services.application_file_add(
        application=application,
        actor=world.owner,
        field_key="plan",
        stream=io.BytesIO(PDF),
        name="빛고을에이아이_사업계획서.pdf",
        size=len(PDF),
    )
    services.application_submit(application=application, actor=world.owner)
    reviewer = ReviewerFactory.create(user=world.reviewer)
    Assignment.objects.create(
        stage=StageFactory.create(call=call),
        application=application,
        reviewer=reviewer,
        active=True,
    )
    return application, stored.pk


@pytest.mark.parametrize(
    ("blind", "name"),
    [(True, "application-{pk}-plan.pdf"), (False, "빛고을에이아이_사업계획서.pdf")],
)
def test_reviewer_of_a_blind_call_downloads_a_file_without_the_applicants_name(
    world: World, client: Client, blind: bool, name: str
) -> None:
    application, file_id = _assigned_file(world, blind=blind)
    login(client, world.reviewer)
    response = client.get(reverse("programs:application_file", args=[application.pk, file_id]))
    assert (response.status_code, response.filename) == (200, name.format(pk=application.pk))  # type: ignore[attr-defined]


def test_draft_files_are_the_applicants_only(world: World, client: Client) -> None:
    application = started(world, open_call(world, files=True))
    stored = services.application_file_add(
        application=application,
        actor=world.owner,
        field_key="plan",
        stream=io.BytesIO(PDF),
        name="초안.pdf",
        size=len(PDF),
    )
    url = reverse("programs:application_file", args=[application.pk, stored.pk])
    assert login(client, world.teammate).get(url).status_code == 200
    assert login(client, world.operator).get(url).status_code == 404


def test_home_lists_the_drafts_to_finish_with_their_countdown(
    world: World, client: Client, django_assert_max_num_queries: object
) -> None:
    draft = started(world)
    submitted(world, open_call(world, title="제출한 공고"))
    login(client, world.teammate)
    client.get(reverse("web:home"))
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        page = client.get(reverse("web:home")).content.decode()
    assert reverse("programs:application_edit", args=[draft.pk]) in page
    assert "제출한 공고" not in page and page.count("data-countdown") == 1
