"""`bitgoeul equipment release [--dry-run]` and `bitgoeul equipment remind [--dry-run]`: the
clock of equipment bookings, for cron.

- `release` (every 5 minutes): releases confirmed bookings nobody checked in within the item's
  grace period (NO_SHOW, the time goes to the waitlist), completes checked-in bookings that
  ended, rejects bookings still awaiting approval at their start, lets lapsed waitlist offers go.
- `remind` (every hour): reminds of confirmed bookings starting within 24 hours, in-app and by
  e-mail, once per booking.

    */5 * * * *  bitgoeul equipment release
    0 * * * *    bitgoeul equipment remind
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bitgoeul.equipment.services.lifecycle import (
    booking_reminders_send,
    bookings_release,
    reminders_due,
)


class Command(BaseCommand):
    help = "Equipment bookings: release no-shows, complete ended bookings, send reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        release = commands.add_parser(
            "release", help="release no-shows, complete ended bookings, expire waitlist offers"
        )
        release.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        remind = commands.add_parser("remind", help="remind of bookings starting within a day")
        remind.add_argument("--dry-run", action="store_true", help="count only, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry = " (dry run)" if options["dry_run"] else ""
        if options["action"] == "release":
            summary = bookings_release(dry_run=options["dry_run"])
            self.stdout.write(
                f"{summary.no_shows} no-shows released, {summary.completed} bookings completed, "
                f"{summary.lapsed} undecided bookings rejected, "
                f"{summary.offers_expired} waitlist offers expired{dry}"
            )
        elif options["dry_run"]:
            self.stdout.write(f"{reminders_due(timezone.now()).count()} bookings to remind{dry}")
        else:
            self.stdout.write(f"{booking_reminders_send()} bookings reminded")
