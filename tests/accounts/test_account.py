from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import ApiToken, ConsentRecord, Membership, User
from bitgoeul.audit.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_personal_data_download_holds_the_users_data(client: Client, world: World) -> None:
    ConsentRecord.objects.create(
        user=world.owner,
        document="signup.required",
        version="2026-11",
        items=["이름"],
        purpose="p",
        retention="r",
        refusal_notice="n",
        agreed=True,
    )
    client.force_login(world.owner)
    response = client.get(reverse("accounts:personal_data"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith(
        'attachment; filename="bitgoeul-personal-data-'
    )
    assert data["user"]["email"] == world.owner.email
    assert [m["organization"] for m in data["memberships"]] == [world.company.name]
    assert [c["document"] for c in data["consents"]] == ["signup.required"]
    # the session force_login made (a test request has no browser or address)
    assert [(x["browser"], x["ip"]) for x in data["sessions"]] == [("", "")]


def test_delete_account_erases_personal_data_and_keeps_a_tombstone(
    client: Client, world: World
) -> None:
    client.force_login(world.teammate)
    pk = world.teammate.pk
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302
    tombstone = User.objects.get(pk=pk)
    assert (
        tombstone.name,
        tombstone.email,
        tombstone.is_active,
        tombstone.has_usable_password(),
    ) == ("", f"deleted-{pk}@invalid.bitgoeul", False, False)
    assert Membership.objects.filter(user_id=pk).count() == 0
    assert AuditEvent.objects.get(action="user.delete").actor_id == pk
    assert "_auth_user_id" not in client.session


def test_delete_account_with_wrong_password_changes_nothing(client: Client, world: World) -> None:
    client.force_login(world.teammate)
    response = client.post(reverse("accounts:delete_account"), {"password": "wrong"})
    assert response.context["form"].errors["password"] == ["비밀번호가 맞지 않습니다."]
    assert User.objects.get(pk=world.teammate.pk).is_active


def test_the_last_admin_of_a_team_cannot_delete_the_account(client: Client, world: World) -> None:
    client.force_login(world.owner)
    response = client.post(reverse("accounts:delete_account"), {"password": PASSWORD})
    assert response.status_code == 200
    assert f"{world.company.name}의 유일한 관리자입니다" in response.content.decode()


def test_optional_consent_can_be_given_and_withdrawn(client: Client, world: World) -> None:
    client.force_login(world.owner)
    url = reverse("accounts:consent_update", args=["signup.newsletter"])
    client.post(url, {"agreed": "1"})
    client.post(url, {"agreed": "0"})
    records = ConsentRecord.objects.filter(user=world.owner).order_by("pk")
    assert [(r.agreed, r.withdrawn_at is not None) for r in records] == [
        (True, True),
        (False, False),
    ]
    assert (
        client.post(reverse("accounts:consent_update", args=["signup.required"])).status_code == 404
    )


def test_api_token_is_shown_once_and_stored_hashed(client: Client, world: World) -> None:
    client.force_login(world.owner)
    response = client.post(
        reverse("accounts:api_tokens"), {"name": "usage script", "scope": "read"}
    )
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert (
        secret.startswith("bgl_") and token.token_hash != secret and secret not in token.token_hash
    )
    assert secret not in client.get(reverse("accounts:api_tokens")).content.decode()


def test_profile_change_sets_the_language(client: Client, world: World) -> None:
    client.force_login(world.owner)
    client.post(reverse("accounts:account"), {"name": "새 이름", "language": "en"})
    world.owner.refresh_from_db()
    assert (world.owner.name, world.owner.language) == ("새 이름", "en")
    assert client.get(reverse("web:home")).headers["Content-Language"] == "en"


def test_api_token_expiry_is_chosen_shown_and_warned(client: Client, world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    client.force_login(world.owner)
    client.post(
        reverse("accounts:api_tokens"),
        {"name": "monthly report", "scope": "read", "expires_in_days": "30"},
    )
    client.post(
        reverse("accounts:api_tokens"), {"name": "forever", "scope": "read", "expires_in_days": ""}
    )
    monthly = ApiToken.objects.get(name="monthly report")
    assert monthly.expires_at is not None
    assert (
        monthly.expires_at - monthly.created_at,
        ApiToken.objects.get(name="forever").expires_at,
    ) == (
        dt.timedelta(days=30),
        None,
    )
    assert client.get(reverse("accounts:api_tokens")).context["expiring"] == []
    ApiToken.objects.filter(pk=monthly.pk).update(expires_at=timezone.now() + dt.timedelta(days=6))
    response = client.get(reverse("accounts:api_tokens"))
    assert response.context["expiring"] == [monthly]
    assert "7일 안에 만료되는 토큰이 1개 있습니다" in response.content.decode()
