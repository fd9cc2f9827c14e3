"""Running a job in a worker process: claim it, hold its lease, record how it ended.

Imported by `tasks` (the django-tasks entry point) and by the `worker` command; it imports
neither `services` nor `tasks`, so the modules form no cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from bitgoeul.core.faults import is_disk_full_error
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job, WorkerHeartbeat
from bitgoeul.jobs.registry import JobKind, job_kind_get
from bitgoeul.jobs.reporting import JobReporter

logger = logging.getLogger(__name__)

# Messages kept on a failed job in English and translated when its page is shown.
ERROR_UNEXPECTED = gettext_noop(
    "The job stopped because of an unexpected error. The details are in the server log."
)
ERROR_DISK_FULL = gettext_noop(
    "The server has no room left to store files. Nothing was saved; please try again later or "
    "tell the operators."
)
ERROR_WORKER_LOST = gettext_noop(
    "Failed: worker lost. The worker running this job stopped before it finished."
)

T = TypeVar("T")


class JobFailure(Exception):
    """Raised by a job function with a message for the person waiting (already translated);
    so are the `user_errors` its kind declares. Any other exception is logged and the page
    shows `ERROR_UNEXPECTED`."""


# ids of the jobs this process is running; the heartbeat thread renews their leases
_running: set[str] = set()
_running_lock = threading.Lock()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def running_here() -> list[str]:
    with _running_lock:
        return sorted(_running)


def on_database(
    action: Callable[[], T],
    *,
    attempts: int = 5,
    pause: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`action()`, tried again after an OperationalError ("database is locked", a connection
    the server closed) with a growing pause; the last error is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except OperationalError:
            if attempt == attempts:
                raise
            logger.warning("database busy or gone, trying again (%d)", attempt, exc_info=True)
            close_old_connections()
            sleep(pause * attempt)
    raise AssertionError("unreachable")


def job_run(job_id: str, *, now: dt.datetime | None = None) -> None:
    """Run a queued job in this process, recording progress, result or failure on it.

    The job is claimed by one conditional UPDATE (queued -> running), so a job enqueued twice
    runs once; its lease is renewed by this process's heartbeat while it runs."""
    start = now or timezone.now()
    name = worker_name()
    claimed = on_database(
        lambda: Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            started_at=start,
            lease_until=start + lease_length(),
            worker=name,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if not claimed:
        logger.info("job %s is not queued any more; not run", job_id)
        return
    job = Job.objects.get(pk=job_id)
    with _running_lock:
        _running.add(str(job.pk))
    reporter = JobReporter(job)
    error = ""
    try:
        kind: JobKind | None = job_kind_get(job.kind)
    except LookupError:
        kind = None  # failed below, like any other error, rather than left running
    speaks_to_people: tuple[type[Exception], ...] = (
        JobFailure,
        *(kind.user_errors if kind else ()),
    )
    try:
        if kind is None:
            raise LookupError(f"no job kind {job.kind!r} is registered")
        kind.function(job, reporter)
    except speaks_to_people as exc:
        logger.info("job %s (%s) failed: %s", job.pk, job.kind, exc)
        error = str(exc)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        error = ERROR_DISK_FULL if is_disk_full_error(exc) else ERROR_UNEXPECTED
    finally:
        with _running_lock:
            _running.discard(str(job.pk))
    reporter.close()
    if error:
        status = JobStatus.FAILED
    else:
        status = JobStatus.SUCCEEDED
        job.done = job.total or job.done
    finished = on_database(
        lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=name).update(
            status=status,
            error=error,
            done=job.done,
            total=job.total,
            log=job.log,
            result_url=job.result_url,
            result_file=job.result_file,
            finished_at=timezone.now(),
            lease_until=None,
        )
    )
    if not finished:
        logger.warning("job %s finished after its lease lapsed; its end is not recorded", job.pk)


def leases_renew(*, now: dt.datetime | None = None) -> int:
    """Extend the leases of the jobs this process runs; the number renewed."""
    ids = running_here()
    if not ids:
        return 0
    moment = now or timezone.now()
    return Job.objects.filter(pk__in=ids, status=JobStatus.RUNNING, worker=worker_name()).update(
        lease_until=moment + lease_length()
    )


def worker_heartbeat(*, now: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=worker_name(), defaults={"last_seen": now or timezone.now()}
    )


def heartbeat_once(reap: Callable[[], object], *, now: dt.datetime | None = None) -> bool:
    """One beat of a worker: its heartbeat, its jobs' leases, then other workers' lost jobs.
    A database error is logged and the beat reports False: the loop goes on (the next beat
    may find the database back)."""
    try:
        worker_heartbeat(now=now)
        leases_renew(now=now)
        reap()
        return True
    except DatabaseError:
        logger.warning("worker heartbeat failed; trying again at the next beat", exc_info=True)
        return False
    finally:
        close_old_connections()
