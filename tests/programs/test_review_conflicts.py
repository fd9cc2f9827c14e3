"""Conflicts of interest: found from each kind of tie (inside and outside the three-year window),
by organisation or by 사업자등록번호, with co-applicants; and declared by reviewers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse

from bitgoeul.notifications.models import Notification
from bitgoeul.programs import access
from bitgoeul.programs.enums import ConflictSource, RunState, TieKind
from bitgoeul.programs.models import Assignment, AssignmentRun, Conflict
from bitgoeul.programs.services.conflicts import (
    AlreadyDeclared,
    conflict_declare,
    conflicts_find,
    window_start,
)
from bitgoeul.programs.services.reviewers import reviewer_tie_add
from tests.conftest import World
from tests.factories import CompanyFactory, OrganizationFactory
from tests.programs.factories import ApplicationFactory, ReviewerFactory, StageFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)
CUTOFF = dt.date(2023, 11, 30)


def _tie(reviewer, **values):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        return reviewer_tie_add(reviewer=reviewer, actor=None, **values)


def _found(stage) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        conflicts_find(stage=stage, actor=None, today=TODAY)
    return sorted(
        Conflict.objects.values_list("application_id", "reviewer_id", "source").order_by("pk")
    )


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        (TieKind.EMPLOYEE, ConflictSource.EMPLOYMENT),
        (TieKind.SHAREHOLDER, ConflictSource.SHAREHOLDING),
        (TieKind.ADVISOR, ConflictSource.ADVISORY),
        (TieKind.OTHER, ConflictSource.OTHER_TIE),
    ],
)
@pytest.mark.parametrize(
    ("started_on", "ended_on", "inside"),
    [
        (dt.date(2015, 1, 1), None, True),  # still tied
        (dt.date(2015, 1, 1), CUTOFF, True),  # ended exactly three years ago
        (dt.date(2015, 1, 1), CUTOFF - dt.timedelta(days=1), False),  # a day earlier
        (TODAY + dt.timedelta(days=1), None, False),  # starts tomorrow
        (None, dt.date(2024, 6, 1), True),  # start unknown, ended inside the window
    ],
)
def test_a_tie_to_the_applicant_is_a_conflict_inside_the_window_only(
    kind: str,
    source: str,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    inside: bool,
) -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    other = ApplicationFactory.create(call=stage.call)
    reviewer = ReviewerFactory.create()
    _tie(
        reviewer,
        kind=kind,
        organization=application.company.organization,
        started_on=started_on,
        ended_on=ended_on,
    )
    expected = [(application.pk, reviewer.pk, source)] if inside else []
    assert _found(stage) == expected
    assert other.conflicts.count() == 0


def test_window_start_is_three_years_back_and_29_february_falls_back() -> None:
    assert window_start(TODAY) == CUTOFF
    assert window_start(dt.date(2028, 2, 29)) == dt.date(2025, 2, 28)


def test_a_tie_known_only_by_business_number_finds_the_company() -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    reviewer = ReviewerFactory.create()
    brn = application.company.organization.brn
    assert brn is not None
    tie = _tie(reviewer, kind=TieKind.EMPLOYEE, business_number=f"{brn[:3]}-{brn[3:5]}-{brn[5:]}")
    assert tie.organization_id is None and tie.business_number == brn
    assert _found(stage) == [(application.pk, reviewer.pk, ConflictSource.EMPLOYMENT)]
    conflict = Conflict.objects.get()
    assert conflict.tie_id == tie.pk
    assert conflict.detail == f"재직: {application.company.organization.name}, … – 현재"


def test_a_tie_known_only_by_name_finds_nothing() -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    _tie(
        ReviewerFactory.create(), kind=TieKind.EMPLOYEE, name=application.company.organization.name
    )
    assert _found(stage) == []


def test_a_tie_to_a_co_applicant_is_a_co_applicant_conflict() -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    partner = CompanyFactory.create()
    university = OrganizationFactory.create(name="광주과학기술원")
    application.co_applicants.set([partner, university])
    reviewer, professor = ReviewerFactory.create(), ReviewerFactory.create()
    _tie(reviewer, kind=TieKind.SHAREHOLDER, business_number=partner.brn)
    _tie(professor, kind=TieKind.EMPLOYEE, organization=university, started_on=dt.date(2020, 3, 1))
    assert _found(stage) == [
        (application.pk, reviewer.pk, ConflictSource.CO_APPLICANT),
        (application.pk, professor.pk, ConflictSource.CO_APPLICANT),
    ]
    assert Conflict.objects.get(reviewer=professor).detail == (
        "재직: 공동 신청 기관 광주과학기술원, 2020-03-01 – 현재"
    )


def test_finding_again_removes_conflicts_whose_tie_is_gone_and_keeps_declared_ones() -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    reviewer = ReviewerFactory.create()
    tie = _tie(reviewer, kind=TieKind.ADVISOR, organization=application.company.organization)
    Conflict.objects.create(
        application=application, reviewer=reviewer, source=ConflictSource.DECLARED, detail="친척"
    )
    assert len(_found(stage)) == 2
    tie.delete()
    assert _found(stage) == [(application.pk, reviewer.pk, ConflictSource.DECLARED)]


def test_a_reviewer_never_sees_an_application_they_conflict_with(world: World) -> None:
    stage = StageFactory.create()
    application = ApplicationFactory.create(call=stage.call)
    reviewer = ReviewerFactory.create(user=world.reviewer)
    Assignment.objects.create(stage=stage, application=application, reviewer=reviewer, active=True)
    assert access.application_for_viewer(world.reviewer, application.pk) == application
    _tie(reviewer, kind=TieKind.EMPLOYEE, organization=application.company.organization)
    _found(stage)
    with pytest.raises(Http404):
        access.application_for_viewer(world.reviewer, application.pk)
    assert list(access.visible_applications(world.reviewer)) == []


# --- declarations ------------------------------------------------------------------------------


def _deployed(world: World, *, blind: bool = False) -> Assignment:
    stage = StageFactory.create(call__blind=blind)
    application = ApplicationFactory.create(call=stage.call)
    run = AssignmentRun.objects.create(
        stage=stage, policy="total", state=RunState.DEPLOYED, created_by=world.operator
    )
    return Assignment.objects.create(
        run=run,
        stage=stage,
        application=application,
        reviewer=ReviewerFactory.create(user=world.reviewer),
        active=True,
    )


def test_declaring_a_conflict_removes_the_reviewer_and_tells_staff(world: World) -> None:
    assignment = _deployed(world)
    conflict = conflict_declare(
        assignment=assignment, actor=world.reviewer, conflict=True, note="전 직장 동료가 대표"
    )
    assert conflict is not None
    assert (conflict.source, conflict.detail) == (ConflictSource.DECLARED, "전 직장 동료가 대표")
    assignment.refresh_from_db()
    assert assignment.active is False
    notice = Notification.objects.get()
    assert (notice.recipient_id, notice.kind, notice.object_id) == (
        world.operator.pk,
        "programs.conflict_declared",
        str(conflict.pk),
    )
    with pytest.raises(Http404):
        access.application_for_viewer(world.reviewer, assignment.application_id)
    with pytest.raises(AlreadyDeclared):
        conflict_declare(assignment=assignment, actor=world.reviewer, conflict=False)


def test_declaring_no_conflict_stamps_the_assignment_once(world: World) -> None:
    assignment = _deployed(world)
    assert conflict_declare(assignment=assignment, actor=world.reviewer, conflict=False) is None
    assignment.refresh_from_db()
    assert assignment.active is True and assignment.no_conflict_declared_at is not None
    assert Conflict.objects.count() == 0
    with pytest.raises(AlreadyDeclared):
        conflict_declare(assignment=assignment, actor=world.reviewer, conflict=True, note="x")


def test_declaration_page_on_a_phone_records_a_conflict(world: World, client: Client) -> None:
    assignment = _deployed(world)
    client.force_login(world.reviewer)
    url = reverse("programs:review_declare", args=[assignment.pk])
    page = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")
    assert page.status_code == 200
    assert assignment.application.company.organization.name in page.content.decode()
    refused = client.post(url, {"conflict": "yes", "note": ""})
    assert refused.status_code == 200 and Conflict.objects.count() == 0
    done = client.post(url, {"conflict": "yes", "note": "주주"})
    assert done.status_code == 302
    assert Conflict.objects.get().source == ConflictSource.DECLARED
    assert client.get(url).status_code == 404


def test_blind_call_pages_for_reviewers_never_name_the_applicant(
    world: World, client: Client
) -> None:
    assignment = _deployed(world, blind=True)
    organization = assignment.application.company.organization
    client.force_login(world.reviewer)
    for url in (
        reverse("programs:review_declare", args=[assignment.pk]),
        reverse("programs:review_declarations"),
    ):
        html = client.get(url).content.decode()
        assert assignment.application.title in html
        assert organization.name not in html and str(organization.brn) not in html


def test_another_reviewer_cannot_open_the_declaration(world: World, client: Client) -> None:
    assignment = _deployed(world)
    other = ReviewerFactory.create()
    client.force_login(other.user)
    url = reverse("programs:review_declare", args=[assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"conflict": "no"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is None


@pytest.mark.parametrize("count", [1, 15])
def test_the_declaration_list_takes_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    reviewer = ReviewerFactory.create(user=world.reviewer)
    stage = StageFactory.create()
    applications = [ApplicationFactory.create(call=stage.call) for _ in range(count)]
    for application in applications:
        Assignment.objects.create(
            stage=stage, application=application, reviewer=reviewer, active=True
        )
    conflicted = applications[0]
    Conflict.objects.create(
        application=conflicted, reviewer=reviewer, source=ConflictSource.DECLARED
    )
    client.force_login(world.reviewer)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("programs:review_declarations")).content.decode()
    shown = [
        a
        for a in applications
        if reverse("programs:review_declare", args=[Assignment.objects.get(application=a).pk])
        in html
    ]
    assert shown == applications[1:]
    for application in shown:
        assert application.company.organization.name in html
