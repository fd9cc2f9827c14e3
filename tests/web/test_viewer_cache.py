from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.services import api_token_create, api_token_revoke
from bitgoeul.audit.services import audit_record
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_reload_is_served_without_rendering_or_queries_beyond_the_version(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    # Log in as a browser does: the session, CSRF and language cookies are then all set.
    client.post(reverse("accounts:login"), {"username": world.operator.email, "password": PASSWORD})
    client.get(reverse("web:home"))  # sets the CSRF cookie, so it is not kept
    first = client.get(reverse("web:home"))
    # the session row (sessions live in the database) and SELECT MAX(id) FROM audit_auditevent
    with django_assert_num_queries(2):
        again = client.get(reverse("web:home"))
    assert again.content == first.content
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_any_change_of_data_renders_the_page_again(client: Client, world: World) -> None:
    client.force_login(world.owner)
    assert client.get(reverse("web:home")).context["company"]["open_invitations"] == 0
    client.post(
        reverse("accounts:organization", args=[world.company.pk]),
        {"email": "n@x.kr", "role": "member"},
    )
    client.cookies.pop("messages", None)
    assert client.get(reverse("web:home")).context["company"]["open_invitations"] == 1


def test_viewers_do_not_share_answers(world: World) -> None:
    owner, operator = Client(), Client()
    owner.force_login(world.owner)
    operator.force_login(world.operator)
    owner.get(reverse("web:home"))
    response = operator.get(reverse("web:home"))
    assert response.context is not None and "operator" in response.context
    assert world.operator.name in response.content.decode()


def test_flash_messages_are_never_served_from_the_cache(client: Client, world: World) -> None:
    client.force_login(world.owner)
    client.get(reverse("web:home"))
    client.post(reverse("accounts:account"), {"name": "새 이름", "language": "ko"})
    response = client.get(reverse("web:home"), follow=False)
    assert "프로필을 저장했습니다." in response.content.decode()


def test_a_revoked_token_is_refused_at_once(client: Client, world: World) -> None:
    with transaction.atomic():
        token, secret = api_token_create(user=world.owner, name="script", scope="read")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with transaction.atomic():
        api_token_revoke(token=token, actor=world.owner)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivated_user_is_logged_out_even_with_a_cached_page(
    client: Client, world: World
) -> None:
    client.force_login(world.teammate)
    client.get(reverse("web:home"))
    with transaction.atomic():
        world.teammate.is_active = False
        world.teammate.save(update_fields=["is_active"])
        audit_record(actor=world.operator, action="user.deactivate", obj=world.teammate)
    response = client.get(reverse("web:home"))
    assert response.templates[0].name == "web/landing.html"
