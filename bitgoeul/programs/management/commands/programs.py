"""`bitgoeul programs remind [--days-before N] [--dry-run]`: remind reviewers of reviews due
soon or overdue (cron may run it hourly: the same reminder is not repeated within a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bitgoeul.programs.models import Assignment
from bitgoeul.programs.services.reviews import (
    REMIND_DAYS_BEFORE,
    reminders_due,
    review_reminders_send,
)


class Command(BaseCommand):
    help = "Programmes: remind reviewers of reviews due soon or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        remind = commands.add_parser("remind", help="remind reviewers of unsubmitted reviews")
        remind.add_argument(
            "--days-before",
            type=int,
            default=REMIND_DAYS_BEFORE,
            help=f"remind this many days before the due time (default {REMIND_DAYS_BEFORE})",
        )
        remind.add_argument("--dry-run", action="store_true", help="count only, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            days = options["days_before"]
            if options["dry_run"]:
                due = Assignment.objects.filter(
                    reminders_due(now=timezone.now(), days_before=days)
                ).count()
                self.stdout.write(f"{due} reviewers would be reminded (dry run)")
                return
            sent = review_reminders_send(days_before=days)
            self.stdout.write(f"{sent} reviewers reminded")
