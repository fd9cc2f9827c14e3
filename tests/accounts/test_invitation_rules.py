"""Who may become a member of a company, and the last administrator under concurrency."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.models import Invitation, Membership
from bitgoeul.accounts.services import (
    InvitationRefused,
    LastAdministrator,
    invitation_accept,
    invitation_create,
    membership_remove,
    membership_set_role,
)
from bitgoeul.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _link_path(body: str) -> str:
    link = next(line for line in body.splitlines() if "/invitations/" in line)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_operator_staff_cannot_invite_themselves_into_a_company(
    client: Client, world: World
) -> None:
    client.force_login(world.operator)
    response = client.post(
        reverse("accounts:organization", args=[world.company.pk]),
        {"email": world.operator.email.upper(), "role": "admin"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "자신을 초대할 수는 없습니다. 관리자에게 초대를 요청하세요."
    ]
    assert Invitation.objects.count() == 0


def test_an_outsiders_invitation_waits_for_the_company_administrator(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organization", args=[world.company.pk]),
            {"email": "kim@example.kr", "role": "admin"},
            follow=True,
        )
    assert _messages(response) == [
        "kim@example.kr 초대는 기업 관리자의 승인을 기다립니다. 승인되면 보냅니다."
    ]
    assert mail.outbox == []
    invitation = Invitation.objects.get()
    assert (invitation.needs_approval, invitation.awaits_approval, invitation.is_open) == (
        True,
        True,
        False,
    )
    event = AuditEvent.objects.get(action="invitation.create")
    assert (event.object_id, event.before, event.after) == (
        str(invitation.pk),
        None,
        {"organization": world.company.pk, "role": "admin", "needs_approval": True},
    )
    # operator staff cannot approve their own request
    assert (
        client.post(
            reverse("accounts:invitation_approve", args=[world.company.pk, invitation.pk])
        ).status_code
        == 403
    )
    client.force_login(world.owner)
    page = client.get(reverse("accounts:organization", args=[world.company.pk])).content.decode()
    assert "관리자 승인 대기 중" in page and "승인하고 보내기" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitation_approve", args=[world.company.pk, invitation.pk]),
            follow=True,
        )
    assert _messages(response) == ["초대를 승인하여 kim@example.kr 주소로 보냈습니다."]
    event = AuditEvent.objects.get(action="invitation.approve")
    assert (event.actor, event.before, event.after) == (
        world.owner,
        {"approved": False},
        {"approved": True},
    )
    assert [m.to for m in mail.outbox] == [["kim@example.kr"]]
    newcomer = UserFactory.create(email="kim@example.kr")
    client.force_login(newcomer)
    assert client.post(_link_path(str(mail.outbox[0].body))).status_code == 302
    assert Membership.objects.get(user=newcomer).role == MembershipRole.ADMIN


def test_the_company_administrator_declines_an_outsiders_invitation(
    client: Client, world: World
) -> None:
    with transaction.atomic():
        invitation, token = invitation_create(
            organization=world.company, email="kim@example.kr", role="admin", actor=world.operator
        )
    client.force_login(world.owner)
    response = client.post(
        reverse("accounts:invitation_decline", args=[world.company.pk, invitation.pk]),
        follow=True,
    )
    assert _messages(response) == ["초대를 거절했습니다. 아무것도 보내지 않았습니다."]
    event = AuditEvent.objects.get(action="invitation.decline")
    assert (event.before, event.after) == ({"approved": False}, {"declined": True})
    newcomer = UserFactory.create(email="kim@example.kr")
    client.force_login(newcomer)
    response = client.post(reverse("accounts:invitation", args=[token]), follow=True)
    assert _messages(response) == ["더 이상 유효하지 않은 초대 링크입니다. 새 초대를 요청하세요."]
    assert Membership.objects.filter(user=newcomer).count() == 0


def test_before_approval_the_link_is_not_usable(world: World) -> None:
    with transaction.atomic():
        invitation, _ = invitation_create(
            organization=world.company, email="kim@example.kr", role="admin", actor=world.operator
        )
    newcomer = UserFactory.create(email="kim@example.kr")
    with pytest.raises(InvitationRefused):
        invitation_accept(invitation=invitation, user=newcomer)
    assert Membership.objects.filter(user=newcomer).count() == 0


def test_a_company_without_an_administrator_gets_the_invitation_at_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    empty = CompanyFactory.create(parent=world.chapter)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = invitation_create(
            organization=empty, email="kim@example.kr", role="admin", actor=world.operator
        )
    assert (invitation.needs_approval, invitation.is_open) == (False, True)
    assert [m.to for m in mail.outbox] == [["kim@example.kr"]]


def test_the_companys_own_administrator_needs_no_approval(world: World) -> None:
    with transaction.atomic():
        invitation, _ = invitation_create(
            organization=world.company, email="kim@example.kr", role="member", actor=world.owner
        )
    assert (invitation.needs_approval, invitation.is_open) == (False, True)


def test_only_the_invited_address_accepts(client: Client, world: World) -> None:
    with transaction.atomic():
        _, token = invitation_create(
            organization=world.company, email="kim@example.kr", role="admin", actor=world.owner
        )
    client.force_login(world.operator)
    response = client.post(reverse("accounts:invitation", args=[token]), follow=True)
    assert _messages(response) == [
        "이 초대는 다른 이메일 주소로 보낸 것입니다. 초대받은 주소로 로그인하거나 "
        "내 주소로 초대를 요청하세요."
    ]
    assert Membership.objects.filter(user=world.operator, organization=world.company).count() == 0
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("current", "invited", "kept"),
    [
        ("admin", "member", "admin"),
        ("staff", "member", "staff"),
        ("member", "staff", "staff"),
        ("member", "admin", "admin"),
        ("staff", "admin", "admin"),
    ],
)
def test_accepting_keeps_the_higher_role(
    world: World, current: str, invited: str, kept: str
) -> None:
    person = MembershipFactory.create(organization=world.company, role=current).user
    # another administrator, so that the owner's invitation goes out without approval
    with transaction.atomic():
        invitation, _ = invitation_create(
            organization=world.company, email=person.email, role=invited, actor=world.owner
        )
        membership = invitation_accept(invitation=invitation, user=person)
    membership.refresh_from_db()
    assert membership.role == kept
    event = AuditEvent.objects.get(action="invitation.accept")
    assert (event.before, event.after) == (
        {"role": current},
        {"organization": world.company.pk, "role": kept, "new": False},
    )


def test_a_stale_instance_cannot_demote_the_last_administrator(world: World) -> None:
    second = MembershipFactory.create(organization=world.company, role=MembershipRole.ADMIN)
    first = world.owner.memberships.get()
    stale_second = Membership.objects.get(pk=second.pk)
    with transaction.atomic():
        membership_set_role(membership=first, role="member", actor=world.owner)
    with pytest.raises(LastAdministrator), transaction.atomic():
        membership_remove(membership=stale_second, actor=world.owner)
    assert Membership.objects.filter(organization=world.company, role="admin").count() == 1


@pytest.mark.parametrize("change", ["set_role", "remove"])
def test_the_organisation_is_locked_before_administrators_are_counted(
    world: World, change: str
) -> None:
    MembershipFactory.create(organization=world.company, role=MembershipRole.ADMIN)
    membership = world.owner.memberships.get()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if change == "set_role":
            membership_set_role(membership=membership, role="member", actor=world.owner)
        else:
            membership_remove(membership=membership, actor=world.owner)
    sql = [q["sql"] for q in queries]
    lock = next(i for i, s in enumerate(sql) if s.startswith('SELECT "accounts_organization"'))
    count = next(i for i, s in enumerate(sql) if "COUNT(*)" in s)
    assert lock < count
    assert f'"accounts_organization"."id" = {world.company.pk}' in sql[lock]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[lock]


def test_operator_staff_cannot_invite_a_colleague_into_a_company(
    client: Client, world: World
) -> None:
    colleague = MembershipFactory.create(organization=world.operator_org, role="staff").user
    empty = CompanyFactory.create(parent=world.chapter)  # nobody there to approve
    client.force_login(world.operator)
    response = client.post(
        reverse("accounts:organization", args=[empty.pk]),
        {"email": colleague.email, "role": "admin"},
    )
    assert response.context["form"].errors["email"] == [
        "기업 밖의 사람은 운영기관 직원을 기업에 초대할 수 없습니다. 기업 관리자에게 요청하세요."
    ]
    assert Invitation.objects.count() == 0


def test_account_deletion_locks_the_organisations_it_administers(world: World) -> None:
    from bitgoeul.accounts.services import user_delete

    MembershipFactory.create(organization=world.company, role=MembershipRole.ADMIN)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        user_delete(user=world.owner)
    sql = [q["sql"] for q in queries]
    lock = next(i for i, s in enumerate(sql) if s.startswith('SELECT "accounts_organization"'))
    assert f'"accounts_organization"."id" = {world.company.pk}' in sql[lock]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql[lock]
