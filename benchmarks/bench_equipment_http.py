"""`make bench`: 50 concurrent attempts to book one slot through HTTP, against a baseline that
checks the time in application code and then writes (as LibreBooking does), which double-books.

    python -m benchmarks.bench_equipment_http [--clients 50] [--rounds 5] [--no-write]

A fresh SQLite database (migrated, no demo data) gets two items, a company and one member with a
write API token per client. Two gunicorn servers run on loopback, each with the same workers,
threads, settings and database:

- **guarded**: Bitgoeul itself; each client POSTs `/api/v1/bookings` (`booking_create`: item
  row lock, rules, fee, the database's no-overlap guarantee, audit);
- **baseline**: the same project, middleware, token authentication, django-ninja and answer
  schema, with one more operation (`POST /baseline/bookings`,
  `benchmarks/equipment_http_baseline.py`) that reads whether the time is free and then inserts
  the booking (autocommit, no lock, no guard rows, no rules or audit): the read-then-write check
  of application code.

Each round, `--clients` threads wait at a barrier and then POST the same slot at once (a new
slot each round). Reported per server: bookings accepted per round (the guard must accept exactly
one; the baseline's extra ones are double bookings), the answers, and the latency of every
request (p50, p95, max). Exit status 1 if the guarded server accepts anything but one per round.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.loadgen import HOST, ROOT, bitgoeul, free_port, log, server_env, stop, wait_ready
from benchmarks.report import write_section

WORKERS, THREADS = 4, 4
TIMEOUT = 60.0  # seconds per request: every thread ends

# Run inside `bitgoeul shell` against the benchmark's database.
_SETUP_SCRIPT = """
import json
from django.db import transaction
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.core import hooks
from bitgoeul.equipment.models import Category, Centre, Item
with transaction.atomic():
    host = Organization.objects.create(name="광주테크노파크", kind=OrganizationKind.INSTITUTION)
    centre = Centre.objects.create(name="AI 모빌리티 실증센터", domain="mobility", host=host)
    category = Category.objects.create(name="자율주행 차량")
    items = {
        name: Item.objects.create(
            centre=centre, category=category, host=host, name=f"자율주행 실증 차량 ({name})",
            always_open=True, closed_on_holidays=False, notice_minutes=0, min_minutes=15,
            max_advance_days=365, fee_unit="hour", fee_krw=30000,
        ).pk
        for name in ("guarded", "baseline")
    }
    company = Organization.objects.create(
        name="(주)빛고을모빌리티", kind=OrganizationKind.COMPANY, brn="1018100011"
    )
    hooks.publish(hooks.ORGANIZATION_CREATED, organization=company, actor=None)
    tokens = []
    for n in range(%(clients)d):
        user = User.objects.create_user(f"driver{n}@example.kr", None, name=f"운전자{n}")
        Membership.objects.create(user=user, organization=company, role=MembershipRole.MEMBER)
        tokens.append(api_token_create(user=user, name="bench", scope="write")[1])
