"""`bitgoeul compute ingest sacct|kueue FILE [--dry-run] [--json] [--columns LIST] [--cluster NAME]`
(contracts.md, "Usage ingestion summary"; called by management/commands/compute.py).

With `--json` it prints the contract's summary and nothing else (scripts and the real-Slurm CI
test read it); without, a progress bar while the file is read and a table of the accounts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.compute.enums import UsageSource
from bitgoeul.compute.kueue import parse_kueue
from bitgoeul.compute.sacct import SacctFormatError, SacctReport, parse_sacct
from bitgoeul.compute.services.usage import usage_ingest_report


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("kind", choices=["sacct", "kueue"], help="what FILE holds")
    parser.add_argument(
        "file",
        help="sacct --parsable2 or --json output; Kueue Workloads (JSON/YAML) or Prometheus "
        "samples; - for standard input",
    )
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    parser.add_argument("--json", action="store_true", help="print the JSON summary only")
    parser.add_argument(
        "--columns",
        help="sacct's --format list (comma-separated) when FILE has no header line",
    )
    parser.add_argument(
        "--cluster",
        help="the cluster's name in the ledger's key (default: sacct's Cluster column, "
        "else 'default')",
    )


def _open(name: str) -> IO[str]:
    if name == "-":
        return sys.stdin
    path = Path(name)
    if not path.is_file():
        raise CommandError(f"no such file: {name}")
    return path.open(encoding="utf-8", errors="replace", newline="")


def _lines(handle: IO[str], advance: Any) -> Iterator[str]:
    for line in handle:
        advance(len(line.encode("utf-8", errors="replace")))
        yield line


def _read(options: dict[str, Any], quiet: bool) -> SacctReport:
    columns = [c for c in (options.get("columns") or "").split(",") if c.strip()] or None
    with _open(options["file"]) as handle:
        if options["kind"] == "kueue" or quiet or handle is sys.stdin:
            text = handle.read()
            return (
                parse_kueue(text)
                if options["kind"] == "kueue"
                else parse_sacct(text, columns=columns)
            )
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        size = Path(options["file"]).stat().st_size
        first = handle.read(4096).lstrip()[:1]
        handle.seek(0)
        if first == "{":  # sacct --json: one document
            return parse_sacct(handle.read(), columns=columns)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("reading sacct", total=size)
            return parse_sacct(_lines(handle, lambda n: progress.advance(task, n)), columns=columns)


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    quiet = bool(options.get("json"))
    try:
        report = _read(options, quiet)
    except SacctFormatError as exc:
        raise CommandError(str(exc)) from None
    source = UsageSource.SACCT if options["kind"] == "sacct" else UsageSource.KUEUE
    if quiet:
        summary = _ingest(report, options, source)
        command.stdout.write(json.dumps(summary, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=command.stdout._out, width=100)  # type: ignore[attr-defined, arg-type]
    with console.status(f"writing {len(report.allocations)} allocations to the ledger"):
        summary = _ingest(report, options, source)
    table = Table(title=f"{source}: {summary['rows']} rows, {summary['allocations']} allocations")
    for heading in ("account", "jobs", "GPU-seconds", "grant"):
        table.add_column(heading)
    for account, row in summary["accounts"].items():
        seconds = ", ".join(f"{m} {s:g}" for m, s in sorted(row["gpu_seconds"].items()))
        table.add_row(account, str(row["jobs"]), seconds, str(row["grant"] or "unmatched"))
    console.print(table)
    for skipped in summary["skipped"]:
        console.print(f"line {skipped['line']} skipped: {skipped['reason']}", markup=False)
    verb = "would add" if options.get("dry_run") else "added"
    console.print(
        f"{verb} {summary['new']} allocations, {summary['duplicates']} already in the ledger, "
        f"{len(summary['skipped'])} lines skipped",
        markup=False,
    )


def _ingest(report: SacctReport, options: dict[str, Any], source: str) -> dict[str, Any]:
    return usage_ingest_report(
        report=report,
        cluster=options.get("cluster"),
        actor=None,
        source=source,
        dry_run=bool(options.get("dry_run")),
    )
