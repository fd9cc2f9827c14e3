"""`make load`: the platform under load as users feel it, with locust (benchmarks/locustfile.py).

    python -m benchmarks.load [--duration 300] [--rate 20] [--steps 20,40,60,80,120]
        [--step-duration 60] [--workers 2] [--threads 1] [--database-url postgresql://…]
        [--label current|baseline] [--no-write]

A fresh Bitgoeul with the demo data is started as production starts it, `bitgoeul serve`
(gunicorn and a task worker) on 127.0.0.1 only, on SQLite in a temporary directory or on the
PostgreSQL database given by --database-url (give a new, empty one: it is migrated and filled).
locust then runs the mix of benchmarks/locustfile.py at an open-loop arrival rate of --rate
requests per second for --duration seconds (one import and one export run in the background),
then once per rate of --steps for --step-duration seconds each, to find the rate at which p95
crosses 1 s. Every run stops by itself (locust's --run-time; the server is always stopped).

Figures go to benchmarks/results/load-<label>-<database>.json and, with the saved baseline
beside them, to docs/benchmarks.md. Target: p95 ≤ 300 ms and no errors at 20 requests/s.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.loadgen import HOST, ROOT, bitgoeul, free_port, log, server_env
from benchmarks.report import machine, write_section

RESULTS = ROOT / "benchmarks" / "results"
TARGET_P95_MS = 300.0
CROSSING_MS = 1000.0
IMPORT_ROWS = 2000

_SETUP_SCRIPT = """
import json
from bitgoeul.accounts.models import Membership
from bitgoeul.companies.models import Company
from bitgoeul.web.demo import DEMO_PASSWORD
own = Membership.objects.filter(user__email="founder@bitgoeul.kr").values_list(
    "organization_id", flat=True).first()
print("LOAD_SETUP=" + json.dumps({
    "password": DEMO_PASSWORD,
    "public_ids": list(Company.objects.filter(is_public=True).values_list(
        "organization_id", flat=True)),
    "company_ids": list(Company.objects.values_list("organization_id", flat=True)),
    "own_company_id": own,
}))
"""
WORDS = ["로봇", "인공지능", "데이터", "빛고을", "에너지", "드론", "헬스케어", "광주", "비전"]


def percentile_columns(stats_csv: Path) -> dict[str, dict[str, float]]:
    """locust's `<prefix>_stats.csv`: per request name, count, failures, p50/p95/p99, req/s."""
    out: dict[str, dict[str, float]] = {}
    with stats_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Type"] else "Aggregated"
            out[name] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return out


def run_locust(
    base_url: str,
    setup: dict[str, Any],
    rate: float,
    seconds: float,
    out_dir: Path,
    tag: str,
    *,
    jobs: bool,
) -> dict[str, dict[str, float]]:
    env = dict(os.environ)
    env.update({"BITGOEUL_LOAD_RATE": str(rate), "BITGOEUL_LOAD_SETUP": json.dumps(setup)})
    env["BITGOEUL_LOAD_JOBS"] = "1" if jobs else "0"
    prefix = out_dir / tag
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        "1",
        "--spawn-rate",
        "1",
        "--run-time",
        f"{seconds:.0f}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log(f"load: {rate:g} requests/s for {seconds:.0f} s …")
    subprocess.run(command, env=env, cwd=ROOT, timeout=seconds + 180, check=False)
    return percentile_columns(Path(f"{prefix}_stats.csv"))


@contextlib.contextmanager
def served(var_dir: Path, args: argparse.Namespace) -> Any:
    """`bitgoeul serve --demo` (gunicorn and a worker) on 127.0.0.1; always stopped."""
    port = free_port()
    env = server_env(var_dir, port)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.threads > 1:  # `serve` has no option for it: gunicorn reads its extra arguments here
        env["GUNICORN_CMD_ARGS"] = f"--threads {args.threads}"
    log_path = var_dir / "serve.log"
    command = [sys.executable, "-m", "bitgoeul.cli", "serve", "--demo", "--host", HOST]
    command += ["--port", str(port), "--workers", str(args.workers)]
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 300
            base_url = f"http://{HOST}:{port}"
            while "is running on" not in log_path.read_text(errors="replace"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start:\n{log_path.read_text()}")
                time.sleep(0.5)
            time.sleep(3)  # gunicorn's workers boot
            yield env, base_url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)


