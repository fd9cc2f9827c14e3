from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.accounts.models import Invitation, Membership
from tests.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client: Client, world: World, email: str = "kim@example.kr") -> Any:
    return client.post(
        reverse("accounts:organization", args=[world.company.pk]),
        {"email": email, "role": "member"},
    )


def test_admin_invites_by_email_with_a_link_that_works(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, world).status_code == 302
    message = mail.outbox[0]
    assert message.to == ["kim@example.kr"]
    assert message.subject == f"빛고을 {world.company.name} 초대"
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    newcomer = UserFactory.create(email="kim@example.kr")
    client.force_login(newcomer)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=newcomer).organization == world.company
    assert client.post(path).status_code == 302  # used once: a second accept changes nothing
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_teammate_cannot_invite(client: Client, world: World) -> None:
    client.force_login(world.teammate)
    assert invite(client, world).status_code == 403
    assert Invitation.objects.count() == 0


def test_inviting_a_member_again_is_refused(client: Client, world: World) -> None:
    client.force_login(world.owner)
    response = invite(client, world, email=world.teammate.email)
    assert response.context["form"].errors["email"] == ["이미 구성원입니다."]


def test_expired_invitation_cannot_be_accepted(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, world)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client.force_login(UserFactory.create(email="kim@example.kr"))
    page = client.get(path)
    assert "더 이상 유효하지 않은 초대 링크입니다" in page.content.decode()
    client.post(path)
    assert Membership.objects.filter(user__email="kim@example.kr").count() == 0


def test_last_admin_cannot_be_removed(client: Client, world: World) -> None:
    client.force_login(world.operator)
    membership = world.owner.memberships.get()
    client.post(reverse("accounts:membership_remove", args=[world.company.pk, membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_changes_a_role(client: Client, world: World) -> None:
    client.force_login(world.owner)
    membership = world.teammate.memberships.get()
    client.post(
        reverse("accounts:membership_role", args=[world.company.pk, membership.pk]),
        {"role": "admin"},
    )
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_organization_page_query_count_does_not_grow_with_members(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import MembershipFactory

    client.force_login(world.owner)
    url = reverse("accounts:organization", args=[world.company.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    MembershipFactory.create_batch(20, organization=world.company)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_last_admin_keeps_the_role(client: Client, world: World) -> None:
    client.force_login(world.owner)
    membership = world.owner.memberships.get()
    client.post(
        reverse("accounts:membership_role", args=[world.company.pk, membership.pk]),
        {"role": "member"},
    )
    membership.refresh_from_db()
    assert membership.role == "admin"