print("BENCH_SETUP=" + json.dumps({"items": items, "company": company.pk, "tokens": tokens}))
"""


# --- servers and clients -----------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], port: int, var_dir: Path, name: str) -> Iterator[int]:
    log_path = var_dir / f"gunicorn-{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--bind",
        f"{HOST}:{port}",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log_path),
    ]
    log(f"bench: {name} server ({app}), {WORKERS} workers × {THREADS} threads, on {HOST}:{port}")
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(proc, port, log_path, 60)
            yield port
        finally:
            stop(proc)


def post(url: str, token: str, body: dict[str, Any]) -> tuple[int, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        content = error.read()
        status = error.code
        if status != 409:
            log(f"bench: {url} answered {status}: {content[:300]!r}")
    except OSError:
        status = 0  # no answer (refused, reset or timed out)
    return status, (time.perf_counter() - start) * 1000


def burst(url: str, tokens: list[str], body: dict[str, Any]) -> list[tuple[int, float]]:
    """Every client POSTs `body` at once (released together by a barrier)."""
    barrier = threading.Barrier(len(tokens))
    results: list[tuple[int, float]] = [(0, 0.0)] * len(tokens)

    def client(n: int) -> None:
        barrier.wait()
        results[n] = post(url, tokens[n], body)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _body(setup: dict[str, Any], name: str, start: dt.datetime) -> dict[str, Any]:
    return {
        "item": setup["items"][name],
        "company": setup["company"],
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
    }


def run(clients: int, rounds: int, database_url: str = "") -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bitgoeul-bench-") as tmp:
        var_dir = Path(tmp)
        port, baseline_port = free_port(), free_port()
        env = server_env(var_dir, port)
        if database_url:  # an empty PostgreSQL database instead of a fresh SQLite file
            env["DATABASE_URL"] = database_url
        log("bench: migrate …")
        bitgoeul(env, "migrate", "--noinput", "-v", "0")
        bitgoeul(env, "collectstatic", "--noinput", "-v", "0")
        out = bitgoeul(env, "shell", "-c", _SETUP_SCRIPT % {"clients": clients})
        line = next(line for line in out.splitlines() if line.startswith("BENCH_SETUP="))
        setup = json.loads(line.removeprefix("BENCH_SETUP="))
        tokens: list[str] = setup["tokens"]
        first = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(
            minute=0, second=0, microsecond=0
        )
        results: dict[str, Any] = {}
        servers = [
            ("guarded", "bitgoeul.wsgi:application", port, "/api/v1/bookings"),
            (
                "baseline",
                "benchmarks.equipment_http_baseline:application",
                baseline_port,
                "/baseline/bookings",
            ),
        ]
        for name, app, server_port, path in servers:
            with gunicorn(app, env, server_port, var_dir, name):
                url = f"http://{HOST}:{server_port}{path}"
                accepted: list[int] = []
                statuses: Counter[int] = Counter()
                latencies: list[float] = []
                # warm-up, not counted: each worker loads the URLs and the API on its first
                # request, and each token records its first use
                warm = first - dt.timedelta(hours=12)
                burst(url, tokens, _body(setup, name, warm))
                for n in range(rounds):
                    start = first + dt.timedelta(hours=2 * n)
                    answers = burst(url, tokens, _body(setup, name, start))
                    statuses.update(status for status, _ms in answers)
                    latencies.extend(ms for _status, ms in answers)
                    accepted.append(sum(1 for status, _ms in answers if status == 201))
                    log(f"bench: {name} round {n + 1}: {accepted[-1]} accepted")
            results[name] = {
                "load": os.getloadavg()[0],
                "accepted": accepted,
                "statuses": dict(sorted(statuses.items())),
                "p50": statistics.median(latencies),
                "p95": percentile(latencies, 95),
                "max": max(latencies),
            }
        return results


def markdown(results: dict[str, Any], clients: int, rounds: int, database: str) -> str:
    lines = [
        "| Server | Accepted per round | Double bookings | Answers | p50 ms | p95 ms | max ms |",
        "|---|---|--:|---|--:|--:|--:|",
    ]
    for name, label in (
        ("guarded", "Bitgoeul `POST /api/v1/bookings` (database guarantee)"),
        ("baseline", "Baseline: read, then write (no guard)"),
    ):
        row = results[name]
        doubles = sum(max(0, n - 1) for n in row["accepted"])
        answers = ", ".join(
            f"{status or 'no answer'}×{count}" for status, count in row["statuses"].items()
        )
        lines.append(
            f"| {label} | {', '.join(map(str, row['accepted']))} | {doubles} | {answers} "
            f"| {row['p50']:.0f} | {row['p95']:.0f} | {row['max']:.0f} |"
        )
    notes = (
        f"{rounds} rounds; in each, {clients} clients (threads, one API token each, members of "
        "one company) are released by a barrier and POST the same one-hour slot at once; each "
        "round books a new slot, after one uncounted warm-up round. Both servers are gunicorn "
        f"with {WORKERS} workers × {THREADS} threads on loopback, on the same {database}, "
        "with the same middleware, token authentication, "
        "django-ninja and answer schema. The guarded server is Bitgoeul's "
        "`POST /api/v1/bookings`: an unlocked read answers 409 at once when the time is "
        "already taken; otherwise `booking_create` locks the item row, checks the rules, "
        "computes the fee, inserts the booking with its slot rows (on PostgreSQL the exclusion "
        "constraint decides) and the audit event. The baseline (`POST /baseline/bookings`, "
        "`benchmarks/equipment_http_baseline.py`) reads whether the time is free and inserts in "
        "autocommit, as application-code checks do. Latency is per request, from sending to the "
        "full answer, over all rounds. The machine's load average (1 min) when each server's "
        f"rounds ended: guarded {results['guarded']['load']:.1f}, baseline "
        f"{results['baseline']['load']:.1f} ({os.cpu_count()} cores): on a busy machine "
        "requests queue for the CPU, and the latencies show it."
    )
    return "\n".join(lines) + "\n\n" + notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent attempts (50)")
    parser.add_argument("--rounds", type=int, default=5, help="slots tried, one per round (5)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument(
        "--database-url",
        default="",
        help="an EMPTY PostgreSQL database (postgres://…) to run on instead of a fresh SQLite file",
    )
    args = parser.parse_args(argv)
    if args.clients < 2 or args.rounds < 1:
        parser.error("--clients must be at least 2 and --rounds at least 1")
    results = run(args.clients, args.rounds, args.database_url)
    if args.database_url:
        database = "PostgreSQL database (the exclusion constraint decides)"
        key, title = "equipment-http-postgresql", "on PostgreSQL"
    else:
        database = "SQLite database (WAL, `transaction_mode: IMMEDIATE`, slot rows decide)"
        key, title = "equipment-http", "on SQLite"
    body = markdown(results, args.clients, args.rounds, database)
    print(body)
    if not args.no_write:
        heading = f"Equipment: {args.clients} concurrent bookings of one slot over HTTP, {title}"
        write_section(key, heading, body)
    return 0 if all(n == 1 for n in results["guarded"]["accepted"]) else 1


if __name__ == "__main__":
    sys.exit(main())
