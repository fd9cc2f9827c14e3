"""Deleting an account erases the person from every table, the audit trail included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import Invitation, LoginThrottle, User, UserSession
from bitgoeul.accounts.services import invitation_create
from bitgoeul.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NAME, NEW_NAME = "홍길동지움", "홍길순지움"
EMAIL = "gildong.erase@example.kr"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _texts_holding(*needles: str) -> list[tuple[str, str, str]]:
    """(model, field, value) of every text, character or JSON column of every installed
    model whose value contains one of the needles (case-insensitive)."""
    found = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        names = [f.attname for f in fields]
        for row in model._default_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(n in text.lower() for n in lowered):
                    found.append((model._meta.label, name, text))
    return found


def _signup(client: Client, token: str) -> User:
    response = client.post(
        reverse("accounts:signup"),
        {
            "name": NAME,
            "email": EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": "ko",
            "consent_signup_required": "on",
            "consent_signup_newsletter": "on",
            "invitation": token,
        },
    )
    assert response.status_code == 302
    return User.objects.get(email=EMAIL)


def test_after_deletion_no_table_holds_the_persons_name_or_address(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_create(
            organization=world.company, email=EMAIL, role="member", actor=world.owner
        )
        # a second invitation, into another company, still open when the account goes
        invitation_create(
            organization=world.other_company, email=EMAIL, role="staff", actor=world.outsider
        )
    person = _signup(client, token)
    client.post(reverse("accounts:account"), {"name": NEW_NAME, "language": "en"})
    client.post(reverse("accounts:api_tokens"), {"name": f"{NEW_NAME} script", "scope": "read"})
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": EMAIL.upper(), "password": "wrong"})
    assert LoginThrottle.objects.filter(key=f"email:{EMAIL}").count() == 1
    assert _texts_holding(NAME, NEW_NAME, EMAIL)  # the walk finds the person before deletion

    client.force_login(person)
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302

    assert _texts_holding(NAME, NEW_NAME, EMAIL) == []
    assert UserSession.objects.filter(user=person).count() == 0
    assert list(Invitation.objects.values_list("email", flat=True).distinct()) == [
        f"deleted-{person.pk}@invalid.bitgoeul"
    ]
    assert Invitation.objects.filter(revoked_at__isnull=True, accepted_at__isnull=True).count() == 0
    update = AuditEvent.objects.get(action="user.update")
    assert (update.before, update.after) == (
        {"fields": ["language", "name"], "language": "ko"},
        {"fields": ["language", "name"], "language": "en"},
    )


def test_the_audit_page_names_people_at_display_time(client: Client, world: World) -> None:
    with transaction.atomic():
        invitation, _ = invitation_create(
            organization=world.company, email=EMAIL, role="member", actor=world.teammate
        )
    event = AuditEvent.objects.get(action="invitation.create")
    assert (event.object_id, event.after) == (
        str(invitation.pk),
        {"organization": world.company.pk, "role": "member", "needs_approval": True},
    )
    client.force_login(world.operator)
    page = client.get(reverse("audit:list")).content.decode()
    assert f"{world.teammate.name} 님이 " in page
    client.force_login(world.teammate)
    client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    client.force_login(world.operator)
    page = client.get(reverse("audit:list")).content.decode()
    assert world.teammate.email not in page and world.teammate.name not in page
    assert f"삭제된 사용자 #{world.teammate.pk} 님이 " in page
