"""Who receives and who sees which notification: the kind's visibility check at send time and
again at display time (issue 8, items 2 and 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company
from bitgoeul.companies.notification_kinds import NOMINATION_DECIDED, SCORE_JUMP
from bitgoeul.companies.services.nominations import nomination_create, nomination_set_state
from bitgoeul.companies.services.profile import company_set_chapter_consent
from bitgoeul.companies.services.scoring import score_recompute
from bitgoeul.companies.services.watchlists import watchlist_add
from bitgoeul.notifications import registry
from bitgoeul.notifications.models import Notification
from bitgoeul.notifications.selectors import notifications_for, readable_rows
from bitgoeul.notifications.services import notify, notify_each
from tests.companies.helpers import make_company
from tests.conftest import ROLES, World

JUMP = {"before": 65.5, "after": 98.7}


def _everyone(world: World) -> list[Any]:
    return [world.user(role) or AnonymousUser() for role in ROLES]


def _recipients(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.mark.parametrize("consent", [False, True])
def test_score_jump_reaches_only_who_may_see_private_data(
    world: World, company: Company, consent: bool
) -> None:
    if consent:
        company_set_chapter_consent(company=company, actor=world.owner, consent=True)
    notify(recipients=_everyone(world), kind=SCORE_JUMP, obj=company, params=JUMP)
    expected = {world.owner.pk, world.teammate.pk, world.operator.pk}
    if consent:
        expected.add(world.chapter_staff.pk)
    assert _recipients(SCORE_JUMP) == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_the_score_jump_as_declared(
    world: World, company: Company, client: Client, role: str
) -> None:
    notify(recipients=_everyone(world), kind=SCORE_JUMP, obj=company, params=JUMP)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("notifications:list"))
    if user is None:
        assert response.status_code == 302
        return
    sees = role in {"owner", "teammate", "operator"}
    assert ("65.5" in response.content.decode()) == sees


def test_score_recompute_does_not_leak_the_score_to_chapter_staff_without_consent(
    world: World,
) -> None:
    """The leak of issue 8 item 2: chapter staff watching a company that has not consented
    got "potential score moved from 65.5 to 98.7"."""
    peers = [
        make_company(f"(주)동료{i}", parent=world.chapter, ksic_code="62010", patents=i)
        for i in range(5)
    ]
    watchlist_add(user=world.chapter_staff, company=peers[0])
    watchlist_add(user=world.operator, company=peers[0])
    score_recompute(actor=world.operator)
    Company.objects.filter(pk=peers[0].pk).update(patents=99)
    score_recompute(actor=world.operator)
    assert list(Notification.objects.values_list("recipient_id", "kind", "object_id")) == [
        (world.operator.pk, SCORE_JUMP, str(peers[0].pk))
    ]


def test_score_recompute_tells_chapter_staff_when_the_company_consents(world: World) -> None:
    peers = [
        make_company(f"(주)동료{i}", parent=world.chapter, ksic_code="62010", patents=i)
        for i in range(5)
    ]
    company_set_chapter_consent(company=peers[0], actor=world.operator, consent=True)
    watchlist_add(user=world.chapter_staff, company=peers[0])
    score_recompute(actor=world.operator)
    Company.objects.filter(pk=peers[0].pk).update(patents=99)
    score_recompute(actor=world.operator)
    assert _recipients(SCORE_JUMP) == {world.chapter_staff.pk}


def test_a_notice_is_hidden_once_its_object_is_no_longer_visible(
    world: World, company: Company, client: Client
) -> None:
    company_set_chapter_consent(company=company, actor=world.owner, consent=True)
    notify(recipients=[world.chapter_staff], kind=SCORE_JUMP, obj=company, params=JUMP)
    client.force_login(world.chapter_staff)
    assert "65.5" in client.get(reverse("notifications:list")).content.decode()
    company_set_chapter_consent(company=company, actor=world.owner, consent=False)
    page = client.get(reverse("notifications:list")).content.decode()
    assert ("65.5" in page, "이 페이지의 알림 1건은" in page) == (False, True)
    notices = list(notifications_for(world.chapter_staff))
    rows, hidden = readable_rows(world.chapter_staff, notices)
    assert (rows, hidden) == ([], 1)


def test_a_notice_about_a_deleted_object_is_hidden(world: World, company: Company) -> None:
    notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP)
    Notification.objects.update(object_id="999999")
    rows, hidden = readable_rows(world.operator, list(notifications_for(world.operator)))
    assert (rows, hidden) == ([], 1)


def test_inactive_users_get_nothing(world: World, company: Company) -> None:
    world.operator.is_active = False
    world.operator.save(update_fields=["is_active"])
    assert notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params=JUMP) == 0


def test_unknown_kind_and_wrong_object_are_refused(world: World, company: Company) -> None:
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(recipients=[world.operator], kind="companies.nope", obj=company)
    with pytest.raises(ValueError, match=r"is about companies\.company"):
        notify(recipients=[world.operator], kind=SCORE_JUMP, obj=world.company)


def test_a_kind_may_be_about_any_object(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kind registered for organisations, as a later app would register its own model."""

    def is_member(user: Any, organization: Organization) -> bool:
        return organization.memberships.filter(user_id=user.pk).exists()

    kind = registry.Kind(
        code="tests.organization_news",
        label="Organisation news",
        model="accounts.organization",
        text=lambda organization, params: f"news: {params['what']}",
        link=lambda organization: f"/organizations/{organization.pk}/",
        can_see=is_member,
    )
    monkeypatch.setitem(registry._KINDS, kind.code, kind)
    sent = notify(
        recipients=[world.chapter_staff, world.operator],
        kind=kind.code,
        obj=world.chapter,
        params={"what": "총회 일정"},
        actor=world.operator,
    )
    notice = Notification.objects.get()
    assert (sent, notice.recipient, notice.object_type, notice.object_id, notice.actor) == (
        1,
        world.chapter_staff,
        "accounts.organization",
        str(world.chapter.pk),
        world.operator,
    )
    client.force_login(world.chapter_staff)
    page = client.get(reverse("notifications:list")).content.decode()
    assert ("news: 총회 일정" in page, f'href="/organizations/{world.chapter.pk}/"' in page) == (
        True,
        True,
    )


