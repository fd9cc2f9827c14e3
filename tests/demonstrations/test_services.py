"""The project's state machine, each act's audit event and notices, and what each refuses."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bitgoeul.accounts.models import User
from bitgoeul.audit.models import AuditEvent
from bitgoeul.demonstrations import services
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.measurements_import import Row
from bitgoeul.demonstrations.models import Measurement, Project, ProjectPhoto, Site
from bitgoeul.notifications.models import Notification
from tests.companies.helpers import company_record
from tests.conftest import World
from tests.demonstrations.factories import PDF, PNG, make_project, measure
from tests.equipment.factories import BookingFactory

pytestmark = pytest.mark.django_db


def events(project: Project) -> list[tuple[str, Any, Any]]:
    return [
        (e.action, e.before, e.after)
        for e in AuditEvent.objects.filter(
            object_type="demonstrations.project", object_id=str(project.pk)
        ).order_by("pk")
    ]


def notified(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _plan(site: Site, **changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "자율주행 셔틀 실증",
        "title_en": "Shuttle",
        "site_id": site.pk,
        "domain": "mobility",
        "product": "자율주행 셔틀",
        "goal": "정기 운행",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=30),
        "gpu_hours": 100,
        "risks": "",
        **changes,
    }


# --- the plan ----------------------------------------------------------------------------------


def test_project_create_links_the_companys_own_bookings(world: World, site: Site) -> None:
    company = company_record(world.company)
    booking = BookingFactory.create(company=company)
    project = services.project_create(
        actor=world.owner, company=company, data=_plan(site), bookings=[booking]
    )
    assert (project.state, list(project.bookings.all())) == (ProjectState.DRAFT, [booking])
    assert [e[0] for e in events(project)] == ["demonstration.create"]


def test_project_create_refuses_another_companys_booking(world: World, site: Site) -> None:
    company = company_record(world.company)
    theirs = BookingFactory.create(company=company_record(world.other_company))
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=world.owner, company=company, data=_plan(site), bookings=[theirs]
        )
    assert list(error.value.message_dict) == ["bookings"]
    assert Project.objects.count() == 0


def test_project_create_refuses_a_closed_site_and_a_period_backwards(
    world: World, site: Site
) -> None:
    company = company_record(world.company)
    site.is_active = False
    site.save()
    with pytest.raises(ValidationError) as error:
        services.project_create(actor=world.owner, company=company, data=_plan(site))
    assert list(error.value.message_dict) == ["site"]
    today = timezone.localdate()
    site.is_active = True
    site.save()
    with pytest.raises(ValidationError) as error:
        services.project_create(
            actor=world.owner,
            company=company,
            data=_plan(site, ends_on=today - dt.timedelta(days=1)),
        )
    assert list(error.value.message_dict) == ["ends_on"]


def test_project_update_audits_only_what_changed_with_before_from_the_database(
    world: World, site: Site
) -> None:
    project = make_project(world.company, site=site, gpu_hours=10)
    stale = Project.objects.get(pk=project.pk)
    stale.gpu_hours = 999  # an instance a form already changed must not be the "before"
    data = _plan(site, title=project.title, title_en=project.title_en, gpu_hours=40)
    data.update(
        domain=project.domain,
        product=project.product,
        goal=project.goal,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        risks=project.risks,
    )
    services.project_update(actor=world.owner, project=stale, data=data, bookings=[])
    assert events(project) == [("demonstration.update", {"gpu_hours": 10}, {"gpu_hours": 40})]


def test_the_plan_is_locked_once_submitted(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    with pytest.raises(services.PlanLocked):
        services.project_update(actor=world.owner, project=project, data=_plan(site), bookings=[])
    with pytest.raises(services.PlanLocked):
        services.kpi_add(
            actor=world.owner,
            project=project,
            name="x",
            unit="%",
            target=Decimal(1),
            direction="higher",
        )
    with pytest.raises(services.PlanLocked):
        services.kpi_delete(actor=world.owner, kpi=project.kpis.get())


def test_permit_save_adds_then_changes_status(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    services.permit_save(actor=world.owner, project=project, kind="irb", status="applied")
    services.permit_save(
        actor=world.owner, project=project, kind="irb", status="granted", reference="IRB-7"
    )
    assert [(p.kind, p.status, p.reference) for p in project.permits.all()] == [
        ("irb", "granted", "IRB-7")
    ]
    assert events(project)[-1] == (
        "demonstration.permit_save",
        {"permit": "irb", "status": "applied", "reference": ""},
        {"permit": "irb", "status": "granted", "reference": "IRB-7"},
    )


# --- approval ----------------------------------------------------------------------------------


def test_submit_needs_a_kpi(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, kpis=0)
    with pytest.raises(ValidationError):
        services.project_submit(actor=world.owner, project=project)
    assert Project.objects.get(pk=project.pk).state == ProjectState.DRAFT


def test_both_approvals_in_either_order_move_the_project_under_way(
    world: World, site: Site, host: User
) -> None:
    project = make_project(world.company, site=site)
    services.project_submit(actor=world.owner, project=project)
    assert notified("demonstrations.submitted") == sorted([host.pk, world.operator.pk])
    after_one = services.project_approve(actor=world.operator, project=project, role="operator")
    assert after_one.state == ProjectState.SUBMITTED
    assert notified("demonstrations.decided") == []
    done = services.project_approve(actor=host, project=project, role="host")
    assert (done.state, done.host_approved_by, done.operator_approved_by) == (
        ProjectState.APPROVED,
        host,
        world.operator,
    )
    assert notified("demonstrations.decided") == sorted([world.owner.pk, world.teammate.pk])
    assert [(e[0], e[1], e[2]) for e in events(project)] == [
        ("demonstration.submit", {"state": "draft"}, {"state": "submitted"}),
        (
            "demonstration.approve",
            {"state": "submitted"},
            {"state": "submitted", "approved_as": "operator"},
        ),
        (
            "demonstration.approve",
            {"state": "submitted"},
            {"state": "approved", "approved_as": "host"},
        ),
    ]


def test_one_side_cannot_approve_twice(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    services.project_approve(actor=world.operator, project=project, role="operator")
    with pytest.raises(services.IllegalTransition):
        services.project_approve(actor=world.operator, project=project, role="operator")
    assert Project.objects.get(pk=project.pk).state == ProjectState.SUBMITTED


def test_return_needs_a_reason_and_clears_both_approvals(
    world: World, site: Site, host: User
) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    services.project_approve(actor=host, project=project, role="host")
    with pytest.raises(ValidationError):
        services.project_decline(actor=world.operator, project=project, reject=False, note=" ")
    returned = services.project_decline(
        actor=world.operator, project=project, reject=False, note="IRB 승인 번호를 적어 주세요."
    )
    assert (returned.state, returned.host_approved_at, returned.decision_note) == (
        ProjectState.RETURNED,
        None,
        "IRB 승인 번호를 적어 주세요.",
    )
    # resubmitted, it needs both approvals again
    again = services.project_submit(actor=world.owner, project=project)
    assert (again.state, again.host_approved_at, again.operator_approved_at) == (
        ProjectState.SUBMITTED,
        None,
        None,
    )


def test_a_rejected_project_is_final(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.SUBMITTED)
    services.project_decline(actor=world.operator, project=project, reject=True, note="범위 밖")
    with pytest.raises(services.IllegalTransition):
        services.project_submit(actor=world.owner, project=project)
    assert events(project)[-1][0] == "demonstration.reject"


@pytest.mark.parametrize("state", [ProjectState.DRAFT, ProjectState.APPROVED, ProjectState.CLOSED])
def test_only_a_submitted_project_is_approved(world: World, site: Site, state: str) -> None:
    project = make_project(world.company, site=site, state=state)
    with pytest.raises(services.IllegalTransition):
        services.project_approve(actor=world.operator, project=project, role="operator")


# --- measurements and results ------------------------------------------------------------------


def _row(project: Project, value: str = "96", days_ago: int = 1) -> Row:
    return Row(
        project.kpis.get(), timezone.localdate() - dt.timedelta(days=days_ago), Decimal(value), ""
    )


def test_measurements_are_recorded_only_while_under_way(world: World, site: Site) -> None:
    draft = make_project(world.company, site=site)
    with pytest.raises(services.IllegalTransition):
        services.measurements_add(
            actor=world.owner, project=draft, rows=[_row(draft)], source="form"
        )
    running = make_project(world.company, site=site, state=ProjectState.APPROVED)
    services.measurements_add(
        actor=world.owner, project=running, rows=[_row(running)], source="api"
    )
    assert [(m.value, m.source, m.recorded_by) for m in Measurement.objects.all()] == [
        (Decimal("96.0000"), "api", world.owner)
    ]
    assert events(running) == [
        ("demonstration.measurements_add", None, {"count": 1, "source": "api"})
    ]


def test_measurements_are_all_or_none(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    outside = _row(project, days_ago=31)  # the project started 30 days ago
    with pytest.raises(ValidationError):
        services.measurements_add(
            actor=world.owner, project=project, rows=[_row(project), outside], source="form"
        )
    future = _row(project, days_ago=-1)
    with pytest.raises(ValidationError):
        services.measurements_add(actor=world.owner, project=project, rows=[future], source="form")
    assert Measurement.objects.count() == 0


def test_a_kpi_of_another_project_is_refused(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    other = make_project(world.company, site=site, state=ProjectState.APPROVED)
    with pytest.raises(ValidationError):
        services.measurements_add(
            actor=world.owner, project=project, rows=[_row(other)], source="form"
        )


def test_report_needs_a_measurement_and_a_real_document(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    with pytest.raises(ValidationError):
        services.project_report(
            actor=world.owner,
            project=project,
            summary="요약",
            file=io.BytesIO(PDF),
            name="r.pdf",
            size=len(PDF),
        )
    measure(project.kpis.get(), "96")
    with pytest.raises(ValidationError) as error:
        services.project_report(
            actor=world.owner,
            project=project,
            summary="요약",
            file=io.BytesIO(PNG),
            name="r.pdf",
            size=len(PNG),
        )
    assert list(error.value.message_dict) == ["report"]
    reported = services.project_report(
        actor=world.owner,
        project=project,
        summary="요약",
        file=io.BytesIO(PDF),
        name="r.pdf",
        size=len(PDF),
    )
    assert (reported.state, reported.report_file.read()) == (ProjectState.REPORTED, PDF)
    assert notified("demonstrations.results_submitted") == [world.operator.pk]


def test_review_accepts_and_closes_or_returns_with_a_note(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.REPORTED)
    with pytest.raises(ValidationError):
        services.project_review(actor=world.operator, project=project, accept=False, note="")
    returned = services.project_review(
        actor=world.operator, project=project, accept=False, note="3월 측정값을 추가해 주세요."
    )
    assert returned.state == ProjectState.APPROVED
    project.state = ProjectState.REPORTED
    project.save()
    closed = services.project_review(actor=world.operator, project=project, accept=True, note="")
    assert (closed.state, closed.closed_at is not None) == (ProjectState.CLOSED, True)
    assert [e[0] for e in events(project)] == [
        "demonstration.results_return",
        "demonstration.close",
    ]
    with pytest.raises(services.IllegalTransition):
        services.project_review(actor=world.operator, project=project, accept=True, note="")


# --- the showcase ------------------------------------------------------------------------------


def test_publishing_needs_a_story_and_indexes_it(world: World, site: Site) -> None:
    project = make_project(world.company, site=site, state=ProjectState.APPROVED)
    with pytest.raises(ValidationError):
        services.project_publish(
            actor=world.owner, project=project, is_public=True, story="", story_en=""
        )
    published = services.project_publish(
        actor=world.owner,
        project=project,
        is_public=True,
        story="재활로봇이 환자를 도왔습니다.",
        story_en="",
    )
    assert published.is_public is True
    assert "재활로봇이" in published.search_terms.split()
    assert events(project) == [
        (
            "demonstration.publish",
            {"is_public": False, "story": ""},
            {"is_public": True, "story": "재활로봇이 환자를 도왔습니다."},
        )
    ]


def test_photos_are_checked_by_content(world: World, site: Site) -> None:
    project = make_project(world.company, site=site)
    with pytest.raises(ValidationError):
        services.photo_add(
            actor=world.owner,
            project=project,
            file=io.BytesIO(PDF),
            name="x.png",
            size=len(PDF),
            caption="병동",
        )
    with pytest.raises(ValidationError):
        services.photo_add(
            actor=world.owner,
            project=project,
            file=io.BytesIO(PNG),
            name="x.jpg",
            size=len(PNG),
            caption="병동",
        )
    with pytest.raises(ValidationError):
        services.photo_add(
            actor=world.owner,
            project=project,
            file=io.BytesIO(PNG),
            name="x.png",
            size=len(PNG),
            caption=" ",
        )
    photo = services.photo_add(
        actor=world.owner,
        project=project,
        file=io.BytesIO(PNG),
        name="x.png",
        size=len(PNG),
        caption="병동",
    )
    assert (photo.content_type, ProjectPhoto.objects.count()) == ("image/png", 1)
