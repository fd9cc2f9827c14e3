from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bitgoeul.jobs import runner
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job, WorkerHeartbeat
from bitgoeul.jobs.registry import job_kind
from bitgoeul.jobs.reporting import side_file
from bitgoeul.jobs.runner import (
    ERROR_UNEXPECTED,
    ERROR_WORKER_LOST,
    JobFailure,
    heartbeat_once,
    leases_renew,
    on_database,
    worker_name,
)
from bitgoeul.jobs.services import (
    MAX_ATTEMPTS,
    JobReporter,
    job_live_progress,
    job_reap_lost,
    job_run,
    job_start,
    worker_heartbeat,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def count_to_three(job: Job, reporter: JobReporter) -> None:
    for n in range(1, 4):
        reporter.progress(n, 3)
        reporter.log(f"step {n}")
    if job.params.get("fail") == "unexpected":
        raise ValueError("internal detail: /srv/x.py line 3")
    if job.params.get("fail"):
        raise JobFailure("세 번째 단계를 처리하지 못했습니다.")


@pytest.fixture(autouse=True)
def kinds() -> None:
    job_kind("test.count")(count_to_three)


def queued(world: World, kind: str = "test.count", **params: Any) -> Job:
    return Job.objects.create(owner=world.owner, kind=kind, title="count", params=params)


def test_the_registry_is_reset_between_tests(job_kinds: dict[str, Any]) -> None:
    assert "test.count" in job_kinds
    assert "test.registered-by-another-test" not in job_kinds
    job_kind("test.registered-by-another-test")(count_to_three)  # gone before the next test


def test_a_kind_registered_by_an_earlier_test_is_gone(job_kinds: dict[str, Any]) -> None:
    assert "test.registered-by-another-test" not in job_kinds


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
    assert (job.status, job.done, job.total, job.log, job.percent, job.attempts) == (
        JobStatus.SUCCEEDED,
        3,
        3,
        ["step 1", "step 2", "step 3"],
        100,
        1,
    )
    assert (job.lease_until, job.worker) == (None, worker_name())


def test_a_failure_for_people_shows_its_message(world: World) -> None:
    job = queued(world, fail="yes")
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "세 번째 단계를 처리하지 못했습니다.")


def test_an_unexpected_error_is_logged_and_the_page_shows_a_translated_message(
    client: Client, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    job = queued(world, fail="unexpected")
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, ERROR_UNEXPECTED)
    assert "internal detail" in caplog.text
    client.force_login(world.owner)
    with translation.override("ko"):
        page = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    text = page.content.decode()
    assert "internal detail" not in text
    with translation.override("ko"):
        korean = translation.gettext(ERROR_UNEXPECTED)
    assert (korean != ERROR_UNEXPECTED, korean in text) == (True, True)


class FileProblem(ValueError):
    """Like the import's file errors: a message written for people."""


def test_a_kind_may_declare_which_errors_speak_to_people(world: World) -> None:
    def unreadable(job: Job, reporter: JobReporter) -> None:
        raise FileProblem("파일을 읽을 수 없습니다.")

    job_kind("test.file", user_errors=(FileProblem,))(unreadable)
    job = queued(world, "test.file")
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "파일을 읽을 수 없습니다.")


def test_a_job_is_run_once_even_when_enqueued_twice(world: World) -> None:
    job = queued(world)
    job_run(str(job.pk))
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)


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


SEEN: list[tuple[int, int, list[str]]] = []


def count_in_one_transaction(job: Job, reporter: JobReporter) -> None:
    """Like an import chunk: progress and log lines reported from inside a transaction."""
    with transaction.atomic():
        for n in range(1, 3):
            reporter.progress(n, 4)
            reporter.log(f"chunk {n}")
            SEEN.append(_seen_from_outside(job))


def _seen_from_outside(job: Job) -> tuple[int, int, list[str]]:
    """What the task page would show now: for SQLite, in this process (the page reads the
    side file); for PostgreSQL, from another connection, which sees only what was committed."""
    if connection.vendor != "postgresql":
        # another process would see the side file only (this connection would see its own
        # uncommitted writes, so reading the row here would prove nothing)
        data = json.loads(side_file(job.pk).read_text(encoding="utf-8"))
        return data["done"], data["total"], data["log"]
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT done, total, log FROM {Job._meta.db_table} WHERE id = %s", [job.pk]
            )
            done, total, log = cursor.fetchone()
            return done, total, log if isinstance(log, list) else json.loads(log)
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_and_log_from_inside_a_transaction_are_seen_outside_it(world: World) -> None:
    job_kind("test.one-transaction")(count_in_one_transaction)
    job = queued(world, "test.one-transaction")
    SEEN.clear()
    job_run(str(job.pk))
    assert SEEN == [(1, 4, ["chunk 1"]), (2, 4, ["chunk 1", "chunk 2"])]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.log) == (
        JobStatus.SUCCEEDED,
        4,
        4,
        ["chunk 1", "chunk 2"],
    )
    assert not side_file(job.pk).exists()  # the side file is gone with the job


def test_live_progress_reads_only_a_running_jobs_side_file(world: World) -> None:
    job = Job.objects.create(
        owner=world.owner, kind="test.count", title="count", status=JobStatus.RUNNING, done=1
    )
    path = side_file(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"done": 3, "total": 10, "log": ["a"]}))
    assert (job_live_progress(job).done, job.total, job.log) == (3, 10, ["a"])
    path.write_text("garbled")
    assert job_live_progress(job).done == 3  # as it was
    job.status = JobStatus.SUCCEEDED
    path.write_text(json.dumps({"done": 7, "total": 10, "log": []}))
    assert job_live_progress(job).done == 3