def test_registering_another_kind_under_a_taken_code_fails() -> None:
    taken = registry.kind_get(SCORE_JUMP)
    assert taken is not None
    with pytest.raises(ValueError, match="already registered"):
        registry.kind_register(
            registry.Kind(
                code=SCORE_JUMP,
                label="x",
                model="companies.company",
                text=lambda o, p: "",
                link=lambda o: "/",
                can_see=lambda u, o: True,
            )
        )


def test_the_nominating_chapter_hears_of_the_decision(
    world: World, company: Company, django_capture_on_commit_callbacks: Any, mailoutbox: list
) -> None:
    other_staff = world.other_chapter.memberships.create(user=world.teammate, role="staff").user
    nomination = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="성장"
    )
    with django_capture_on_commit_callbacks(execute=True):
        nomination_set_state(
            nomination=nomination, state="declined", actor=world.operator, note="보완 후 재추천"
        )
    assert _recipients(NOMINATION_DECIDED) == {world.chapter_staff.pk}
    assert other_staff.pk not in _recipients(NOMINATION_DECIDED)
    rows, _ = readable_rows(world.chapter_staff, list(notifications_for(world.chapter_staff)))
    assert [(row.title, row.text) for row in rows] == [
        (
            "(주)빛고을에이아이",
            "클러스터에서 지회의 추천을 반려했습니다. 의견: 보완 후 재추천",
        )
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            [world.chapter_staff.email],
            "[빛고을] 지회 추천의 결정: (주)빛고을에이아이",
        )
    ]


def test_a_withdrawal_notifies_nobody(world: World, company: Company) -> None:
    nomination = nomination_create(
        company=company, chapter=world.chapter, actor=world.chapter_staff, reason="성장"
    )
    nomination_set_state(nomination=nomination, state="withdrawn", actor=world.chapter_staff)
    assert _recipients(NOMINATION_DECIDED) == set()


def test_notices_keep_their_time_order(world: World, company: Company) -> None:
    notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params={"before": 1})
    Notification.objects.update(created_at=Notification.objects.get().created_at - dt.timedelta(1))
    notify(recipients=[world.operator], kind=SCORE_JUMP, obj=company, params={"before": 2})
    params = [n.params["before"] for n in notifications_for(world.operator)]
    assert params == [2, 1]


def test_notify_each_gives_each_group_its_own_figures_once_per_person(
    world: World, company: Company, django_assert_max_num_queries: Any
) -> None:
    """One event told to several groups (a round's decision to each company): each person
    once, with the first group's params; the visibility rule still applies per person; one
    preferences query and one insert for all of them."""
    company_set_chapter_consent(company=company, actor=world.owner, consent=False)
    first = {"before": 1.0, "after": 2.0}
    second = {"before": 3.0, "after": 4.0}
    with django_assert_max_num_queries(12):
        written = notify_each(
            kind=SCORE_JUMP,
            obj=company,
            each=[
                ([world.owner, world.chapter_staff], first),
                ([world.teammate, world.owner, world.operator], second),
            ],
            actor=world.operator,
        )
    rows = dict(Notification.objects.values_list("recipient_id", "params"))
    assert written == 3
    assert rows == {world.owner.pk: first, world.teammate.pk: second, world.operator.pk: second}


def test_organization_users_by_organization_groups_members_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    from bitgoeul.accounts.selectors import organization_users_by_organization

    with django_assert_num_queries(1):
        members = organization_users_by_organization([world.company.pk, world.chapter.pk, -1])
    assert {u.pk for u in members[world.company.pk]} == {world.owner.pk, world.teammate.pk}
    assert world.chapter_staff.pk in {u.pk for u in members[world.chapter.pk]}
    assert -1 not in members
