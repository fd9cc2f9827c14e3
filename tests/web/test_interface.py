"""The site shell: error pages, the login and sign-up forms' wording and error summary, and the
member list's removal action."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from bitgoeul.web.errors import server_error
from tests.conftest import World

pytestmark = pytest.mark.django_db

ERRORS = {
    "ko": {
        400: "요청을 처리할 수 없습니다",
        403: "이 페이지를 볼 권한이 없습니다",
        404: "페이지를 찾을 수 없습니다",
        500: "서비스에 일시적인 문제가 생겼습니다",
        "csrf": "양식의 유효 시간이 지났습니다",
        "home": "홈으로 가기",
    },
    "en": {
        400: "The request could not be read",
        403: "You do not have access to this page",
        404: "Page not found",
        500: "Something went wrong on our side",
        "csrf": "The form has expired",
        "home": "Go to the home page",
    },
}


def speaking(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_error_page(html: str, language: str, key: int | str) -> None:
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert 'class="error-page"' in html
    assert f'<h1 id="error-title">{ERRORS[language][key]}</h1>' in html
    assert ERRORS[language]["home"] in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_404_is_the_sites_own_page(client: Client, language: str) -> None:
    response = speaking(client, language).get("/no-such-page/")
    assert response.status_code == 404
    assert_error_page(response.content.decode(), language, 404)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_403_keeps_the_header_and_menu(client: Client, world: World, language: str) -> None:
    client.force_login(world.teammate)
    response = speaking(client, language).get(reverse("audit:list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert_error_page(html, language, 403)
    assert 'class="main-nav"' in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_400_for_a_request_django_refuses(client: Client, language: str) -> None:
    response = speaking(client, language).get("/", HTTP_HOST="not-our-host.example")
    assert response.status_code == 400
    assert_error_page(response.content.decode(), language, 400)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_csrf_failure_is_the_sites_own_page(language: str) -> None:
    client = speaking(Client(enforce_csrf_checks=True), language)
    response = client.post(reverse("accounts:login"), {"username": "a@b.kr", "password": "x"})
    assert response.status_code == 403
    assert_error_page(response.content.decode(), language, "csrf")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_500_renders_without_database_or_request(
    language: str, django_assert_num_queries: object
) -> None:
    with translation.override(language), django_assert_num_queries(0):  # type: ignore[operator]
        html = render_to_string("500.html")
    assert_error_page(html, language, 500)
    request = RequestFactory().get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = server_error(request)
    assert response.status_code == 500
    assert_error_page(response.content.decode(), language, 500)


def test_login_error_is_our_own_sentence(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": world.owner.email, "password": "wrong"}
    )
    html = response.content.decode()
    assert "이메일 주소나 비밀번호가 맞지 않습니다." in html
    assert "와/과" not in html


def test_signup_errors_are_listed_linked_and_focusable(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {"name": "", "email": "x"})
    html = response.content.decode()
    assert "data-error-summary" in html and 'tabindex="-1"' in html
    assert '<a href="#id_name">' in html
    assert '<a href="#id_email">' in html
    assert '<fieldset class="consents"><legend>' in html
    # passwords are never sent back in the page: say so instead of silently emptying them
    assert 'id="password-cleared"' in html
    assert 'name="password1" value=' not in html


def test_each_consent_box_says_what_it_agrees_to(client: Client) -> None:
    html = client.get(reverse("accounts:signup")).content.decode()
    label = html.split('for="id_consent_signup_required">')[1].split("</label>")[0]
    assert "개인정보 수집·이용" in label
    assert html.count("위 내용에 동의합니다: ") == 2


def test_the_only_administrator_is_not_offered_removing_themselves(
    client: Client, world: World
) -> None:
    client.force_login(world.owner)
    html = client.get(reverse("accounts:organization", args=[world.company.pk])).content.decode()
    own = world.owner.memberships.get().pk
    other = world.teammate.memberships.get().pk
    org = world.company.pk
    assert reverse("accounts:membership_remove", args=[org, own]) not in html
    assert reverse("accounts:membership_remove", args=[org, other]) in html
    assert "구성원 제외" in html


def test_one_menu_item_is_current(client: Client, world: World) -> None:
    client.force_login(world.operator)
    html = client.get(reverse("companies:nominations")).content.decode()
    menu = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert menu.count('aria-current="page"') == 1
    assert f'href="{reverse("companies:nominations")}" aria-current="page"' in menu
