from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from bitgoeul.jobs.runner import heartbeat_once
from bitgoeul.jobs.services import job_reap_lost

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15
# pauses between restarts of the task loop after a database error, longest last
BACKOFF_SECONDS = (1, 2, 5, 10, 30)


def run_until_stopped(
    loop: Callable[[], object],
    *,
    sleep: Callable[[float], None] = time.sleep,
    max_restarts: int | None = None,
) -> int:
    """Run `loop`; when it dies on a database error ("database is locked", a restarted
    server), log it and run it again after a growing pause instead of ending the worker.
    Returns the number of restarts (`max_restarts` bounds them, for tests)."""
    restarts = 0
    while True:
        try:
            loop()
            return restarts
        except DatabaseError:
            if max_restarts is not None and restarts >= max_restarts:
                raise
            pause = BACKOFF_SECONDS[min(restarts, len(BACKOFF_SECONDS) - 1)]
            logger.warning(
                "task loop stopped on a database error; again in %s s", pause, exc_info=True
            )
            restarts += 1
            close_old_connections()
            sleep(pause)


class Command(BaseCommand):
    help = "Run a background-task worker (django-tasks database backend) with a heartbeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def beat() -> None:
            # heartbeat_once logs database errors and returns: this loop outlives them
            while not stop.is_set():
                try:
                    heartbeat_once(job_reap_lost)
                except Exception:  # never let the heartbeat thread die: /healthz relies on it
                    logger.exception("worker heartbeat failed")
                stop.wait(HEARTBEAT_SECONDS)

        thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
        thread.start()
        try:
            run_until_stopped(
                lambda: call_command(
                    "db_worker", batch=options["batch"], reload=False, queue_name="*"
                )
            )
        finally:
            stop.set()
