"""The awards API: the company's awards and report upload, staff 검수, token scopes."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from bitgoeul.accounts.models import User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.programs.enums import MilestoneState
from bitgoeul.programs.models import Milestone, MilestoneReport
from tests.conftest import World
from tests.programs.award_factories import PDF, make_award, make_milestone, make_report


def _auth(user: User, scope: str) -> dict[str, str]:
    with transaction.atomic():
        _, secret = api_token_create(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _upload() -> dict[str, Any]:
    return {"file": SimpleUploadedFile("보고서.pdf", PDF, "application/pdf"), "hires": "4"}


def test_company_lists_its_awards_with_a_read_token(world: World, client: Client) -> None:
    award = make_award(world.company, organizer=world.operator_org, amount=90_000_000)
    make_report(make_milestone(award, tranche=30_000_000))
    make_award(world.other_company, organizer=world.operator_org)
    body = client.get("/api/v1/awards", **_auth(world.teammate, "read")).json()  # type: ignore[arg-type]
    assert [(a["id"], a["amount"], a["released"], a["remaining"]) for a in body] == [
        (award.pk, 90_000_000, 0, 90_000_000)
    ]
    [milestone] = body[0]["milestones"]
    assert (milestone["state"], len(milestone["reports"])) == ("submitted", 1)


def test_read_token_cannot_upload_a_report(world: World, client: Client) -> None:
    milestone = make_milestone(make_award(world.company, organizer=world.operator_org))
    response = client.post(
        f"/api/v1/milestones/{milestone.pk}/reports",
        _upload(),
        **_auth(world.owner, "read"),  # type: ignore[arg-type]
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "read_only_token")
    assert MilestoneReport.objects.count() == 0


def test_write_token_uploads_a_report_and_a_second_one_conflicts(
    world: World, client: Client
) -> None:
    milestone = make_milestone(make_award(world.company, organizer=world.operator_org))
    auth = _auth(world.owner, "write")
    url = f"/api/v1/milestones/{milestone.pk}/reports"
    response = client.post(url, _upload(), **auth)  # type: ignore[arg-type]
    assert (response.status_code, response.json()["hires"]) == (201, 4)
    again = client.post(url, _upload(), **auth)  # type: ignore[arg-type]
    assert again.status_code == 409


def test_fake_file_is_answered_422(world: World, client: Client) -> None:
    milestone = make_milestone(make_award(world.company, organizer=world.operator_org))
    response = client.post(
        f"/api/v1/milestones/{milestone.pk}/reports",
        {"file": SimpleUploadedFile("보고서.pdf", b"not a pdf")},
        **_auth(world.owner, "write"),  # type: ignore[arg-type]
    )
    assert response.status_code == 422
    assert "보고서.pdf" in response.json()["error"]["message"]


def test_staff_review_queue_and_approval(world: World, client: Client) -> None:
    award = make_award(world.company, organizer=world.operator_org)
    report = make_report(make_milestone(award))
    auth = _auth(world.operator, "write")
    queue = client.get(
        f"/api/v1/calls/{award.application.call_id}/review-queue",
        **auth,  # type: ignore[arg-type]
    ).json()
    assert [r["id"] for r in queue] == [report.pk]
    response = client.post(
        f"/api/v1/reports/{report.pk}/review",
        {"decision": "approve"},
        content_type="application/json",
        **auth,  # type: ignore[arg-type]
    )
    assert (response.status_code, response.json()["approved"]) == (200, True)
    assert Milestone.objects.get().state == MilestoneState.APPROVED


def test_return_without_comments_is_422(world: World, client: Client) -> None:
    report = make_report(make_milestone(make_award(world.company, organizer=world.operator_org)))
    response = client.post(
        f"/api/v1/reports/{report.pk}/review",
        {"decision": "return"},
        content_type="application/json",
        **_auth(world.operator, "write"),  # type: ignore[arg-type]
    )
    assert response.status_code == 422
    assert Milestone.objects.get().state == MilestoneState.SUBMITTED
