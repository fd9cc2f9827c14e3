from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.models import Job, JobStatus, WorkerHeartbeat
from bitgoeul.jobs.registry import job_function

logger = logging.getLogger(__name__)
LOG_LINES_KEPT = 200


class JobReporter:
    """What a running job uses to tell its page how far it got. Each call is one UPDATE.

    A job that reports progress from inside a transaction of its own (an import writes all its
    rows or none, in one) would have its progress seen only at the commit, so there progress
    goes around that transaction: on PostgreSQL through a second connection, on SQLite (whose
    one writer is the job itself, and whose file makes it a one-machine set-up) through a small
    file beside the database that `job_live_progress` reads.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._depth = len(connection.atomic_blocks)  # transactions open when the job started
        self._aside: Any = None  # the second PostgreSQL connection, opened on first use

    def progress(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        fields = ["done"]
        if total is not None:
            self.job.total = total
            fields.append("total")
        if len(connection.atomic_blocks) > self._depth:
            self._progress_aside()
        else:
            self.job.save(update_fields=fields)

    def _progress_aside(self) -> None:
        job = self.job
        if connection.vendor != "postgresql":
            path = progress_path(job.pk)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(f"{job.done} {job.total}")
            temporary.replace(path)  # readers see the old numbers or the new, never half
            return
        if self._aside is None:
            self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._aside.cursor() as cursor:
                # never wait behind the job's own transaction for the row
                cursor.execute("SET lock_timeout = '100ms'")
        try:
            with self._aside.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s WHERE id = %s",
                    [job.done, job.total, job.pk],
                )
        except DatabaseError:
            logger.warning("progress of job %s not published", job.pk, exc_info=True)

    def close(self) -> None:
        """Drop what `progress` kept aside (the job's own row has the final numbers)."""
        if self._aside is not None:
            self._aside.close()
            self._aside = None
        progress_path(self.job.pk).unlink(missing_ok=True)

    def log(self, line: str) -> None:
        self.job.log = [*self.job.log, line][-LOG_LINES_KEPT:]
        self.job.save(update_fields=["log"])

    def result(self, *, url: str = "", file: str = "") -> None:
        self.job.result_url, self.job.result_file = url, file
        self.job.save(update_fields=["result_url", "result_file"])


def progress_path(job_id: Any) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.progress"


def job_live_progress(job: Job) -> Job:
    """`job` with the progress a running job reported from inside its transaction (SQLite: see
    `JobReporter`), when there is some."""
    if job.status != JobStatus.RUNNING:
        return job
    try:
        done, total = (int(n) for n in progress_path(job.pk).read_text().split())
    except (OSError, ValueError):
        return job
    if done >= job.done:
        job.done, job.total = done, total
    return job


@transaction.atomic
def job_start(*, owner: Any, kind: str, title: str, params: dict[str, Any]) -> Job:
    """Create a job and queue it for a worker (after the transaction commits).

    The caller may rely on: the job exists with status `queued`; an audit event `job.start`
    is written; the worker picks it up once this transaction commits.
    """
    job_function(kind)  # fail now, not in the worker, for an unknown kind
    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params)
    audit_record(actor=owner, action="job.start", obj=job, after={"kind": kind, **params})
    from bitgoeul.jobs.tasks import run_job

    job_id = str(job.pk)
    transaction.on_commit(lambda: run_job.enqueue(job_id))
    return job


def job_run(job_id: str) -> None:
    """Run a queued job in this process, recording progress, result or failure on it."""
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return
    job.status, job.started_at = JobStatus.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    reporter = JobReporter(job)
    try:
        job_function(job.kind)(job, reporter)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status, job.error = JobStatus.FAILED, str(exc) or exc.__class__.__name__
    else:
        job.status = JobStatus.SUCCEEDED
        job.done = job.total or job.done
    finally:
        reporter.close()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "done", "total", "finished_at"])


def worker_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=f"{socket.gethostname()}:{os.getpid()}", defaults={"last_seen": timezone.now()}
    )
