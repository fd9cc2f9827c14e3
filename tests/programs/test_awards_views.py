"""The awards area's pages: what each role sees and does, and query budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, Milestone, MilestoneReport
from tests.conftest import World
from tests.programs.award_factories import PDF, make_award, make_milestone, make_report


def _award(world: World, **kwargs: Any) -> Award:
    return make_award(world.company, organizer=world.operator_org, **kwargs)


def _text(response: Any) -> str:
    return response.content.decode()


def test_company_sees_its_awards_with_milestones_in_korean(world: World, client: Client) -> None:
    award = _award(world)
    make_milestone(award, tranche=30_000_000)
    other = make_award(world.other_company, organizer=world.operator_org)  # not theirs
    client.force_login(world.teammate)
    response = client.get(reverse("programs:my_awards"))
    html = _text(response)
    assert response.status_code == 200
    assert [award.pk for award, _ in response.context["rows"]] == [award.pk]
    assert reverse("programs:award_detail", args=[other.pk]) not in html
    assert "우리 협약" in html
    assert "30,000,000" in html


def test_company_page_in_english(world: World, client: Client) -> None:
    make_milestone(_award(world))
    client.force_login(world.owner)
    client.cookies["django_language"] = "en"
    html = _text(client.get(reverse("programs:my_awards")))
    assert "Our agreements" in html


def test_company_submits_a_report_from_the_award_page(world: World, client: Client) -> None:
    award = _award(world)
    milestone = make_milestone(award)
    client.force_login(world.owner)
    page = _text(client.get(reverse("programs:award_detail", args=[award.pk])))
    assert reverse("programs:milestone_report_submit", args=[milestone.pk]) in page
    response = client.post(
        reverse("programs:milestone_report_submit", args=[milestone.pk]),
        {
            "file": SimpleUploadedFile("중간보고.pdf", PDF, "application/pdf"),
            "note": "완료했습니다",
            "hires": "2",
            "revenue": "10000000",
        },
    )
    assert response.status_code == 302
    report = MilestoneReport.objects.get()
    assert (report.file_name, report.hires, report.revenue, report.investment) == (
        "중간보고.pdf",
        2,
        10_000_000,
        None,
    )


def test_a_fake_pdf_is_refused_with_a_message(world: World, client: Client) -> None:
    milestone = make_milestone(_award(world))
    client.force_login(world.owner)
    response = client.post(
        reverse("programs:milestone_report_submit", args=[milestone.pk]),
        {"file": SimpleUploadedFile("보고.pdf", b"PK\x03\x04junk", "application/pdf")},
        follow=True,
    )
    assert MilestoneReport.objects.count() == 0
    assert "보고.pdf" in _text(response)


def test_staff_approve_from_the_queue_and_totals_follow(world: World, client: Client) -> None:
    award = _award(world, amount=100_000_000)
    report = make_report(make_milestone(award, tranche=30_000_000))
    make_milestone(award, order=2, tranche=70_000_000)
    client.force_login(world.operator)
    queue = client.get(reverse("programs:review_queue", args=[award.application.call_id]))
    assert reverse("programs:report_review", args=[report.pk]) in _text(queue)
    response = client.post(
        reverse("programs:report_review", args=[report.pk]),
        {"decision": "approve", "next": "queue"},
    )
    assert response["Location"] == reverse(
        "programs:review_queue", args=[award.application.call_id]
    )
    assert Milestone.objects.get(order=1).state == MilestoneState.APPROVED
    page = client.get(reverse("programs:call_awards", args=[award.application.call_id]))
    assert page.context["totals"].released == 30_000_000
    assert page.context["totals"].remaining == 70_000_000


def test_staff_return_without_comments_is_refused(world: World, client: Client) -> None:
    award = _award(world)
    report = make_report(make_milestone(award))
    client.force_login(world.operator)
    client.post(reverse("programs:report_review", args=[report.pk]), {"decision": "return"})
    assert Milestone.objects.get().state == MilestoneState.SUBMITTED


def test_staff_milestone_over_the_award_shows_the_reason(world: World, client: Client) -> None:
    award = _award(world, amount=50_000_000)
    client.force_login(world.operator)
    response = client.post(
        reverse("programs:milestone_create", args=[award.pk]),
        {"deliverable": "최종", "due_on": "2027-01-31", "tranche": "60000000"},
        follow=True,
    )
    assert Milestone.objects.count() == 0
    assert "50,000,000" in _text(response)


def test_staff_record_the_agreement(world: World, client: Client) -> None:
    award = _award(world, state=AwardState.AGREEMENT)
    client.force_login(world.operator)
    page = _text(client.get(reverse("programs:award_detail", args=[award.pk])))
    assert reverse("programs:award_agreement", args=[award.pk]) in page
    client.post(reverse("programs:award_agreement", args=[award.pk]))
    award.refresh_from_db()
    assert award.state == AwardState.ACTIVE


def test_company_sees_no_staff_forms(world: World, client: Client) -> None:
    award = _award(world)
    make_report(make_milestone(award))
    client.force_login(world.owner)
    page = _text(client.get(reverse("programs:award_detail", args=[award.pk])))
    for name in ("milestone_create", "award_agreement"):
        assert reverse(f"programs:{name}", args=[award.pk]) not in page
    assert "/review/" not in page


def test_report_file_downloads_under_its_name(world: World, client: Client) -> None:
    report = make_report(make_milestone(_award(world)))
    client.force_login(world.teammate)
    response = client.get(reverse("programs:report_file", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


@pytest.mark.parametrize("count", [1, 6])
def test_my_awards_query_budget(
    world: World, client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(count):
        award = _award(world)
        make_report(make_milestone(award))
        make_milestone(award, order=2)
    client.force_login(world.owner)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("programs:my_awards")).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_call_awards_and_queue_query_budget(
    world: World, client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    from tests.programs.factories import CallFactory

    call = CallFactory.create(organizer=world.operator_org)
    for index in range(count):
        company = world.company if index == 0 else None
        award = make_award(
            company or _other_company(index), organizer=world.operator_org, call=call
        )
        make_report(make_milestone(award))
    client.force_login(world.operator)
    for name in ("call_awards", "review_queue"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"programs:{name}", args=[call.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("programs:awards_manage")).status_code == 200


def _other_company(index: int) -> Any:
    from tests.factories import CompanyFactory

    return CompanyFactory(name=f"(주)테스트{index}")


@pytest.mark.parametrize("count", [1, 6])
def test_award_detail_query_budget(
    world: World, client: Client, count: int, django_assert_max_num_queries: Any
) -> None:
    award = _award(world, amount=10**9)
    for order in range(1, count + 1):
        make_report(make_milestone(award, order=order))
    for user in (world.owner, world.operator):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("programs:award_detail", args=[award.pk])).status_code == 200


def test_co_organiser_staff_manage_the_calls_awards(world: World, client: Client) -> None:
    from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
    from tests.factories import MembershipFactory, OrganizationFactory

    institution = OrganizationFactory.create(
        name="전남대학교병원", kind=OrganizationKind.INSTITUTION
    )
    staff = MembershipFactory.create(organization=institution, role=MembershipRole.STAFF).user
    award = _award(world)
    url = reverse("programs:call_awards", args=[award.application.call_id])
    client.force_login(staff)
    assert client.get(url).status_code == 404
    award.application.call.co_organizers.add(institution)
    assert client.get(url).status_code == 200
    assert client.get(reverse("programs:award_detail", args=[award.pk])).status_code == 200


def test_home_lists_reports_due_for_the_company_and_the_queue_for_staff(
    world: World, client: Client
) -> None:
    import datetime as dt

    from django.utils import timezone

    award = _award(world)
    make_milestone(award, due_on=timezone.localdate() + dt.timedelta(days=3))
    make_milestone(award, order=2, due_on=timezone.localdate() + dt.timedelta(days=90))
    make_report(make_milestone(award, order=3))
    client.force_login(world.teammate)
    home = client.get(reverse("web:home"))
    company_sections = [
        s.context["due"]
        for s in home.context["sections"]
        if s.template == "programs/awards/home_company.html"
    ]
    assert [[m.order for m in due] for due in company_sections] == [[1]]
    client.force_login(world.operator)
    home = client.get(reverse("web:home"))
    assert [
        s.context["count"]
        for s in home.context["sections"]
        if s.template == "programs/awards/home_staff.html"
    ] == [1]