def test_side_files_go_under_the_tests_var_dir(var_dir: Path, world: World) -> None:
    assert side_file("x") == var_dir / "jobs" / "x.json"


# --- supervision: leases, lost workers, retries (time passed as arguments, no sleeps) ---

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def running(world: World, kind: str = "test.count", *, worker: str = "elsewhere:1") -> Job:
    return Job.objects.create(
        owner=world.owner,
        kind=kind,
        title="t",
        status=JobStatus.RUNNING,
        started_at=T0,
        lease_until=T0 + dt.timedelta(seconds=120),
        worker=worker,
        attempts=1,
        done=5,
        total=10,
    )


def test_a_job_whose_lease_lapses_fails_with_worker_lost(world: World) -> None:
    job = running(world)
    assert job_reap_lost(now=T0 + dt.timedelta(seconds=119)) == []
    lost = job_reap_lost(now=T0 + dt.timedelta(seconds=121))
    job.refresh_from_db()
    assert [j.pk for j in lost] == [job.pk]
    assert (job.status, job.error, job.lease_until) == (JobStatus.FAILED, ERROR_WORKER_LOST, None)
    assert job.log == ["worker elsewhere:1 lost"]
    with translation.override("ko"):
        assert translation.gettext(ERROR_WORKER_LOST) != ERROR_WORKER_LOST
    assert job_reap_lost(now=T0 + dt.timedelta(hours=1)) == []  # handled once


def test_a_lost_job_of_a_kind_safe_to_rerun_runs_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job_kind("test.rerunnable", retry_when_lost=True)(count_to_three)
    job = running(world, "test.rerunnable")
    with django_capture_on_commit_callbacks(execute=True):
        job_reap_lost(now=T0 + dt.timedelta(minutes=5))
    job.refresh_from_db()  # queued again, then run by the (immediate) task backend
    assert (job.status, job.attempts, job.done, job.error) == (JobStatus.SUCCEEDED, 2, 3, "")
    assert job.log[0] == "worker elsewhere:1 lost; running the job again"


def test_a_job_lost_too_often_fails(world: World) -> None:
    job_kind("test.rerunnable", retry_when_lost=True)(count_to_three)
    job = running(world, "test.rerunnable")
    Job.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS)
    job_reap_lost(now=T0 + dt.timedelta(minutes=5))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, ERROR_WORKER_LOST)


def test_the_heartbeat_renews_the_leases_of_jobs_this_worker_runs(world: World) -> None:
    mine = running(world, worker=worker_name())
    theirs = running(world)
    runner._running.add(str(mine.pk))
    try:
        assert leases_renew(now=T0 + dt.timedelta(seconds=100)) == 1
        assert job_reap_lost(now=T0 + dt.timedelta(seconds=200)) == [theirs]
    finally:
        runner._running.discard(str(mine.pk))
    mine.refresh_from_db()
    assert (mine.status, mine.lease_until) == (JobStatus.RUNNING, T0 + dt.timedelta(seconds=220))


def test_a_worker_finishing_after_its_job_was_declared_lost_changes_nothing(
    world: World,
) -> None:
    def slow(job: Job, reporter: JobReporter) -> None:
        # meanwhile the lease lapsed and another worker gave the job up
        job_reap_lost(now=timezone.now() + dt.timedelta(hours=1))

    job_kind("test.slow")(slow)
    job = queued(world, "test.slow")
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, ERROR_WORKER_LOST)


# transaction=True: a worker runs in autocommit, and the beat closes connections that are not
# (inside a test's transaction it would close the test's own connection on PostgreSQL)
@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_survives_database_errors(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    def database_down() -> None:
        raise OperationalError("server closed the connection unexpectedly")

    assert heartbeat_once(database_down, now=T0) is False
    assert "worker heartbeat failed" in caplog.text
    assert heartbeat_once(lambda: None, now=T0) is True
    assert WorkerHeartbeat.objects.get().last_seen == T0


def test_database_calls_are_tried_again_while_the_database_is_locked() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def locked_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert on_database(locked_twice, sleep=pauses.append) == "done"
    assert pauses == [0.5, 1.0]

    def always_locked() -> None:
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        on_database(always_locked, attempts=2, sleep=pauses.append)
    assert pauses == [0.5, 1.0, 0.5]


def test_the_worker_loop_is_run_again_after_a_database_error() -> None:
    from bitgoeul.jobs.management.commands.worker import run_until_stopped

    runs: list[int] = []
    pauses: list[float] = []

    def loop() -> None:
        runs.append(1)
        if len(runs) <= 2:
            raise OperationalError("database is locked")

    assert run_until_stopped(loop, sleep=pauses.append) == 2
    assert pauses == [1, 2]


def test_the_modules_the_worker_runs_do_not_import_the_services() -> None:
    """services -> tasks -> runner -> reporting: no cycle back to services."""
    import ast

    root = Path(__file__).resolve().parents[2] / "bitgoeul" / "jobs"
    imported = {
        name: {
            node.module
            for node in ast.walk(ast.parse((root / f"{name}.py").read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module
        }
        for name in ("tasks", "runner", "reporting", "registry")
    }
    assert [name for name, modules in imported.items() if "bitgoeul.jobs.services" in modules] == []
