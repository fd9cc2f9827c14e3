"""`bitgoeul news digest [--dry-run]`: the weekly digest, for cron (once a week; a subscriber
gets at most one digest in seven days whatever the schedule, see `last_sent_at`).

    0 8 * * 1    bitgoeul news digest
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bitgoeul.promotion.services.digest import digest_send


class Command(BaseCommand):
    help = "News: send the weekly digest to its subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        digest = commands.add_parser("digest", help="send the weekly digest e-mails")
        digest.add_argument("--dry-run", action="store_true", help="count only, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        run = digest_send(dry_run=options["dry_run"])
        dry = " (dry run)" if options["dry_run"] else ""
        self.stdout.write(
            f"{run.sent} digests sent, {run.empty} with nothing to send, {run.failed} failed{dry}"
        )
