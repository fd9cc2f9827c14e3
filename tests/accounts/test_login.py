from __future__ import annotations

from ipaddress import ip_network

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from bitgoeul.accounts.models import LoginThrottle, User
from bitgoeul.accounts.throttle import login_attempt_take
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_with_right_password_sets_the_language_and_clears_failures(
    client: Client, owner: User
) -> None:
    assert login_attempt_take(email=owner.email, ip="127.0.0.1")
    owner.language = "en"
    owner.save()
    response = client.post(
        reverse("accounts:login"), {"username": owner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    # the account starts afresh; the address keeps the earlier failure, not this attempt
    assert list(LoginThrottle.objects.values_list("key", "attempts")) == [("ip:127.0.0.1", 1)]
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


def test_concurrent_attempts_cannot_pass_the_limit(owner: User) -> None:
    # Ten attempts in flight at once (none has failed yet): each is counted before its password
    # is checked, so only five get a check. Counting failures after the check let all ten in.
    allowed = [login_attempt_take(email=owner.email, ip=f"10.0.0.{n}") for n in range(10)]
    assert allowed == [True] * 5 + [False] * 5


def test_a_refused_attempt_does_not_count_against_the_address(owner: User) -> None:
    for _ in range(5):
        login_attempt_take(email=owner.email, ip="10.0.0.1")
    assert login_attempt_take(email=owner.email, ip="10.0.0.1") is False
    assert LoginThrottle.objects.get(key="ip:10.0.0.1").attempts == 5


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_one_address_gets_four_times_the_account_limit() -> None:
    allowed = [login_attempt_take(email=f"made-up{n}@example.kr", ip="10.0.0.1") for n in range(9)]
    assert allowed == [True] * 8 + [False]


def test_the_window_starts_afresh_after_it_ends(owner: User) -> None:
    import datetime as dt

    from django.utils import timezone

    for _ in range(5):
        login_attempt_take(email=owner.email, ip="10.0.0.1")
    LoginThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))
    assert login_attempt_take(email=owner.email, ip="10.0.0.1") is True
    assert LoginThrottle.objects.get(key=f"email:{owner.email}").attempts == 1


@override_settings(TRUSTED_PROXIES=[ip_network("10.0.0.0/8")])
def test_behind_a_trusted_proxy_failures_count_per_client(client: Client, owner: User) -> None:
    # Twenty wrong passwords for made-up addresses from one client behind the TLS proxy lock
    # that client out, not everybody else who comes through the same proxy.
    for n in range(20):
        client.post(
            reverse("accounts:login"),
            {"username": f"nobody{n}@example.kr", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    attacker = client.post(
        reverse("accounts:login"),
        {"username": "nobody-else@example.kr", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    someone = Client().post(
        reverse("accounts:login"),
        {"username": owner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert (attacker.status_code, someone.status_code) == (429, 302)


def test_a_forged_forwarded_header_from_outside_is_ignored(client: Client, owner: User) -> None:
    for n in range(21):
        response = client.post(
            reverse("accounts:login"),
            {"username": f"nobody{n}@example.kr", "password": "wrong"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert response.status_code == 429
    assert LoginThrottle.objects.filter(key__startswith="ip:").count() == 1


def test_a_password_reset_lifts_the_accounts_lock(client: Client, owner: User) -> None:
    from django.core import mail

    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": owner.email, "password": "wrong"})
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "새-비밀번호-광주-2026", "new_password2": "새-비밀번호-광주-2026"},
    )
    response = client.post(
        reverse("accounts:login"), {"username": owner.email, "password": "새-비밀번호-광주-2026"}
    )
    assert response.status_code == 302


def test_rows_of_windows_long_over_are_deleted() -> None:
    import datetime as dt

    from django.utils import timezone

    login_attempt_take(email="old@example.kr", ip="10.0.0.1")
    LoginThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=31))
    login_attempt_take(email="new@example.kr", ip="10.0.0.2")
    assert sorted(LoginThrottle.objects.values_list("key", flat=True)) == [
        "email:new@example.kr",
        "ip:10.0.0.2",
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database serialises every write anyway",
)
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_attempts_on_postgresql_get_five_checks() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    barrier = Barrier(10)

    def attempt(n: int) -> bool:
        try:
            barrier.wait()
            return login_attempt_take(email="target@example.kr", ip=f"10.0.1.{n}")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        allowed = list(pool.map(attempt, range(10)))
    assert (
        allowed.count(True),
        LoginThrottle.objects.get(key="email:target@example.kr").attempts,
    ) == (
        5,
        5,
    )
