"""`make fuzz`: schemathesis against the running API; fails on any 5xx.

    python -m benchmarks.fuzz_api [--max-examples 50] [--checks not_a_server_error,...] [--seed N]

A fresh temporary SQLite database with the demo data is served by gunicorn on 127.0.0.1 (as in
`make bench`, benchmarks/loadgen.py); schemathesis reads /api/v1/openapi.json from it and sends
every operation generated requests, valid and invalid, authenticated with a write-scope API token
of the demo operator (so PATCH is exercised). Exit status: schemathesis's own (0: no failure).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benchmarks.loadgen import demo_server, log

# not_a_server_error: no 5xx. response_schema_conformance: every answer whose status the schema
# documents has the documented shape (the schema documents only the 200s, so the {"error": …}
# bodies of 4xx answers are not checked; status_code_conformance would fail on them for that).
DEFAULT_CHECKS = "not_a_server_error,response_schema_conformance"


def schemathesis() -> str:
    """The `st` of this virtualenv (the one next to this Python), else the one on PATH."""
    here = Path(sys.executable).parent / "st"
    return str(here) if here.exists() else "st"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=50, help="per operation (50)")
    parser.add_argument("--checks", default=DEFAULT_CHECKS, help=f"({DEFAULT_CHECKS})")
    parser.add_argument("--seed", type=int, default=None, help="for a reproducible run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for schemathesis")
    parser.add_argument(
        "--report-dir", default=None, help="also write JUnit and a pytest reproduction here"
    )
    args = parser.parse_args(argv)

    with demo_server(workers=args.workers) as server:
        command = [
            schemathesis(),
            "run",
            f"{server.base_url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {server.token}",
            "--checks",
            args.checks,
            "--max-examples",
            str(args.max_examples),
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--generation-database",
            "none",  # no .hypothesis/ folder in the working tree
            "--no-color",
            "--warnings",
            "off",
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        if args.report_dir:
            command += [
                "--report",
                "junit,pytest",
                "--report-dir",
                str(Path(args.report_dir).resolve()),
            ]
        shown = " ".join(
            "'Authorization: Bearer …'" if part.startswith("Authorization") else part
            for part in command
        )
        log(f"fuzz: {shown}")
        try:
            # in the temporary directory: schemathesis keeps a .schemathesis/ cache in its cwd
            done = subprocess.run(command, cwd=server.var_dir, timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            log(f"fuzz: schemathesis ran over {args.timeout:.0f} s")
            return 1
    if done.returncode:
        log(f"fuzz: schemathesis found failures (exit {done.returncode})")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
