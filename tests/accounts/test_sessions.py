from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import User, UserSession
from bitgoeul.accounts.user_agent import user_agent_describe
from bitgoeul.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def logged_in(user: User, user_agent: str = CHROME_WINDOWS) -> Client:
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return browser


def copy_of(browser: Client) -> Client:
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = browser.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    return thief


def test_a_copied_session_cookie_is_refused_after_logout(owner: User) -> None:
    browser = logged_in(owner)
    thief = copy_of(browser)
    assert thief.get(reverse("accounts:account")).status_code == 200
    browser.post(reverse("accounts:logout"))
    assert thief.get(reverse("accounts:account")).status_code == 302
    assert UserSession.objects.count() == 0


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(owner: User) -> None:
    here, elsewhere = logged_in(owner), logged_in(owner, SAFARI_IPHONE)
    stolen = copy_of(elsewhere)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "광주-새-비밀번호-99",
            "new_password2": "광주-새-비밀번호-99",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("accounts:account")).status_code == 200
    assert (
        elsewhere.get(reverse("accounts:account")).status_code,
        stolen.get(reverse("accounts:account")).status_code,
    ) == (302, 302)
    # the other session's row is gone from the database, not only refused by its hash
    assert UserSession.objects.filter(user=owner).count() == 1
    event = AuditEvent.objects.get(action="user.sessions_end")
    assert event.after == {"count": 1, "reason": "password_change"}


def test_a_password_reset_ends_every_session(client: Client, owner: User) -> None:
    from django.core import mail

    browser = logged_in(owner)
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "새-비밀번호-광주-2026", "new_password2": "새-비밀번호-광주-2026"},
    )
    assert browser.get(reverse("accounts:account")).status_code == 302
    assert UserSession.objects.filter(user=owner).count() == 0


def test_the_list_shows_each_login_with_its_browser(owner: User, teammate: User) -> None:
    here = logged_in(owner)
    logged_in(owner, SAFARI_IPHONE)
    logged_in(teammate)
    response = here.get(reverse("accounts:sessions"))
    rows = response.context["sessions"]
    assert [(row["device"], row["ip"], row["is_current"]) for row in rows] == [
        ("iPhone의 Safari", "127.0.0.1", False),
        ("Windows의 Chrome", "127.0.0.1", True),
    ]


@pytest.mark.parametrize("others", [0, 4])
def test_the_list_reads_a_fixed_number_of_queries(
    owner: User, others: int, django_assert_max_num_queries: Any
) -> None:
    here = logged_in(owner)
    for _ in range(others):
        logged_in(owner, SAFARI_IPHONE)
    here.get(reverse("accounts:sessions"))  # the last-seen write happened on login already
    with django_assert_max_num_queries(8):
        response = here.get(reverse("accounts:sessions"))
    assert len(response.context["sessions"]) == others + 1


def test_log_out_everywhere_else_ends_the_others(owner: User) -> None:
    here, phone, laptop = logged_in(owner), logged_in(owner, SAFARI_IPHONE), logged_in(owner)
    response = here.post(reverse("accounts:sessions_end_others"), follow=True)
    assert [row["is_current"] for row in response.context["sessions"]] == [True]
    assert (
        phone.get(reverse("accounts:account")).status_code,
        laptop.get(reverse("accounts:account")).status_code,
        here.get(reverse("accounts:account")).status_code,
    ) == (302, 302, 200)


def test_one_session_can_be_ended_but_not_someone_elses(owner: User, teammate: User) -> None:
    here, phone = logged_in(owner), logged_in(owner, SAFARI_IPHONE)
    theirs = logged_in(teammate)
    phone_row = UserSession.objects.get(user=owner, user_agent=SAFARI_IPHONE)
    teammate_row = UserSession.objects.get(user=teammate)
    assert here.post(reverse("accounts:session_end", args=[teammate_row.pk])).status_code == 404
    assert here.post(reverse("accounts:session_end", args=[phone_row.pk])).status_code == 302
    assert (
        phone.get(reverse("accounts:account")).status_code,
        theirs.get(reverse("accounts:account")).status_code,
    ) == (302, 200)


def test_last_seen_is_written_at_most_every_few_minutes(owner: User) -> None:
    import datetime as dt

    from django.utils import timezone

    browser = logged_in(owner)
    row = UserSession.objects.get()
    browser.get(reverse("accounts:account"))
    assert UserSession.objects.get().last_seen_at == row.last_seen_at
    session = browser.session
    key, seen = session["_bitgoeul_seen"]
    session["_bitgoeul_seen"] = [key, seen - 6 * 60]
    session.save()
    browser.get(reverse("accounts:account"))
    assert UserSession.objects.get().last_seen_at > row.last_seen_at
    assert UserSession.objects.get().last_seen_at <= timezone.now() + dt.timedelta(seconds=1)


def test_an_api_token_request_records_no_session(client: Client, owner: User) -> None:
    from bitgoeul.accounts.services import api_token_create

    _, secret = api_token_create(user=owner, name="script", scope="read")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert UserSession.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S928N) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("", "Unknown browser"),
    ],
)
def test_user_agent_names(header: str, expected: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert user_agent_describe(header) == expected


def test_a_password_reset_from_a_signed_in_browser_logs_it_out(owner: User) -> None:
    from django.core import mail

    browser = logged_in(owner)
    browser.post(reverse("accounts:password_reset"), {"email": owner.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_page = browser.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "새-비밀번호-광주-2026", "new_password2": "새-비밀번호-광주-2026"},
    )
    assert done.status_code == 302
    assert browser.get(reverse("accounts:account")).status_code == 302


def user_reads(queries: Any) -> list[str]:
    """The queries that read a user row on their own (not joined to its session)."""
    return [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_signed_in_request_reads_its_user_with_the_session(owner: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = logged_in(owner)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("accounts:account"))
    assert (response.status_code, response.wsgi_request.user) == (200, owner)
    assert user_reads(queries) == []
    assert 'FROM "accounts_usersession"' in queries.captured_queries[0]["sql"]


def test_the_user_read_with_the_session_must_be_the_sessions_user(
    owner: User, teammate: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = logged_in(owner)
    # a row naming someone else (it must never happen) does not make the request theirs
    UserSession.objects.filter(user=owner).update(user=teammate)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("accounts:account"))
    assert (response.status_code, response.wsgi_request.user) == (200, owner)
    assert len(user_reads(queries)) == 1


def test_django_checks_still_apply_to_the_user_read_with_the_session(owner: User) -> None:
    browser = logged_in(owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert browser.get(reverse("accounts:account")).status_code == 302
    User.objects.filter(pk=owner.pk).update(is_active=True)
    browser = logged_in(owner)
    owner.set_password("바뀐-비밀번호-2026")
    owner.save()  # changed elsewhere: this session's password hash no longer matches
    response = browser.get(reverse("accounts:account"))
    assert (response.status_code, response.wsgi_request.user.is_authenticated) == (302, False)
