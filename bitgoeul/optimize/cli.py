"""`bitgoeul solve allocation|assignment|selection IN.json [-o OUT.json] [--time-limit S]`.

Exit 0 with the answer (any status, infeasible included); exit 2 with one line on stderr naming
the JSON path and the problem for invalid input (or an unreadable file, or bad arguments).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from bitgoeul.optimize import io
from bitgoeul.optimize.allocation.solve import solve_allocation
from bitgoeul.optimize.assignment.solve import solve_assignment
from bitgoeul.optimize.selection.solve import solve_selection
from bitgoeul.optimize.status import ProblemError


class ProgressLine:
    """After a second of solving, one line on stderr (kept up to date on a terminal)."""

    def __init__(self, what: str, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.what = what
        self.stream = stream or sys.stderr
        self.delay = delay
        self.phase = "starting"
        self.start = time.perf_counter()
        self.shown = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def update(self, phase: str) -> None:
        self.phase = phase

    def _line(self) -> str:
        return f"solving {self.what}: {self.phase} ({time.perf_counter() - self.start:.0f} s)"

    def _run(self) -> None:
        if self.done.wait(self.delay):
            return
        tty = self.stream.isatty()
        self.shown = True
        self.stream.write(self._line() + ("" if tty else "\n"))
        self.stream.flush()
        while tty and not self.done.wait(1.0):
            self.stream.write("\r\033[K" + self._line())
            self.stream.flush()

    def __enter__(self) -> ProgressLine:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.done.set()
        self.thread.join()
        if self.shown:
            elapsed = time.perf_counter() - self.start
            prefix = "\r\033[K" if self.stream.isatty() else ""
            self.stream.write(f"{prefix}solved {self.what} in {elapsed:.1f} s\n")
            self.stream.flush()


def _kinds() -> dict[str, tuple[Callable[[Any], Any], Callable[..., Any], Callable[[Any], Any]]]:
    return {
        "allocation": (io.parse_allocation, solve_allocation, io.encode_allocation),
        "assignment": (io.parse_assignment, solve_assignment, io.encode_assignment),
        "selection": (io.parse_selection, solve_selection, io.encode_selection),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitgoeul solve",
        description="Solve an allocation, assignment or selection problem given as JSON.",
    )
    parser.add_argument("problem", choices=["allocation", "assignment", "selection"])
    parser.add_argument("input", metavar="IN.json", help="the problem; '-' reads stdin")
    parser.add_argument("-o", "--output", metavar="OUT.json", help="write here (default stdout)")
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="stop searching after this long; the answer is then 'feasible' with its bound",
    )
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse already printed the usage line
        return int(stop.code or 0)
    if args.time_limit is not None and not args.time_limit > 0:
        print("error: --time-limit: must be > 0", file=sys.stderr)
        return 2
    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: {args.input}: cannot read ({error})", file=sys.stderr)
        return 2
    parse, solve, encode = _kinds()[args.problem]
    try:
        problem = parse(text)
    except ProblemError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with ProgressLine(args.problem) as line:
        result = solve(problem, time_limit=args.time_limit, progress=line.update)
    out = json.dumps(encode(result), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
