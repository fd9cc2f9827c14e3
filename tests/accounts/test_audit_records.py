"""Every edit view of accounts, posted through the view: the audit event's exact before and
after (people by id, never by name or address)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import ApiToken, Invitation
from bitgoeul.accounts.services import invitation_create
from bitgoeul.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def _event(action: str) -> tuple[Any, Any]:
    event = AuditEvent.objects.filter(action=action).latest("pk")
    return event.before, event.after


def test_profile_records_changed_fields_and_no_name(client: Client, world: World) -> None:
    client.force_login(world.owner)
    client.post(reverse("accounts:account"), {"name": "새 이름", "language": "ko"})
    assert _event("user.update") == ({"fields": ["name"]}, {"fields": ["name"]})
    client.post(reverse("accounts:account"), {"name": "새 이름", "language": "en"})
    assert _event("user.update") == (
        {"fields": ["language"], "language": "ko"},
        {"fields": ["language"], "language": "en"},
    )
    client.post(reverse("accounts:account"), {"name": "새 이름", "language": "en"})
    assert AuditEvent.objects.filter(action="user.update").count() == 2  # nothing changed


def test_consent_given_and_withdrawn(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = reverse("accounts:consent_update", args=["signup.newsletter"])
    client.post(url, {"agreed": "1"})
    assert _event("consent.set") == (
        {"document": "signup.newsletter", "agreed": False},
        {"document": "signup.newsletter", "agreed": True},
    )
    client.post(url, {"agreed": "0"})
    assert _event("consent.set") == (
        {"document": "signup.newsletter", "agreed": True},
        {"document": "signup.newsletter", "agreed": False},
    )


def test_api_token_create_and_revoke(client: Client, world: World) -> None:
    client.force_login(world.owner)
    client.post(reverse("accounts:api_tokens"), {"name": "보고 스크립트", "scope": "read"})
    assert _event("api_token.create") == (None, {"scope": "read", "expires_at": None})
    token = ApiToken.objects.get()
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert _event("api_token.revoke") == ({"revoked": False}, {"revoked": True})


def test_membership_role_and_removal(client: Client, world: World) -> None:
    client.force_login(world.owner)
    membership = world.teammate.memberships.get()
    client.post(
        reverse("accounts:membership_role", args=[world.company.pk, membership.pk]),
        {"role": "staff"},
    )
    assert _event("membership.set_role") == ({"role": "member"}, {"role": "staff"})
    client.post(reverse("accounts:membership_remove", args=[world.company.pk, membership.pk]))
    assert _event("membership.remove") == (
        {"user": world.teammate.pk, "organization": world.company.pk, "role": "staff"},
        None,
    )


def test_invitation_create_accept_and_revoke(client: Client, world: World) -> None:
    client.force_login(world.owner)
    client.post(
        reverse("accounts:organization", args=[world.company.pk]),
        {"email": "kim@example.kr", "role": "staff"},
    )
    invitation = Invitation.objects.get()
    event = AuditEvent.objects.get(action="invitation.create")
    assert (event.object_id, event.before, event.after) == (
        str(invitation.pk),
        None,
        {"organization": world.company.pk, "role": "staff", "needs_approval": False},
    )
    client.post(reverse("accounts:invitation_revoke", args=[world.company.pk, invitation.pk]))
    assert _event("invitation.revoke") == ({"revoked": False}, {"revoked": True})
    person = MembershipFactory.create(organization=world.other_company).user
    with transaction.atomic():
        _, token = invitation_create(
            organization=world.company, email=person.email, role="member", actor=world.owner
        )
    client.force_login(person)
    client.post(reverse("accounts:invitation", args=[token]))
    assert _event("invitation.accept") == (
        {"role": None},
        {"organization": world.company.pk, "role": "member", "new": True},
    )


def test_password_change_and_account_deletion_record_no_values(
    client: Client, world: World
) -> None:
    client.force_login(world.teammate)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "무등산-저녁-2027",
            "new_password2": "무등산-저녁-2027",
        },
    )
    assert _event("user.password_change") == (None, None)
    client.post(reverse("accounts:delete_account"), {"password": "무등산-저녁-2027"})
    event = AuditEvent.objects.get(action="user.delete")
    assert (event.actor_id, event.object_id, event.before, event.after) == (
        world.teammate.pk,
        str(world.teammate.pk),
        None,
        None,
    )
