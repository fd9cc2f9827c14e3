from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from bitgoeul.audit.models import AppendOnlyError, AuditEvent
from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.models import Job
from tests.conftest import World

pytestmark = pytest.mark.django_db


def record(world: World, action: str = "membership.invite") -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=world.owner, action=action, obj=world.company, before={"a": 1}, after={"a": 2}
        )


def test_audit_record_writes_actor_object_and_changes(world: World) -> None:
    event = record(world)
    assert (
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.before,
        event.after,
    ) == (
        world.owner,
        "membership.invite",
        "accounts.organization",
        str(world.company.pk),
        {"a": 1},
        {"a": 2},
    )


def test_audit_record_refuses_to_run_outside_a_transaction(world: World) -> None:
    # pytest-django wraps each test in a transaction; leave it to see the real check.
    with connection.cursor():
        pass
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the caller's transaction"):
            audit_record(actor=world.owner, action="x")
    finally:
        connection.in_atomic_block = atomic


def test_audit_events_cannot_be_changed_through_the_orm(world: World) -> None:
    event = record(world)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update_behind_the_orms_back(world: World) -> None:
    event = record(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "membership.invite"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_behind_the_orms_back(world: World) -> None:
    event = record(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_audit_page_filters_by_action_and_actor(client: Client, world: World) -> None:
    record(world, "membership.invite")
    record(world, "api_token.create")
    client.force_login(world.operator)
    response = client.get(
        reverse("audit:list"), {"action": "api_token.create", "actor": world.owner.email}
    )
    assert [e.action for e in response.context["page"].object_list] == ["api_token.create"]
    partial = client.get(
        reverse("audit:list"), {"action": "membership.remove"}, HTTP_HX_REQUEST="true"
    )
    assert partial.templates[0].name == "audit/_rows.html"


def test_audit_page_query_count_does_not_grow_with_events(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.operator)
    record(world)
    with django_assert_max_num_queries(10):
        client.get(reverse("audit:list"))
    for _ in range(30):
        record(world)
    with django_assert_max_num_queries(10):
        client.get(reverse("audit:list"))


def test_audit_export_job_writes_a_csv_excel_can_read(
    client: Client, world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    record(world, "invitation.create")
    record(world, "api_token.create")
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:export"), {"action": "invitation.create"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.done, job.total) == ("succeeded", 1, 1)
    raw = (media_root / job.result_file).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert [row[2] for row in rows] == ["action", "invitation.create"]
    download = client.get(job.result_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == raw  # type: ignore[attr-defined]
