"""Writes of the jobs app: start a job, and give up (or retry) jobs whose worker was lost.

`JobReporter`, `job_run` and `worker_heartbeat` live in `reporting` and `runner` (the modules
the worker runs); they are named here too so that apps keep one import for jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.registry import job_function, job_kind_get
from bitgoeul.jobs.reporting import JobReporter, job_live_progress, side_file
from bitgoeul.jobs.runner import (
    ERROR_WORKER_LOST,
    JobFailure,
    job_run,
    worker_heartbeat,
)
from bitgoeul.jobs.tasks import run_job

__all__ = [
    "JobFailure",
    "JobReporter",
    "job_live_progress",
    "job_reap_lost",
    "job_run",
    "job_start",
    "worker_heartbeat",
]

logger = logging.getLogger(__name__)
# a job whose kind may be retried is run at most this many times in all
MAX_ATTEMPTS = 3


def _enqueue(job: Job) -> None:
    job_id = str(job.pk)
    transaction.on_commit(lambda: run_job.enqueue(job_id))


@transaction.atomic
def job_start(*, owner: Any, kind: str, title: str, params: dict[str, Any]) -> Job:
    """Create a job and queue it for a worker (after the transaction commits).

    The caller may rely on: the job exists with status `queued`; an audit event `job.start`
    is written; the worker picks it up once this transaction commits.
    """
    job_function(kind)  # fail now, not in the worker, for an unknown kind
    job = Job.objects.create(owner=owner, kind=kind, title=title, params=params)
    audit_record(actor=owner, action="job.start", obj=job, after={"kind": kind, **params})
    _enqueue(job)
    return job


def job_reap_lost(*, now: dt.datetime | None = None) -> list[Job]:
    """Running jobs whose lease has lapsed (their worker died or hangs): queued again when
    their kind says a rerun is safe and attempts are left, otherwise failed with "worker lost".
    Every worker calls this on its heartbeat; each job is taken by one of them (a conditional
    UPDATE). Returns the jobs handled."""
    moment = now or timezone.now()
    handled: list[Job] = []
    lapsed = Job.objects.filter(status=JobStatus.RUNNING, lease_until__lt=moment)
    for job in list(lapsed.only("pk")):  # read whole before writing (no read left open)
        with transaction.atomic():
            job = job_live_progress(Job.objects.get(pk=job.pk))  # keep the last log lines
            try:
                retry = job_kind_get(job.kind).retry_when_lost and job.attempts < MAX_ATTEMPTS
            except LookupError:
                retry = False
            changes: dict[str, Any] = {"lease_until": None, "log": job.log[-199:]}
            if retry:
                changes.update(status=JobStatus.QUEUED, done=0, started_at=None)
                changes["log"].append(f"worker {job.worker} lost; running the job again")
            else:
                changes.update(status=JobStatus.FAILED, error=ERROR_WORKER_LOST, finished_at=moment)
                changes["log"].append(f"worker {job.worker} lost")
            taken = Job.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, lease_until=job.lease_until
            ).update(**changes)
            if not taken:
                continue  # another worker took it, or its own worker renewed the lease
            logger.warning("job %s (%s): worker %s lost", job.pk, job.kind, job.worker)
            side_file(job.pk).unlink(missing_ok=True)
            if retry:
                _enqueue(job)
            handled.append(job)
    return handled
