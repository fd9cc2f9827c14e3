"""How a running job tells its page how far it got: progress and log lines through one side
channel that never goes through the job's own database connection.

A job may report from inside a transaction of its own (an import writing a chunk). Writing the
job row on the job's connection there would lock the row until the commit (PostgreSQL: later
updates from elsewhere wait and time out) or show nothing until the commit (SQLite). So the
reporter publishes around the job's transaction, on every call and inside or outside one:

* PostgreSQL: a second, autocommit connection updates the job row (`done`, `total`, `log`).
  Every web host reads the row, so this is correct for several workers on several machines.
* SQLite: the database is one file on one machine and its one writer may be the job itself
  (a second connection would wait for the job's write lock), so the reporter writes a small
  JSON file per job under `VAR_DIR/jobs/`, replaced atomically, that the task page reads
  (`job_live_progress`) while the job runs. The job row gets the final figures at the end.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job

logger = logging.getLogger(__name__)
LOG_LINES_KEPT = 200


def side_file(job_id: Any) -> Path:
    """Where a job's progress and log lines wait for the page on SQLite."""
    return Path(settings.VAR_DIR) / "jobs" / f"{job_id}.json"


class JobReporter:
    """What a running job uses to report: `progress(done, total)`, `log(line)`, `result(...)`.

    `progress` and `log` go through the side channel (module docstring); `result` is written
    on the job's own connection by the runner when the job has finished.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self._aside: Any = None  # the second PostgreSQL connection, opened on first use

    def progress(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        self._publish()

    def log(self, line: str) -> None:
        self.job.log = [*self.job.log, line][-LOG_LINES_KEPT:]
        self._publish()

    def result(self, *, url: str = "", file: str = "") -> None:
        """Kept on the job and saved with its final state (see `job_run`)."""
        self.job.result_url, self.job.result_file = url, file

    def _publish(self) -> None:
        job = self.job
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            path = side_file(job.pk)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(".tmp")
                temporary.write_text(
                    json.dumps({"done": job.done, "total": job.total, "log": job.log}),
                    encoding="utf-8",
                )
                temporary.replace(path)  # readers see the old figures or the new, never half
            except OSError:
                logger.warning("progress of job %s not published", job.pk, exc_info=True)
            return
        try:
            if self._aside is None:
                self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
                self._aside.set_autocommit(True)
                with self._aside.cursor() as cursor:
                    # never wait long behind someone else's lock on the row: skip one update
                    cursor.execute("SET lock_timeout = '200ms'")
            with self._aside.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Job._meta.db_table} SET done = %s, total = %s, log = %s::jsonb "
                    "WHERE id = %s",
                    [job.done, job.total, json.dumps(job.log), job.pk],
                )
        except DatabaseError:
            logger.warning("progress of job %s not published", job.pk, exc_info=True)
            self._drop_aside()

    def _drop_aside(self) -> None:
        if self._aside is not None:
            with contextlib.suppress(DatabaseError):
                self._aside.close()
            self._aside = None

    def close(self) -> None:
        """Drop the side channel (the job's row then holds the final figures)."""
        self._drop_aside()
        side_file(self.job.pk).unlink(missing_ok=True)


def job_live_progress(job: Job) -> Job:
    """`job` with the progress and log lines a running job published on SQLite (on PostgreSQL
    the row itself is current)."""
    if job.status != JobStatus.RUNNING:
        return job
    try:
        data = json.loads(side_file(job.pk).read_text(encoding="utf-8"))
        done, total, log = int(data["done"]), int(data["total"]), list(data["log"])
    except (OSError, ValueError, KeyError, TypeError):
        return job
    if done >= job.done:
        job.done, job.total, job.log = done, total, log
    return job
