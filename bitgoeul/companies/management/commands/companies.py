"""`bitgoeul companies import FILE [--dry-run] [--mapping M] [--skip-invalid]`,
`bitgoeul companies rescore`, `bitgoeul companies reindex`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bitgoeul.accounts.models import User
from bitgoeul.companies.importing.fields import BY_CODE, guess_mapping
from bitgoeul.companies.importing.readers import FileError, read_path
from bitgoeul.companies.search_index import search_index_rebuild
from bitgoeul.companies.services.importing import (
    ImportConflict,
    MappingError,
    company_import_run,
    rejected_rows_write,
)
from bitgoeul.companies.services.scoring import score_recompute


def parse_mapping(value: str) -> dict[str, str]:
    """A JSON file `{"header": "field"}` or inline `header=field,header=field`."""
    path = Path(value)
    if path.is_file():
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict):
            raise CommandError("--mapping: the JSON file must hold an object")
        pairs = {str(k): str(v) for k, v in loaded.items()}
    else:
        pairs = {}
        for item in value.split(","):
            if "=" not in item:
                raise CommandError(f"--mapping: “{item}” is not header=field")
            header, field = item.split("=", 1)
            pairs[header.strip()] = field.strip()
    unknown = {v for v in pairs.values() if v and v not in BY_CODE}
    if unknown:
        raise CommandError(
            f"--mapping: unknown fields {', '.join(sorted(unknown))} (known: {', '.join(BY_CODE)})"
        )
    return pairs


class Command(BaseCommand):
    help = "Import companies from a file, recompute potential scores, rebuild the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        importing = commands.add_parser("import", help="import a CSV, XLSX or HTML-as-.xls file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        importing.add_argument(
            "--mapping", help="JSON file or header=field,… for headers not recognised"
        )
        importing.add_argument(
            "--skip-invalid", action="store_true", help="import valid rows even if some are bad"
        )
        importing.add_argument("--actor", help="e-mail of the user to record in the audit trail")
        importing.add_argument(
            "--rejected", type=Path, help="where to write the rejected rows (CSV)"
        )
        commands.add_parser("rescore", help="recompute every company's potential score")
        commands.add_parser("reindex", help="rebuild the full-text index from the search terms")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "rescore":
            with self._progress() as progress:
                task = progress.add_task("scoring", total=None)
                run = score_recompute(
                    actor=None,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
            self.stdout.write(
                f"scored {run.companies} companies with weights v{run.weights.version}"
            )
        elif action == "reindex":
            self.stdout.write(f"indexed {search_index_rebuild()} companies")

    def _progress(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options.get("actor"):
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None:
                raise CommandError(f"--actor: no user {options['actor']}")
        try:
            table = read_path(path)
        except FileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        mapping = guess_mapping(table.headers)
        if options.get("mapping"):
            mapping.update(parse_mapping(options["mapping"]))
        ignored = [h for h, code in mapping.items() if not code]
        self.stdout.write(
            f"{path.name}: {table.file_format} ({table.encoding or '-'}), {len(table.rows)} rows"
        )
        if ignored:
            self.stdout.write(f"columns left out: {', '.join(ignored)}")
        try:
            with self._progress() as progress:
                task = progress.add_task("dry run" if options["dry_run"] else "import", total=None)
                report = company_import_run(
                    table=table,
                    mapping=mapping,
                    actor=actor,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    source=path.name,
                    progress=lambda done, total: progress.update(task, completed=done, total=total),
                )
        except (MappingError, ImportConflict) as exc:
            raise CommandError(str(exc)) from exc
        for outcome in report.rows:
            if outcome.action == "reject":
                self.stdout.write(f"row {outcome.row}: rejected: {'; '.join(outcome.reasons)}")
        if report.rejected:
            target = options.get("rejected") or path.with_name(f"{path.stem}-rejected.csv")
            rejected_rows_write(table, report, target)
            self.stdout.write(f"rejected rows written to {target}")
        created, updated = (
            ("created", "updated") if report.written else ("would create", "would update")
        )
        self.stdout.write(
            f"{created} {report.created}, {updated} {report.updated} "
            f"({report.flagged} flagged for review, {report.prospects} prospects), "
            f"rejected {report.rejected}"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
        elif not report.written:
            raise CommandError("nothing was written: fix the rejected rows or use --skip-invalid")
