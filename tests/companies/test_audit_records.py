"""Every edit view of the companies app, posted through the view: the audit event's before
and after are exactly what changed (before read from the database, not from the form)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.forms import CompanyForm
from bitgoeul.companies.models import Company, Nomination, Technology
from bitgoeul.companies.services.nominations import nomination_create
from bitgoeul.companies.services.profile import company_profile_ensure, company_update
from tests.conftest import World


@pytest.fixture
def company(world: World) -> Company:
    with transaction.atomic():
        profile = company_profile_ensure(organization=world.company)
        return company_update(
            company=profile,
            actor=None,
            data={
                "representative": "김대표",
                "patents": 1,
                "address": "광주광역시 북구 첨단과기로 123",
                "description": "비전 검사",
            },
        )


def _event(action: str) -> tuple[Any, Any]:
    event = AuditEvent.objects.filter(action=action).latest("pk")
    return event.before, event.after


def _form_data(company: Company, **changes: Any) -> dict[str, Any]:
    """What the edit page posts when the user changes only `changes`."""
    data: dict[str, Any] = {"name": company.organization.name, "name_en": ""}
    for field in CompanyForm.Meta.fields:
        value = getattr(company, field)
        data[field] = "" if value is None else value
    data.update(changes)
    return data


def test_profile_edit_records_the_fields_the_user_changed(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    response = client.post(
        reverse("companies:edit", args=[company.pk]),
        _form_data(company, representative="이대표", patents=3),
    )
    assert response.status_code == 302
    assert _event("company.update") == (
        {"representative": "김대표", "patents": 1},
        {"representative": "이대표", "patents": 3},
    )
    assert AuditEvent.objects.filter(action="organization.update").count() == 0


def test_profile_edit_renames_through_the_organisation_service(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    old = world.company.name
    client.post(
        reverse("companies:edit", args=[company.pk]),
        _form_data(company, name="(주)새이름", name_en="New Name"),
    )
    assert _event("organization.update") == (
        {"name": old, "name_en": ""},
        {"name": "(주)새이름", "name_en": "New Name"},
    )
    assert _event("company.update") == (
        {"name": old, "name_en": ""},
        {"name": "(주)새이름", "name_en": "New Name"},
    )


def test_profile_edit_moving_province_changes_the_chapter_through_accounts(
    world: World, company: Company, client: Client
) -> None:
    world.other_chapter.code = "busan"
    world.other_chapter.save(update_fields=["code"])
    client.force_login(world.owner)
    client.post(
        reverse("companies:edit", args=[company.pk]),
        _form_data(company, address="부산광역시 해운대구 센텀중앙로 79", province="", district=""),
    )
    before, after = _event("organization.update")
    assert (before, after) == (
        {"parent_id": world.chapter.pk},
        {"parent_id": world.other_chapter.pk},
    )


def test_yearly_figures_set_replace_and_delete(
    world: World, company: Company, client: Client
) -> None:
    client.force_login(world.owner)
    url = reverse("companies:metric_set", args=[company.pk])
    client.post(url, {"year": 2024, "employees": 10, "revenue": 100})
    figures = {"employees": 10, "revenue": 100, "rnd_spend": None, "investment": None}
    assert _event("company.metric_set") == (None, {"year": 2024, "new": True, **figures})
    client.post(url, {"year": 2024, "employees": 12, "revenue": 200})
    assert _event("company.metric_set") == (
        {"year": 2024, **figures},
        {"year": 2024, "new": False, **figures, "employees": 12, "revenue": 200},
    )
    metric = company.metrics.get()
    client.post(reverse("companies:metric_delete", args=[company.pk, metric.pk]))
    assert _event("company.metric_delete") == (
        {"year": 2024, **figures, "employees": 12, "revenue": 200},
        None,
    )


def test_investments_add_and_delete(world: World, company: Company, client: Client) -> None:
    client.force_login(world.owner)
    values = {"date": "2024-03-02", "round": "series_a", "amount": 3_000_000_000, "investors": "KB"}
    client.post(reverse("companies:investment_add", args=[company.pk]), values)
    assert _event("company.investment_add") == (None, values)
    investment = company.investments.get()
    client.post(reverse("companies:investment_delete", args=[company.pk, investment.pk]))
    assert _event("company.investment_delete") == (values, None)


def test_certifications_add_and_delete(world: World, company: Company, client: Client) -> None:
    client.force_login(world.owner)
    client.post(
        reverse("companies:certification_add", args=[company.pk]),
        {"kind": "venture", "venture_type": "rnd", "number": "V-1", "issued_on": "2024-01-10"},
    )
    values = {
        "kind": "venture",
        "venture_type": "rnd",
        "number": "V-1",
        "issued_on": "2024-01-10",
        "expires_on": "2027-01-09",
    }
    assert _event("company.certification_add") == (None, values)
    certification = company.certifications.get()
    client.post(reverse("companies:certification_delete", args=[company.pk, certification.pk]))
    assert _event("company.certification_delete") == (values, None)


def test_sharing_choices(world: World, company: Company, client: Client) -> None:
    client.force_login(world.owner)
    url = reverse("companies:sharing", args=[company.pk])
    client.post(url, {"is_public": "on", "share_with_chapter": "on"})
    assert _event("company.set_public") == ({"is_public": False}, {"is_public": True})
    assert _event("company.chapter_consent") == (
        {"consent": False, "since": None},
        {"consent": True, "chapter": world.chapter.pk},
    )
    since = Company.objects.get(pk=company.pk).chapter_consent_at
    assert since is not None
    client.post(url, {"is_public": "on"})
    before, after = _event("company.chapter_consent")
    assert (before, after) == (
        {"consent": True, "since": DjangoJSONEncoder().default(since)},
        {"consent": False, "chapter": world.chapter.pk},
    )
    assert AuditEvent.objects.filter(action="company.set_public").count() == 1


def test_marking_an_imported_match_reviewed(world: World, company: Company, client: Client) -> None:
    Company.objects.filter(pk=company.pk).update(needs_review=True, review_reason="이름 일치")
    client.force_login(world.operator)
    assert client.post(reverse("companies:reviewed", args=[company.pk])).status_code == 302
    assert _event("company.reviewed") == ({"reason": "이름 일치"}, None)


def test_technology_create_and_edit(world: World, client: Client) -> None:
    client.force_login(world.operator)
    values = {"code": "agritech", "name": "농업", "name_en": "Agriculture", "position": 20}
    client.post(reverse("companies:technologies"), {**values, "is_active": "on"})
    assert _event("technology.save") == (None, {**values, "is_active": True})
    tech = Technology.objects.get(code="agritech")
    prefix = f"t{tech.pk}-"
    posted = {**values, "name": "스마트농업", "is_active": "on"}
    client.post(
        reverse("companies:technology_edit", args=[tech.pk]),
        {prefix + k: v for k, v in posted.items()},
    )
    assert _event("technology.save") == ({"name": "농업"}, {"name": "스마트농업"})


def test_nominate_decide_and_withdraw(world: World, company: Company, client: Client) -> None:
    client.force_login(world.chapter_staff)
    client.post(
        reverse("companies:nominate", args=[company.pk]),
        {"reason": "매출 두 배", "evidence": "재무제표", "programme": "실증"},
    )
    nomination = Nomination.objects.get()
    assert _event("nomination.create") == (
        None,
        {
            "company": company.pk,
            "chapter": world.chapter.pk,
            "reason": "매출 두 배",
            "evidence": "재무제표",
            "programme": "실증",
        },
    )
    client.force_login(world.operator)
    client.post(
        reverse("companies:nomination_decide", args=[nomination.pk]),
        {"decision": "accepted", "note": "선정", "confirm": "yes"},
    )
    assert _event("nomination.set_state") == (
        {"state": "pending"},
        {"state": "accepted", "note": "선정"},
    )
    second = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="다시"
    )
    client.force_login(world.chapter_staff)
    client.post(reverse("companies:nomination_withdraw", args=[second.pk]))
    assert _event("nomination.set_state") == (
        {"state": "pending"},
        {"state": "withdrawn", "note": ""},
    )


def test_watch_and_change_the_note(world: World, company: Company, client: Client) -> None:
    client.force_login(world.chapter_staff)
    url = reverse("companies:watch", args=[company.pk])
    client.post(url, {"note": "투자 확인"})
    assert _event("watchlist.add") == (None, {"company": company.pk, "note": "투자 확인"})
    client.post(url, {"note": "후속 투자"})
    assert _event("watchlist.note") == (
        {"note": "투자 확인"},
        {"company": company.pk, "note": "후속 투자"},
    )
    client.post(reverse("companies:unwatch", args=[company.pk]))
    assert _event("watchlist.remove") == ({"company": company.pk}, None)
