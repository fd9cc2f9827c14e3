"""`bitgoeul compute notices`: send the burn-down notices due now (50/80/100% used, idle by
mid-month). Run daily by cron (docs/operations.md); running it twice sends nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.compute.services.burn import grant_notices_send


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--at",
        help="act as if it were this moment (ISO 8601 with an offset), to catch up a missed run",
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    now = None
    if options.get("at"):
        try:
            now = dt.datetime.fromisoformat(options["at"])
        except ValueError as error:
            raise CommandError(f"--at: {error}") from None
        if now.tzinfo is None:
            raise CommandError("--at needs an offset, e.g. 2026-12-16T09:00:00+09:00")
    run = grant_notices_send(now=now)
    command.stdout.write(
        f"notices: {run.used} of use, {run.idle} idle; {run.notified} people notified"
    )
