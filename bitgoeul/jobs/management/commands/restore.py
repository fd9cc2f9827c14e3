from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.jobs.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and uploaded files with those in a backup FILE (checked first). "
        "Stop the web servers and workers before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="only check the archive, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                manifest = backup_check(options["file"])
            else:
                manifest = backup_restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        verb = "is whole" if options["check"] else "restored"
        self.stdout.write(
            f"{options['file']} {verb}: {sum(manifest.tables.values())} rows "
            f"from {manifest.created_at}"
        )
