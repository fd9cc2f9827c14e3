from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.jobs.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the database and uploaded files to FILE (a .tar.gz with a manifest)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_write(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"{options['file']}: {len(manifest.tables)} tables, {rows} rows, "
            f"{len(manifest.files) - 1} uploaded files"
        )
