from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.jobs.models import Job, JobStatus, WorkerHeartbeat
from bitgoeul.jobs.registry import job_kind
from bitgoeul.jobs.services import (
    JobReporter,
    job_live_progress,
    job_run,
    job_start,
    progress_path,
    worker_heartbeat,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


@job_kind("test.count")
def count_to_three(job: Job, reporter: JobReporter) -> None:
    for n in range(1, 4):
        reporter.progress(n, 3)
        reporter.log(f"step {n}")
    if job.params.get("fail"):
        raise ValueError("the third step broke")


def test_job_start_refuses_an_unknown_kind(world: World) -> None:
    with pytest.raises(LookupError, match="no job kind 'nope'"):
        job_start(owner=world.owner, kind="nope", title="x", params={})
    assert Job.objects.count() == 0


def test_job_runs_through_the_task_backend_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(owner=world.owner, kind="test.count", title="count", params={})
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.log, job.percent) == (
        JobStatus.SUCCEEDED,
        3,
        3,
        ["step 1", "step 2", "step 3"],
        100,
    )


def test_a_failing_job_records_its_error(world: World) -> None:
    with transaction.atomic():
        job = job_start(owner=world.owner, kind="test.count", title="count", params={"fail": True})
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "the third step broke")


def test_progress_partial_polls_until_the_job_finishes(client: Client, world: World) -> None:
    job = Job.objects.create(owner=world.owner, kind="test.count", title="count", done=1, total=4)
    client.force_login(world.owner)
    running = client.get(reverse("jobs:progress", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "HX-Trigger" not in running.headers
    job.status = JobStatus.SUCCEEDED
    job.save()
    finished = client.get(reverse("jobs:progress", args=[job.pk]))
    assert "hx-trigger" not in finished.content.decode()
    assert finished.headers["HX-Trigger"] == "job-finished"


def test_healthz_reports_the_worker_heartbeat(client: Client) -> None:
    stale = client.get(reverse("web:healthz")).json()
    assert (stale["status"], stale["database"], stale["worker"]) == ("degraded", "ok", "stale")
    worker_heartbeat()
    fresh = client.get(reverse("web:healthz")).json()
    assert (fresh["status"], fresh["worker"]) == ("ok", "ok")
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert client.get(reverse("web:healthz")).json()["worker"] == "stale"


SEEN: list[tuple[int, int]] = []


@job_kind("test.one-transaction")
def count_in_one_transaction(job: Job, reporter: JobReporter) -> None:
    """Like an import: everything in one transaction, progress reported from inside it."""
    with transaction.atomic():
        for n in range(1, 3):
            reporter.progress(n, 4)
            SEEN.append(_seen_from_outside(job))


def _seen_from_outside(job: Job) -> tuple[int, int]:
    """What the task page would show now: for SQLite, in this process (the page reads the
    file); for PostgreSQL, from another connection, which sees only what was committed."""
    if connection.vendor != "postgresql":
        fresh = job_live_progress(Job.objects.get(pk=job.pk))
        return fresh.done, fresh.total
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT done, total FROM {Job._meta.db_table} WHERE id = %s", [job.pk])
            done, total = cursor.fetchone()
            return done, total
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_from_inside_a_transaction_is_seen_outside_it(world: World) -> None:
    job = Job.objects.create(
        owner=world.owner, kind="test.one-transaction", title="count", status=JobStatus.RUNNING
    )
    SEEN.clear()
    job_run(str(job.pk))
    assert SEEN == [(1, 4), (2, 4)]
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 4, 4)
    assert not progress_path(job.pk).exists()  # the side file is gone with the job


def test_live_progress_reads_only_a_running_jobs_side_file(world: World) -> None:
    job = Job.objects.create(
        owner=world.owner, kind="test.count", title="count", status=JobStatus.RUNNING, done=1
    )
    path = progress_path(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_text("3 10")
        assert (job_live_progress(job).done, job.total) == (3, 10)
        path.write_text("garbled")
        assert job_live_progress(job).done == 3  # as it was
        job.status = JobStatus.SUCCEEDED
        path.write_text("7 10")
        assert job_live_progress(job).done == 3
    finally:
        path.unlink(missing_ok=True)
