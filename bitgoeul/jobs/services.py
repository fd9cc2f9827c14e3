from __future__ import annotations

import logging
import os
import socket
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.models import Job, JobStatus, WorkerHeartbeat
from bitgoeul.jobs.registry import job_function

logger = logging.getLogger(__name__)
LOG_LINES_KEPT = 200


class JobReporter:
    """What a running job uses to tell its page how far it got. Each call is one UPDATE."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        fields = ["done"]
        if total is not None:
            self.job.total = total
            fields.append("total")
        self.job.save(update_fields=fields)

    def log(self, line: str) -> None:
        self.job.log = [*self.job.log, line][-LOG_LINES_KEPT:]
        self.job.save(update_fields=["log"])

    def result(self, *, url: str = "", file: str = "") -> None:
        self.job.result_url, self.job.result_file = url, file
        self.job.save(update_fields=["result_url", "result_file"])


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
    try:
        job_function(job.kind)(job, JobReporter(job))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status, job.error = JobStatus.FAILED, str(exc) or exc.__class__.__name__
    else:
        job.status = JobStatus.SUCCEEDED
        job.done = job.total or job.done
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "done", "finished_at"])


def worker_heartbeat() -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=f"{socket.gethostname()}:{os.getpid()}", defaults={"last_seen": timezone.now()}
    )
