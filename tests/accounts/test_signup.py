from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import ConsentRecord, Membership, Organization, User
from bitgoeul.accounts.services import invitation_create
from bitgoeul.audit.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "윤서진",
        "email": "Seojin@NewCo.kr",
        "password1": "무등산-아침-2026",
        "password2": "무등산-아침-2026",
        "language": "ko",
        "company_name": "(주)새빛인공지능",
        "company_brn": "120-81-47521",
        "consent_signup_required": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signup_creates_user_company_membership_consents_and_audit(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), form(consent_signup_newsletter="on"))
    assert response.status_code == 302
    user = User.objects.get()
    company = Organization.objects.get()
    assert (user.email, user.name, company.name, company.brn, company.kind) == (
        "seojin@newco.kr",
        "윤서진",
        "(주)새빛인공지능",
        "1208147521",
        "company",
    )
    assert Membership.objects.get().role == MembershipRole.ADMIN
    consents = ConsentRecord.objects.order_by("document")
    assert [(c.document, c.agreed, c.version) for c in consents] == [
        ("signup.newsletter", True, "2026-11"),
        ("signup.required", True, "2026-11"),
    ]
    assert consents[1].items == ["이름", "이메일 주소", "비밀번호(암호화하여 저장)", "소속 기관"]
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "user.sign_up",
        "organization.create",
    }
    assert client.get(reverse("web:home")).context["user"] == user


def test_signup_without_required_consent_writes_nothing(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), form(consent_signup_required=None))
    assert response.status_code == 200
    assert "필수 개인정보 수집·이용에 동의해 주세요" in response.content.decode()
    assert (User.objects.count(), Organization.objects.count(), AuditEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_signup_with_bad_brn_says_which_digit(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), form(company_brn="120-81-47522"))
    assert response.context["form"].errors["company_brn"] == [
        "검증 규칙에 따르면 120-81-47522의 마지막 자리는 1이어야 합니다. "
        "사업자등록증의 번호를 다시 확인해 주세요."
    ]
    assert User.objects.count() == 0


def test_signup_refuses_a_registered_company(client: Client, world: World) -> None:
    assert world.company.brn is not None
    response = client.post(reverse("accounts:signup"), form(company_brn=world.company.brn))
    assert "이미 등록된 기업입니다" in response.context["form"].errors["company_brn"][0]


def test_signup_refuses_a_weak_password_and_different_passwords(client: Client) -> None:
    weak = client.post(
        reverse("accounts:signup"), form(password1="12345678901", password2="12345678901")
    )
    assert "password1" in weak.context["form"].errors
    differ = client.post(reverse("accounts:signup"), form(password2="다른-비밀번호-2026"))
    assert differ.context["form"].errors["password2"] == [
        "두 비밀번호가 다릅니다. 같은 비밀번호를 두 번 입력하세요."
    ]


def test_signup_by_invitation_joins_the_company(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(
            organization=world.company,
            email="new@example.kr",
            role=MembershipRole.STAFF,
            actor=world.owner,
        )
    assert len(mail.outbox) == 1 and token in mail.outbox[0].body
    response = client.post(
        reverse("accounts:signup"),
        form(email="new@example.kr", company_name=None, company_brn=None, invitation=token),
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new@example.kr")
    assert (membership.organization, membership.role) == (world.company, MembershipRole.STAFF)
    assert Organization.objects.filter(kind="company").count() == 2


def test_signup_by_invitation_requires_the_invited_address(client: Client, world: World) -> None:
    from django.db import transaction

    with transaction.atomic():
        _, token = invitation_create(
            organization=world.company, email="new@example.kr", role="member", actor=world.owner
        )
    response = client.post(
        reverse("accounts:signup"),
        form(email="other@example.kr", company_name=None, company_brn=None, invitation=token),
    )
    assert response.context["form"].errors["email"] == [
        "이 초대는 new@example.kr 주소로 보냈습니다. 그 주소로 가입해 주세요."
    ]
