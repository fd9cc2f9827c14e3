"""`bitgoeul events remind [--dry-run]`: reminds every confirmed registration of a published
event starting within 24 hours, in-app and by e-mail, once per registration. For cron, hourly:

    0 * * * *    bitgoeul events remind
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bitgoeul.promotion.services.registrations import event_reminders_send, reminders_due


class Command(BaseCommand):
    help = "Events: send the reminders of the day before."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        remind = commands.add_parser("remind", help="remind of events starting within a day")
        remind.add_argument("--dry-run", action="store_true", help="count only, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            count = reminders_due(timezone.now()).count()
            self.stdout.write(f"{count} registrations to remind (dry run)")
        else:
            self.stdout.write(f"{event_reminders_send()} registrations reminded")
