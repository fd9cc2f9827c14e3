"""`bitgoeul compute export slurm|kueue [--round ID] [--period YYYY-MM] -o FILE` and
`bitgoeul compute export slurm --reconcile ASSOC_FILE [-o FILE]` (contracts.md, "Scheduler
exports"; called by management/commands/compute.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bitgoeul.compute.models import Round
from bitgoeul.compute.periods import is_period
from bitgoeul.compute.schedulers import kueue_yaml, slurm_reconcile, slurm_script
from bitgoeul.compute.selectors_sched import scheduler_plan


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("kind", choices=["slurm", "kueue"], help="the scheduler")
    parser.add_argument(
        "--round", type=int, metavar="ID", help="only this round's grants (default: all active)"
    )
    parser.add_argument(
        "--period",
        metavar="YYYY-MM",
        help="the month Kueue's nominalQuota is for (default: the current month, Asia/Seoul)",
    )
    parser.add_argument(
        "--reconcile",
        metavar="ASSOC_FILE",
        help="slurm: read 'sacctmgr show assoc -P' output and write only the commands that "
        "change something",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write (default: stdout)")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    kind, round_id, period = options["kind"], options["round"], options["period"]
    if period is not None and not is_period(period):
        raise CommandError(f"--period must be YYYY-MM, not {period!r}")
    if round_id is not None and not Round.objects.filter(pk=round_id).exists():
        raise CommandError(f"no round {round_id}")
    if options["reconcile"] and kind != "slurm":
        raise CommandError("--reconcile is for slurm only")
    plan = scheduler_plan(round_id=round_id, period=period)
    if options["reconcile"]:
        try:
            assoc = Path(options["reconcile"]).read_text(encoding="utf-8")
            result = slurm_reconcile(plan, assoc)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{options['reconcile']}: {exc}") from exc
        text = result.script()
        for note in result.left_alone:
            command.stderr.write(f"left alone: {note}")
        summary = f"{len(result.commands)} change(s)"
    else:
        text = slurm_script(plan) if kind == "slurm" else kueue_yaml(plan)
        companies = sum(len(chapter.companies) for chapter in plan.chapters)
        summary = f"chapters: {len(plan.chapters)}, companies: {companies}"
    if options["output"] and options["output"] != "-":
        Path(options["output"]).write_text(text, encoding="utf-8")
        command.stderr.write(f"{kind}: {summary} written to {options['output']}")
    else:
        command.stdout.write(text, ending="")
