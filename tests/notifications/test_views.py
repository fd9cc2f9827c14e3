"""The list page (paging, mark read), the menu count and the settings page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AuditEvent
from bitgoeul.companies.models import Company
from bitgoeul.companies.notification_kinds import NOMINATED, SCORE_JUMP
from bitgoeul.notifications.models import Notification, NotificationPreference
from bitgoeul.notifications.navigation import nav_items
from bitgoeul.notifications.registry import kinds
from bitgoeul.notifications.services import notify
from tests.conftest import World


def _jumps(world: World, company: Company, count: int) -> None:
    for index in range(count):
        notify(
            recipients=[world.operator],
            kind=SCORE_JUMP,
            obj=company,
            params={"before": 10.0, "after": 50.0 + index},
        )


def test_list_pages_by_25_and_marks_read(world: World, company: Company, client: Client) -> None:
    _jumps(world, company, 30)
    client.force_login(world.operator)
    first = client.get(reverse("notifications:list")).context
    second = client.get(reverse("notifications:list"), {"page": 2}).context
    assert (len(first["rows"]), len(second["rows"])) == (25, 5)
    newest = first["rows"][0].notification
    response = client.post(reverse("notifications:read", args=[newest.pk]), {"page": "1"})
    assert response["Location"] == reverse("notifications:list") + "?page=1"
    assert Notification.objects.filter(read_at__isnull=True).count() == 29
    newest.refresh_from_db()
    assert newest.read_at is not None
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_nobody_marks_another_users_notice_read(
    world: World, company: Company, client: Client
) -> None:
    _jumps(world, company, 1)
    client.force_login(world.owner)
    notice = Notification.objects.get()
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("count", [0, 30])
def test_menu_count_is_one_query(
    world: World, company: Company, count: int, django_assert_num_queries: Any
) -> None:
    _jumps(world, company, count)
    with django_assert_num_queries(1):
        items = nav_items(world.operator)
    assert items == [("알림(새 알림 30건)" if count else "알림", reverse("notifications:list"))]


def test_menu_shows_the_unread_count(world: World, company: Company, client: Client) -> None:
    _jumps(world, company, 3)
    client.force_login(world.operator)
    assert "알림(새 알림 3건)" in client.get(reverse("web:home")).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count(
    world: World,
    company: Company,
    client: Client,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    _jumps(world, company, count)
    client.force_login(world.operator)
    # session, user, memberships, menu count, page count, page, the companies named
    with django_assert_max_num_queries(7):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_settings_page_saves_choices_per_kind(world: World, client: Client) -> None:
    client.force_login(world.operator)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="in_app:companies.score_jump" checked' in page
    assert 'name="email:companies.score_jump" checked' not in page
    # every kind keeps its defaults except the score jump: e-mail on, in-app off (the other
    # apps' kinds too, whatever they are)
    data = {f"in_app:{k.code}": "on" for k in kinds() if k.in_app_default}
    data |= {f"email:{k.code}": "on" for k in kinds() if k.email_default}
    data |= {f"in_app:{NOMINATED}": "on", "email:companies.score_jump": "on"}
    data.pop("in_app:companies.score_jump")
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    stored = list(
        NotificationPreference.objects.filter(user=world.operator).values_list(
            "kind", "in_app", "email"
        )
    )
    assert stored == [(SCORE_JUMP, False, True)]
    event = AuditEvent.objects.get(action="notification_preferences.set")
    assert (event.before, event.after) == (
        {SCORE_JUMP: {"in_app": True, "email": False}},
        {SCORE_JUMP: {"in_app": False, "email": True}},
    )
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'name="email:companies.score_jump" checked' in page


def test_the_old_companies_page_redirects(client: Client, world: World) -> None:
    client.force_login(world.operator)
    response = client.get("/companies/notifications/")
    assert (response.status_code, response["Location"]) == (301, reverse("notifications:list"))
