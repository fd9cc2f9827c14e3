"""`bitgoeul compute ingest …` and `bitgoeul compute export …` (contracts.md, "Operations
interfaces"); each subcommand's arguments and work live in its own module."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bitgoeul.compute import export_command, ingest_command, notices_command


class Command(BaseCommand):
    help = "GPU usage ingestion and scheduler exports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest_command.add_arguments(sub.add_parser("ingest", help="add usage to the ledger"))
        export_command.add_arguments(sub.add_parser("export", help="write a scheduler file"))
        notices_command.add_arguments(sub.add_parser("notices", help="send burn-down notices"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "ingest":
            ingest_command.handle(self, options)
        elif options["action"] == "notices":
            notices_command.handle(self, options)
        else:
            export_command.handle(self, options)