def drain(base_url: str, timeout: float = 300) -> None:
    """Wait until the server answers /livez at once again: requests that locust gave up on are
    still queued in gunicorn's backlog and would otherwise slow down the next step."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        start = time.monotonic()
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base_url}/livez", timeout=60) as response:
                response.read()
            if time.monotonic() - start < 0.5:
                return
        time.sleep(1)
    raise RuntimeError("the server did not drain its backlog")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.companies_data import generate, write_csv

    with tempfile.TemporaryDirectory(prefix="bitgoeul-load-") as tmp:
        var_dir = Path(tmp)
        csv_path = var_dir / "load-import.csv"
        # Numbers of their own (offset), so the import creates companies rather than matching.
        write_csv(generate(IMPORT_ROWS, seed=7), csv_path)
        with served(var_dir, args) as (env, base_url):
            out = bitgoeul(env, "shell", "-c", _SETUP_SCRIPT)
            line = next(x for x in out.splitlines() if x.startswith("LOAD_SETUP="))
            setup = json.loads(line.removeprefix("LOAD_SETUP="))
            setup.update({"words": WORDS, "import_csv": str(csv_path)})
            main = run_locust(
                base_url, setup, args.rate, args.duration, var_dir, "main", jobs=args.jobs
            )
            steps = {}
            for rate in args.steps:
                drain(base_url)
                steps[str(rate)] = run_locust(
                    base_url, setup, rate, args.step_duration, var_dir, f"step{rate:g}", jobs=False
                )["Aggregated"]
    return {
        "label": args.label,
        "database": "postgresql" if args.database_url else "sqlite",
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "load_average": os.getloadavg()[0],
        "rate": args.rate,
        "duration": args.duration,
        "workers": args.workers,
        "threads": args.threads,
        "jobs": args.jobs,
        "pages": main,
        "steps": steps,
    }


def crossing(result: dict[str, Any]) -> str:
    """The first stepped rate whose p95 is over 1 s."""
    rates = sorted(result["steps"], key=float)
    for rate in rates:
        if result["steps"][rate]["p95"] > CROSSING_MS:
            return f"{float(rate):g} req/s"
    return f"not crossed up to {float(rates[-1]):g} req/s" if rates else "not measured"


def markdown(results: list[dict[str, Any]]) -> str:
    """One table per database: each page's p50/p95/p99 for every labelled run."""
    parts = []
    for database in ("sqlite", "postgresql"):
        runs = [r for r in results if r["database"] == database]
        if not runs:
            continue
        head = "| Page | " + " | ".join(
            f"{r['label']}: n, errors, p50 / p95 / p99 ms" for r in runs
        )
        rows = [head + " |", "|---|" + "--:|" * len(runs)]
        names = sorted({name for r in runs for name in r["pages"]} - {"Aggregated"})
        for name in [*names, "Aggregated"]:
            cells = []
            for r in runs:
                p = r["pages"].get(name)
                cells.append(
                    f"{p['requests']:.0f}, {p['failures']:.0f}, "
                    f"{p['p50']:.0f} / {p['p95']:.0f} / {p['p99']:.0f}"
                    if p
                    else "—"
                )
            label = "**all requests**" if name == "Aggregated" else name
            rows.append(f"| {label} | " + " | ".join(cells) + " |")
        notes = [
            f"- **{r['label']}** (commit {r['commit']}, {r['measured']}, {r['machine']}, "
            f"load average {r['load_average']:.1f} at the end): {r['rate']:g} requests/s "
            f"for {r['duration']:g} s, gunicorn {r['workers']} workers × {r['threads']} "
            f"thread(s), {'with the import and export' if r.get('jobs', True) else 'pages only'}; "
            f"{r['pages']['Aggregated']['rps']:.1f} requests/s served; p95 "
            f"{r['pages']['Aggregated']['p95']:.0f} ms (target ≤ {TARGET_P95_MS:g} ms); "
            f"p95 crosses 1 s at: {crossing(r)} (steps: "
            + ", ".join(
                f"{float(rate):g}/s → p95 {s['p95']:.0f} ms" for rate, s in r["steps"].items()
            )
            + ")."
            + (f" Note: {r['note']}." if r.get("note") else "")
            for r in runs
        ]
        parts.append(f"### {database}\n\n" + "\n".join(rows) + "\n\n" + "\n".join(notes))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="arrivals per second (20)")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds (300)")
    parser.add_argument("--steps", default="20,40,60,80,120", help="stepped rates, or ''")
    parser.add_argument("--step-duration", type=float, default=60.0, help="seconds per step")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads (1)")
    parser.add_argument("--database-url", default="", help="a throwaway PostgreSQL database")
    parser.add_argument("--label", default="current", help="current, or baseline")
    parser.add_argument("--no-jobs", dest="jobs", action="store_false", help="pages only")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    args.steps = [float(s) for s in args.steps.split(",") if s.strip()]
    result = measure(args)
    print(json.dumps(result["pages"]["Aggregated"]), crossing(result))
    if args.no_write:
        return 0
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"load-{result['label']}-{result['database']}.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("load-*.json"))]
    saved.sort(key=lambda r: (r["database"], r["label"] != "baseline", r["label"]))
    intro = (
        "`make load` (`benchmarks/load.py`, locust, `benchmarks/locustfile.py`): an open-loop "
        "arrival rate of a realistic mix (anonymous public pages, staff searching and opening "
        "companies, company users opening and saving their profile), unless marked *pages only* "
        f"(`--no-jobs`) while one import ({IMPORT_ROWS:,} rows: upload, dry run, run) and one "
        "XLSX export run in the worker, against `bitgoeul serve` on 127.0.0.1 with the demo "
        "data; then stepped rates (pages only; the server drains its backlog between steps). "
        "Latencies in ms; errors include timeouts (30 s). *baseline* is the same load against "
        "the code before the viewer cache was removed. The full measurement: `make load` "
        "(`LOAD_ARGS='--database-url postgresql://… --workers 4'` for PostgreSQL) on a quiet "
        "machine; the figures below are short runs on a machine shared with other work."
    )
    write_section("load", "Load as users feel it", intro + "\n\n" + markdown(saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
