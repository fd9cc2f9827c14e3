"""`bitgoeul milestones remind [--dry-run]`: tell companies of milestones due within 7 days
and of overdue ones, at most once a day per milestone (run it daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bitgoeul.programs.services.awards import milestones_remind


class Command(BaseCommand):
    help = "Remind companies of milestones due within 7 days or overdue (once a day each)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        remind = commands.add_parser("remind", help="send today's milestone reminders")
        remind.add_argument("--dry-run", action="store_true", help="count only, send nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = milestones_remind(dry_run=options["dry_run"])
        verb = "would remind" if options["dry_run"] else "reminded"
        self.stdout.write(
            f"{verb}: {summary.due_soon} due within 7 days, {summary.overdue} overdue; "
            f"{summary.notices} notices"
        )
