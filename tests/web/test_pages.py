from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.web.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import World

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_the_strict_content_security_policy(client: Client) -> None:
    response = client.get(reverse("web:home"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(ROOT) for p in ROOT.glob("bitgoeul/**/templates/**/*.html"))
)
def test_templates_have_no_inline_script_or_style(path: Path) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    inline_scripts = [
        m for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) if "application/json" not in m
    ]
    assert inline_scripts == []
    assert re.findall(r"\sstyle=|<style|\son[a-z]+=", text) == []


def test_korean_is_the_default_language(client: Client) -> None:
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.headers["Content-Language"] == "ko"
    assert '<html lang="ko">' in response.content.decode()


def test_the_language_switch_sticks(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("web:home"))
    assert (
        response.headers["Content-Language"],
        '<html lang="en">' in response.content.decode(),
    ) == ("en", True)


def test_landing_page_for_visitors(client: Client, world: World) -> None:
    response = client.get(reverse("web:home"))
    assert response.templates[0].name == "web/landing.html"
    assert response.context["figures"] == {"companies": 2, "chapters": 2}


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("operator", {"operator", "companies/home/operator.html"}),
        ("chapter_staff", {"companies/home/staff.html"}),
        ("owner", {"company", "companies/home/company.html"}),
        ("teammate", {"company", "companies/home/company.html"}),
        ("reviewer", {"is_reviewer"}),
    ],
)
def test_home_shows_the_dashboard_of_each_role(
    client: Client, world: World, role: str, sections: set[str]
) -> None:
    client.force_login(getattr(world, role))
    context = client.get(reverse("web:home")).context
    shown = {key for key in ("operator", "company") if key in context}
    shown |= {"is_reviewer"} if context["is_reviewer"] else set()
    shown |= {section.template for section in context["sections"]}
    assert shown == sections


def test_chapter_staff_see_their_chapters_companies_only(client: Client, world: World) -> None:
    from tests.companies.helpers import company_record

    record = company_record(world.company)
    company_record(world.other_company)
    client.force_login(world.chapter_staff)
    [section] = client.get(reverse("web:home")).context["sections"]
    assert section.context["recent"] == [record]


def test_operator_figures_are_cached_for_a_minute_and_activity_is_fresh(
    client: Client, world: World
) -> None:
    from bitgoeul.audit.services import audit_record
    from bitgoeul.web.selectors import OPERATOR_FIGURES_KEY
    from tests.factories import CompanyFactory

    client.force_login(world.operator)
    assert client.get(reverse("web:home")).context["operator"]["companies"] == 2
    CompanyFactory.create_batch(3, parent=world.chapter)
    with transaction.atomic():
        audit_record(actor=world.owner, action="test.fresh", obj=world.company)
    context = client.get(reverse("web:home")).context["operator"]
    recent = client.get(reverse("audit:recent")).context["rows"]
    # The counts may be up to FIGURES_TTL seconds old; the activity is read on every request.
    assert (context["companies"], recent[0].event.action) == (2, "test.fresh")
    cache.delete(OPERATOR_FIGURES_KEY)  # what the expiry does
    assert client.get(reverse("web:home")).context["operator"]["companies"] == 5


def test_a_change_shows_at_once_on_the_company_home(client: Client, world: World) -> None:
    client.force_login(world.owner)
    assert client.get(reverse("web:home")).context["company"]["open_invitations"] == 0
    client.post(
        reverse("accounts:organization", args=[world.company.pk]),
        {"email": "n@x.kr", "role": "member"},
    )
    assert client.get(reverse("web:home")).context["company"]["open_invitations"] == 1


def test_a_revoked_token_is_refused_at_once(client: Client, world: World) -> None:
    from bitgoeul.accounts.services import api_token_create, api_token_revoke

    with transaction.atomic():
        token, secret = api_token_create(user=world.owner, name="script", scope="read")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with transaction.atomic():
        api_token_revoke(token=token, actor=world.owner)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_request_id_is_echoed_and_recorded(client: Client) -> None:
    response = client.get(reverse("web:livez"), HTTP_X_REQUEST_ID="abcdef12-3456")
    assert response["X-Request-ID"] == "abcdef12-3456"
    forged = client.get(reverse("web:livez"), HTTP_X_REQUEST_ID="<script>")
    assert re.fullmatch(r"[0-9a-f-]{36}", forged["X-Request-ID"])


def test_organization_switcher_changes_the_acting_organization(
    client: Client, world: World
) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory.create(user=world.owner, organization=world.other_company, role="member")
    client.force_login(world.owner)
    client.post(reverse("accounts:organization_switch"), {"organization": world.other_company.pk})
    assert client.get(reverse("web:home")).context["membership"].organization == world.other_company


def test_the_cached_company_filters_follow_the_filters_rights_and_language(
    client: Client, world: World
) -> None:
    from bitgoeul.companies.regions import PROVINCE_CHOICES

    code = PROVINCE_CHOICES[0][0]
    selected = f'<option value="{code}" selected>'
    filtered = client.get(reverse("companies:list"), {"province": code}).content.decode()
    plain = client.get(reverse("companies:list"), {"q": "로봇"}).content.decode()
    client.force_login(world.operator)  # may sort by potential: another fragment
    staff = client.get(reverse("companies:list"), {"q": "로봇"}).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("companies:list"), {"q": "로봇"}).content.decode()
    assert (selected in filtered, selected in plain) == (True, False)
    assert ('value="potential"' in plain, 'value="potential"' in staff) == (False, True)
    assert ("More filters" in staff, "More filters" in english) == (False, True)
