"""`make bench`: requests per second and p50/p95 latency of the home page and /api/v1/me under
concurrent load, each against the trivial view /livez served by the same gunicorn in the same
run; the ratios go into docs/benchmarks.md. Target: our pages at no less than half the
throughput of the trivial view.

    python -m benchmarks.bench_web [--quick] [--concurrency 8] [--duration 10] [--strict]

A fresh temporary SQLite database with the demo data is set up and served by gunicorn (2 sync
workers, as `bitgoeul serve` runs it) on 127.0.0.1; the load generator (benchmarks/loadgen.py)
runs in this process, on the same machine. Exit status 1 on any failed request (or, with
--strict, on a missed target).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from benchmarks.loadgen import (
    HOST,
    Connection,
    Server,
    Tally,
    Target,
    bitgoeul,
    demo_server,
    log,
    raw_get,
    run_rounds,
)
from benchmarks.report import write_section

TARGET_RATIO = 0.5
BASELINE = "trivial"

# Run inside `bitgoeul shell` against the benchmark's database: the SQL and the CPU time per
# request of each target, through Django's WSGI handler as gunicorn calls it (a new database
# connection per request, as in production) but without HTTP or concurrent load.
_PROFILE_SCRIPT = """
import io, json, sys, time
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
app = WSGIHandler()
def call(path, headers):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
    }
    for key, value in headers:
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    status = []
    response = app(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(response)
    response.close()
    return int(status[0].split()[0])
sql = []
def record(execute, query, params, many, context):
    sql.append(query)
    return execute(query, params, many, context)
def measure(path, headers):
    for _ in range(10):
        call(path, headers)
    del sql[:]
    with connection.execute_wrapper(record):
        status = call(path, headers)
    best = float("inf")
    for _ in range(%(repeats)d):
        start = time.process_time()
        for _ in range(%(runs)d):
            call(path, headers)
        best = min(best, (time.process_time() - start) / %(runs)d * 1000)
    return status, best, list(sql)
from django.conf import settings
out = {}
cached_views = settings.VIEWER_CACHED_VIEWS
for name, path, headers in json.loads(%(targets)r):
    settings.VIEWER_CACHED_VIEWS = cached_views
    status, cpu, queries = measure(path, headers)
    settings.VIEWER_CACHED_VIEWS = set()
    _, cold_cpu, cold_queries = measure(path, headers)
    out[name] = {"status": status, "cpu_ms": cpu, "queries": queries,
                 "cold_cpu_ms": cold_cpu, "cold_queries": cold_queries}
print("BENCH_PROFILE=" + json.dumps(out))
"""


def targets(server: Server) -> list[Target]:
    cookie = ("Cookie", server.session_cookie)
    bearer = ("Authorization", f"Bearer {server.token}")
    return [
        Target(BASELINE, "/livez"),
        Target("home", "/", (cookie,)),
        Target("me (token)", "/api/v1/me", (bearer,)),
        Target("me (session)", "/api/v1/me", (cookie,)),
    ]


def sanity_check(server: Server, all_targets: list[Target]) -> None:
    """Each target answers 200 with what a logged-in operator should see, before any timing."""
    for target in all_targets:
        conn = Connection(HOST, server.port)
        try:
            status, _headers, body = conn.request(raw_get(target.path, server.port, target.headers))
        finally:
            conn.close()
        if status != 200:
            raise SystemExit(f"{target.name}: {target.path} answered {status}, not 200")
        text = body.decode("utf-8", "replace")
        if target.path == "/" and 'id="chapter-chart"' not in text:
            raise SystemExit("home: not the operator dashboard; the session is not logged in")
        if target.path.startswith("/api/v1/me"):
            me = json.loads(text)
            if me.get("email") != "operator@bitgoeul.kr" or not me.get("is_operator_staff"):
                raise SystemExit(f"{target.name}: not the operator: {text[:200]}")


def profile(
    server: Server, all_targets: list[Target], runs: int = 50, repeats: int = 3
) -> dict[str, Any]:
    """SQL and CPU time per request of each target, in one process without HTTP or load (the
    best of `repeats` batches of `runs`, since other work on the machine only adds time)."""
    spec = json.dumps([[t.name, t.path, [list(h) for h in t.headers]] for t in all_targets])
    values = {"targets": spec, "runs": runs, "repeats": repeats}
    out = bitgoeul(server.env, "shell", "-c", _PROFILE_SCRIPT % values)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_PROFILE="))
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH_PROFILE="))
    return result


def markdown(
    server: Server,
    tallies: dict[str, Tally],
    profiled: dict[str, Any],
    all_targets: list[Target],
    args: argparse.Namespace,
) -> str:
    base = tallies[BASELINE].requests_per_second
    rows = [
        "| Target | Request | req/s | p50 ms | p95 ms | Errors | DB queries | "
        "CPU ms/request | uncached: queries, CPU ms | Ratio to trivial | ≥ 0.5 |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for target in all_targets:
        tally = tallies[target.name]
        ratio = tally.requests_per_second / base if base else 0.0
        auth = {"Cookie": " (session)", "Authorization": " (bearer token)"}
        request = "GET " + target.path + "".join(auth[name] for name, _ in target.headers)
        verdict = "—" if target.name == BASELINE else ("PASS" if ratio >= TARGET_RATIO else "FAIL")
        prof = profiled.get(target.name, {})
        rows.append(
            f"| {target.name} | `{request}` | {tally.requests_per_second:,.0f} "
            f"| {tally.percentile_ms(50):.1f} | {tally.percentile_ms(95):.1f} | {tally.errors} "
            f"| {len(prof.get('queries', []))} | {prof.get('cpu_ms', float('nan')):.2f} "
            f"| {len(prof.get('cold_queries', []))}, {prof.get('cold_cpu_ms', float('nan')):.2f} "
            f"| {ratio:.2f} | {verdict} |"
        )
    data = server.data
    slice_s = args.duration / args.rounds
    notes = [
        f"Server: gunicorn, {server.workers} sync workers (as `bitgoeul serve`), no access log, "
        f"DEBUG off; SQLite (WAL) in a fresh temporary directory with the demo data "
        f"({data['organizations']} organizations, {data['users']} users, "
        f"{data['memberships']} memberships, {data['audit_events']} audit events).",
        f"Load: {args.concurrency} concurrent clients (this repository's own load generator, "
        f"`benchmarks/loadgen.py`: threads, raw sockets, a new connection per request since "
        f"gunicorn's sync workers close it) for {args.duration:g} s per target, in "
        f"{args.rounds} interleaved rounds of {slice_s:g} s (trivial, home, me, …) after "
        f"{args.warmup:g} s of warm-up each. Client and server share the machine's "
        "cores, so absolute figures are low and noisy; the ratio to the trivial view, measured "
        "in the same rounds, is the figure that matters.",
        "Home is the heaviest dashboard: operator@bitgoeul.kr, logged in through the login "
        "form, sending the cookies a browser sends. Any answer but 200 counts as an error. "
        "*DB queries* and *CPU ms/request* are measured in one process through Django's WSGI "
        "handler on the same database, without HTTP or load; they explain the ratios.",
        "The home page and `/api/v1/me` are served again from the viewer cache "
        "(`bitgoeul.web.middleware.ViewerCacheMiddleware`) while the viewer's credentials and "
        "the data are unchanged: a reload costs one `MAX(id)` query and no rendering. The "
        "*uncached* column is the cost of the first view, or of any view after a change of data "
        "(rendering, 3 queries for home).",
        f"Target: each page at ≥ {TARGET_RATIO:g} × the trivial view's requests per second.",
    ]
    return "\n".join(rows) + "\n\n" + "\n\n".join(notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target (10)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per target (1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--quick", action="store_true", help="3 s per target, 3 rounds")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.warmup = 3.0, 3, 0.5
    if args.concurrency < 1 or args.duration <= 0 or args.rounds < 1:
        parser.error("concurrency, duration and rounds must be positive")

    with demo_server(workers=args.workers) as server:
        all_targets = targets(server)
        sanity_check(server, all_targets)
        log(f"bench: warm-up, {args.warmup:g} s per target")
        run_rounds(
            server.port,
            all_targets,
            concurrency=args.concurrency,
            seconds=args.warmup,
            rounds=1,
            progress=lambda _line: None,
        )
        log(
            f"bench: {args.duration:g} s per target, {args.rounds} rounds, "
            f"{args.concurrency} clients"
        )
        tallies = run_rounds(
            server.port,
            all_targets,
            concurrency=args.concurrency,
            seconds=args.duration,
            rounds=args.rounds,
        )
        log("bench: queries and in-process time per request …")
        profiled = profile(server, all_targets)

    body = markdown(server, tallies, profiled, all_targets, args)
    print(body)
    base = tallies[BASELINE].requests_per_second
    missed = [
        name
        for name, tally in tallies.items()
        if name != BASELINE and tally.requests_per_second < TARGET_RATIO * base
    ]
    errors = {name: dict(t.statuses) for name, t in tallies.items() if t.errors}
    for name in missed:
        log(f"\n{name}: below {TARGET_RATIO:g} × trivial; its queries per request:")
        for sql in profiled.get(name, {}).get("queries", []):
            log(f"  {sql[:160]}")
    if not args.no_write:
        write_section("web", "Web: home page and API under concurrent load", body)
    if errors:
        log(f"bench: failed requests: {errors}")
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
