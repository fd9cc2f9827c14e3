from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bitgoeul.accounts.models import LoginFailure, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_with_right_password_sets_the_language_and_clears_failures(
    client: Client, owner: User
) -> None:
    LoginFailure.objects.create(email=owner.email, ip="127.0.0.1")
    owner.language = "en"
    owner.save()
    response = client.post(
        reverse("accounts:login"), {"username": owner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert LoginFailure.objects.count() == 0
    assert client.get(reverse("web:home")).headers["Content-Language"] == "en"


def test_login_is_throttled_after_five_failures(client: Client, owner: User) -> None:
    for _ in range(5):
        response = client.post(
            reverse("accounts:login"), {"username": owner.email, "password": "wrong"}
        )
        assert response.status_code == 200
    blocked = client.post(
        reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "로그인 실패가 너무 많습니다" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_with_argon2() -> None:
    user = User.objects.create_user("argon@example.kr", "long enough password", name="아르곤")
    assert user.password.startswith("argon2$")
    assert user.check_password("long enough password")


def test_logout_needs_post(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_working_link(client: Client, owner: User) -> None:
    from django.core import mail

    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "새-비밀번호-광주-2026", "new_password2": "새-비밀번호-광주-2026"},
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("새-비밀번호-광주-2026")


def test_password_change_is_audited_and_ends_other_sessions(client: Client, owner: User) -> None:
    from bitgoeul.audit.models import AuditEvent

    other = Client()
    other.force_login(owner)
    client.force_login(owner)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "광주-새-비밀번호-99",
            "new_password2": "광주-새-비밀번호-99",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password_change", actor=owner).count() == 1
    assert client.get(reverse("accounts:account")).status_code == 200
    assert other.get(reverse("accounts:account")).status_code == 302
