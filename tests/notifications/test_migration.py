"""The companies notices move into the notifications table (companies migration 0004)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bitgoeul.companies.notification_kinds import APPLIED, SCORE_JUMP

BEFORE = [
    # accounts as it was before the prospects (later columns would be missing in old_apps)
    ("accounts", "0003_sessions_throttles_token_expiry"),
    ("companies", "0003_default_technologies_and_weights"),
    ("notifications", "0001_notifications"),
]
AFTER = [("companies", "0004_move_notifications_to_notifications_app")]


@pytest.mark.django_db(transaction=True)
def test_old_notices_are_copied_with_their_company_kind_and_read_state() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    user = old_apps.get_model("accounts", "User").objects.create(email="w@example.kr", name="w")
    organization = old_apps.get_model("accounts", "Organization").objects.create(
        name="(주)옛알림", kind="company", brn="1018100016"
    )
    company = old_apps.get_model("companies", "Company").objects.create(organization=organization)
    old = old_apps.get_model("companies", "Notification")
    read_at = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    jump = old.objects.create(
        recipient=user,
        company=company,
        kind="score_jump",
        params={"before": 1, "after": 9},
        read_at=read_at,
    )
    old.objects.create(recipient=user, company=company, kind="applied", params={"what": "공고"})
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    copied = list(
        new_apps.get_model("notifications", "Notification")
        .objects.order_by("pk")
        .values_list("recipient_id", "kind", "object_type", "object_id", "params", "read_at")
    )
    assert copied == [
        (user.pk, SCORE_JUMP, "companies.company", str(company.pk), jump.params, read_at),
        (user.pk, APPLIED, "companies.company", str(company.pk), {"what": "공고"}, None),
    ]
    first = new_apps.get_model("notifications", "Notification").objects.order_by("pk").first()
    assert first.created_at == jump.created_at
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
