from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from bitgoeul.jobs.services import worker_heartbeat

HEARTBEAT_SECONDS = 15


class Command(BaseCommand):
    help = "Run a background-task worker (django-tasks database backend) with a heartbeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def beat() -> None:
            while not stop.is_set():
                try:
                    worker_heartbeat()
                finally:
                    close_old_connections()
                stop.wait(HEARTBEAT_SECONDS)

        worker_heartbeat()
        thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
        thread.start()
        try:
            call_command("db_worker", batch=options["batch"], reload=False, queue_name="*")
        finally:
            stop.set()
