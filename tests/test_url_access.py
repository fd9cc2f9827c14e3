"""Every URL pattern of the project × every role, with the answer each must get.

A new view without a rule here makes `test_every_url_pattern_has_a_rule` fail: declare who may
see it when you add it. `LOGIN` means an anonymous visitor is sent to the login page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bitgoeul.accounts.enums import MembershipRole
from bitgoeul.accounts.services import api_token_create, invitation_create
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from tests.conftest import ROLES, World

LOGIN = "login"
Expected = int | str


def everyone(status: Expected, **overrides: Expected) -> dict[str, Expected]:
    return {role: overrides.get(role, status) for role in ROLES}


def signed_in(status: Expected, **overrides: Expected) -> dict[str, Expected]:
    return everyone(status, anonymous=LOGIN, **overrides)


def only(allowed: dict[str, Expected], otherwise: Expected) -> dict[str, Expected]:
    return {role: allowed.get(role, LOGIN if role == "anonymous" else otherwise) for role in ROLES}


@dataclass(frozen=True)
class Rule:
    expect: dict[str, Expected]
    method: str = "get"
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    json: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def _invitation_token(w: World) -> str:
    from django.db import transaction

    with transaction.atomic():
        _, token = invitation_create(
            organization=w.company,
            email="new@example.kr",
            role=MembershipRole.MEMBER,
            actor=w.owner,
        )
    return token


def _job(w: World, with_file: bool = False) -> Job:
    job = Job.objects.create(owner=w.owner, kind="audit.export", title="export")
    if with_file:
        from pathlib import Path

        from django.conf import settings

        path = Path(settings.MEDIA_ROOT) / "exports" / f"{job.pk}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("at,actor\n", encoding="utf-8")
        job.result_file, job.status = f"exports/{job.pk}.csv", JobStatus.SUCCEEDED
        job.save()
    return job


def _owner_token_id(w: World) -> dict[str, Any]:
    from django.db import transaction

    with transaction.atomic():
        token, _ = api_token_create(user=w.owner, name="script", scope="read")
    return {"token_id": token.pk}


def _owner_other_session(w: World) -> dict[str, Any]:
    from bitgoeul.accounts.sessions import user_session_seen

    store = SessionStore()
    store.create()
    assert store.session_key is not None
    user_session_seen(session_key=store.session_key, user=w.owner, user_agent="curl/8", ip="::1")
    return {"session_id": w.owner.sessions.get(session_id=store.session_key).pk}


def _teammate_membership(w: World) -> dict[str, Any]:
    return {"org_id": w.company.pk, "membership_id": w.teammate.memberships.get().pk}


def _company_invitation(w: World) -> dict[str, Any]:
    _invitation_token(w)
    return {"org_id": w.company.pk, "invitation_id": w.company.invitations.get().pk}


def _invitation_awaiting_approval(w: World) -> dict[str, Any]:
    from django.db import transaction

    with transaction.atomic():
        invitation, _ = invitation_create(
            organization=w.company, email="new@example.kr", role="member", actor=w.operator
        )
    return {"org_id": w.company.pk, "invitation_id": invitation.pk}


COMPANY_ADMIN = only({"owner": 302, "operator": 302, "teammate": 403}, otherwise=404)
# approving an outsider's invitation: the company's own administrator, not operator staff
COMPANY_OWN_ADMIN = only({"owner": 302, "operator": 403, "teammate": 403}, otherwise=404)

RULES: dict[str, Rule] = {
    "web:home": Rule(everyone(200)),
    "web:privacy": Rule(everyone(200)),
    "web:healthz": Rule(everyone(200)),
    "web:status": Rule(everyone(200)),
    "web:livez": Rule(everyone(200)),
    "accounts:login": Rule(everyone(302, anonymous=200)),
    "accounts:logout": Rule(everyone(302), method="post"),
    "accounts:signup": Rule(everyone(302, anonymous=200)),
    "accounts:password_reset": Rule(everyone(200)),
    "accounts:password_reset_done": Rule(everyone(200)),
    "accounts:password_reset_confirm": Rule(
        everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}
    ),
    "accounts:password_reset_complete": Rule(everyone(200)),
    "accounts:invitation": Rule(everyone(200), kwargs=lambda w: {"token": _invitation_token(w)}),
    "accounts:account": Rule(signed_in(200)),
    "accounts:password_change": Rule(signed_in(200)),
    "accounts:consent_update": Rule(
        signed_in(302),
        method="post",
        kwargs=lambda w: {"document": "signup.newsletter"},
        data=lambda w: {"agreed": "1"},
    ),
    "accounts:personal_data": Rule(signed_in(200)),
    "accounts:delete_account": Rule(signed_in(200)),
    "accounts:sessions": Rule(signed_in(200)),
    "accounts:sessions_end_others": Rule(signed_in(302), method="post"),
    "accounts:session_end": Rule(
        only({"owner": 302}, otherwise=404), method="post", kwargs=_owner_other_session
    ),
    "accounts:api_tokens": Rule(signed_in(200)),
    "accounts:api_token_revoke": Rule(
        only({"owner": 302}, otherwise=404), method="post", kwargs=_owner_token_id
    ),
    "accounts:organization_switch": Rule(
        only({"owner": 302, "teammate": 302}, otherwise=403),
        method="post",
        data=lambda w: {"organization": w.company.pk},
    ),
    "accounts:organization": Rule(
        only({"owner": 200, "teammate": 200, "operator": 200}, otherwise=404),
        kwargs=lambda w: {"org_id": w.company.pk},
    ),
    "accounts:membership_role": Rule(
        COMPANY_ADMIN, method="post", kwargs=_teammate_membership, data=lambda w: {"role": "staff"}
    ),
    "accounts:membership_remove": Rule(COMPANY_ADMIN, method="post", kwargs=_teammate_membership),
    "accounts:invitation_revoke": Rule(COMPANY_ADMIN, method="post", kwargs=_company_invitation),
    "accounts:invitation_approve": Rule(
        COMPANY_OWN_ADMIN, method="post", kwargs=_invitation_awaiting_approval
    ),
    "accounts:invitation_decline": Rule(
        COMPANY_OWN_ADMIN, method="post", kwargs=_invitation_awaiting_approval
    ),
    "audit:list": Rule(only({"operator": 200}, otherwise=403)),
    "audit:export": Rule(only({"operator": 302}, otherwise=403), method="post"),
    "audit:recent": Rule(only({"operator": 200}, otherwise=403)),
    "jobs:detail": Rule(
        only({"owner": 200, "operator": 200}, otherwise=404),
        kwargs=lambda w: {"job_id": _job(w).pk},
    ),
    "jobs:progress": Rule(
        only({"owner": 200, "operator": 200}, otherwise=404),
        kwargs=lambda w: {"job_id": _job(w).pk},
    ),
    "jobs:download": Rule(
        only({"owner": 200, "operator": 200}, otherwise=404),
        kwargs=lambda w: {"job_id": _job(w, with_file=True).pk},
    ),
    "set_language": Rule(everyone(302), method="post", data=lambda w: {"language": "en"}),
    "api-1:openapi-json": Rule(everyone(200)),
    "api-1:openapi-view": Rule(everyone(200)),
    "api-1:me": Rule(everyone(200, anonymous=401)),
    "api-1:me_update": Rule(
        everyone(200, anonymous=401),
        method="patch",
        json=True,
        data=lambda w: {"name": "새 이름", "language": "en"},
    ),
    "api-1:api-root": Rule(everyone(404)),
    "api_docs": Rule(everyone(302)),
    "favicon": Rule(everyone(302)),
}
from tests.companies.url_rules import COMPANIES_RULES  # noqa: E402  (it imports Rule from here)

RULES.update(COMPANIES_RULES)
from tests.notifications.url_rules import NOTIFICATIONS_RULES  # noqa: E402  (as above)

RULES.update(NOTIFICATIONS_RULES)
from tests.programs.url_rules_calls import CALLS_RULES  # noqa: E402  (as above)

RULES.update(CALLS_RULES)
from tests.programs.url_rules_awards import AWARDS_RULES  # noqa: E402  (as above)

RULES.update(AWARDS_RULES)
from tests.programs.url_rules_apps import RULES as PROGRAMS_APPS_RULES  # noqa: E402  (as above)

RULES.update(PROGRAMS_APPS_RULES)
from tests.programs.url_rules_scoring import SCORING_RULES  # noqa: E402  (as above)

RULES.update(SCORING_RULES)
from tests.programs.url_rules_review import REVIEW_RULES  # noqa: E402  (as above)

RULES.update(REVIEW_RULES)
from tests.equipment.url_rules_rules import RULES_RULES  # noqa: E402  (as above)

RULES.update(RULES_RULES)
from tests.equipment.url_rules_lifecycle import RULES as EQUIPMENT_LIFECYCLE_RULES  # noqa: E402

RULES.update(EQUIPMENT_LIFECYCLE_RULES)
from tests.equipment.url_rules_api import RULES as EQUIPMENT_API_RULES  # noqa: E402  (as above)

RULES.update(EQUIPMENT_API_RULES)
from tests.demonstrations.url_rules import RULES as DEMONSTRATIONS_RULES  # noqa: E402  (as above)

RULES.update(DEMONSTRATIONS_RULES)
from tests.equipment.url_rules_catalogue import CATALOGUE_RULES  # noqa: E402  (as above)

RULES.update(CATALOGUE_RULES)
from tests.matchmaking.url_rules import RULES as MATCHMAKING_RULES  # noqa: E402  (as above)

RULES.update(MATCHMAKING_RULES)

from tests.promotion.url_rules_events import RULES as PROMOTION_EVENTS_RULES  # noqa: E402

RULES.update(PROMOTION_EVENTS_RULES)
from tests.promotion.url_rules_news import RULES as NEWS_RULES  # noqa: E402  (as above)

RULES.update(NEWS_RULES)
from tests.compute.url_rules_sched import RULES as COMPUTE_SCHED_RULES  # noqa: E402  (as above)

RULES.update(COMPUTE_SCHED_RULES)
from tests.compute.url_rules_burn import RULES as COMPUTE_BURN_RULES  # noqa: E402  (as above)

RULES.update(COMPUTE_BURN_RULES)
from tests.compute.url_rules_pools import RULES as COMPUTE_POOLS_RULES  # noqa: E402  (as above)

RULES.update(COMPUTE_POOLS_RULES)
from tests.compute.url_rules_ingest import RULES as COMPUTE_INGEST_RULES  # noqa: E402

RULES.update(COMPUTE_INGEST_RULES)
from tests.compute.url_rules_rounds import RULES as COMPUTE_ROUNDS_RULES  # noqa: E402  (as above)

RULES.update(COMPUTE_ROUNDS_RULES)


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_url_pattern_has_a_rule() -> None:
    assert sorted(set(url_names())) == sorted(RULES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RULES))
def test_url_answers_role_as_declared(name: str, role: str, world: World, client: Client) -> None:
    rule = RULES[name]
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=rule.kwargs(world))
    data = rule.data(world)
    send = getattr(client, rule.method)
    if rule.json:
        response = send(url, data=json.dumps(data), content_type="application/json")
    else:
        response = send(url, data=data)
    expected = rule.expect[role]
    if expected == LOGIN:
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("accounts:login"),
        )
    else:
        assert response.status_code == expected, response.content[:300]


def test_world_roles_are_distinct(world: World) -> None:
    users = [world.user(role) for role in ROLES]
    assert users[0] is None and not isinstance(users[0], AnonymousUser)
    assert len({u.pk for u in users if u is not None}) == len(ROLES) - 1


# --- which fields each role receives (pages, API, exports): tests/companies/field_rules.py ---


def test_fields_reach_each_role_as_declared(world: World, tmp_path: Any) -> None:
    from tests.companies.field_rules import field_leaks, scene
    from tests.compute.field_rules_burn import burn_field_leaks

    assert field_leaks(world, scene(world), tmp_path) + burn_field_leaks(world) == []


def test_field_harness_reports_a_reintroduced_leak(
    world: World, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The employee count shown at the public level again (the leak of issue 8 item 2): the
    harness names it, in the API and in the export."""
    from bitgoeul.companies.access import COMPANY_FIELDS
    from bitgoeul.core.visibility import ViewLevel
    from tests.companies.field_rules import field_leaks, scene

    monkeypatch.setitem(COMPANY_FIELDS.minimum, "employees", ViewLevel.PUBLIC)
    leaks = field_leaks(world, scene(world), tmp_path, roles=["reviewer"])
    assert leaks == [
        "api list reviewer gwangju: employees shown, expected hidden",
        "api detail reviewer gwangju: employees shown, expected hidden",
        "api list reviewer busan: employees shown, expected hidden",
        "api detail reviewer busan: employees shown, expected hidden",
        "export reviewer gwangju: Employees shown, expected hidden",
        "export reviewer busan: Employees shown, expected hidden",
    ]
