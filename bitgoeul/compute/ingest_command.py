"""`bitgoeul compute ingest …`: arguments and work (called by management/commands/compute.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def add_arguments(parser: CommandParser) -> None:
    pass


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    raise CommandError("not built yet")
