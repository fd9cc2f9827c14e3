"""`make bench`: the CPU time and the SQL queries of every main page of every role, uncached.

    python -m benchmarks.bench_web [--runs 25] [--no-write] [--strict]

A fresh temporary SQLite database gets the demo data (`bitgoeul demo`, i.e.
`bitgoeul.web.demo.load_demo`); then, in one `bitgoeul shell` process on that database, each
page is requested through Django's test client as its role (logged in with `force_login`): a few
warm-up requests, then `--runs` rounds of one request per page (interleaved, so that a busy
spell of the shared machine does not fall on a few pages only); the median CPU time of a page's
requests (`time.process_time`, so waiting for other processes does not count), the least
beside it, and the queries of one request. No cache is cleared or warmed on purpose: the pages
have no page cache, only the dashboards' aggregate figures are kept for up to a minute
(`web.selectors`), and those are counted once cached, as most requests see them; the first
request's figures are listed too.

Target: ≤ 25 ms CPU and ≤ 10 queries per page. Exit status 1 on a page that does not answer 200
(or, with --strict, on a missed target). Load as users feel it is `make load` (benchmarks/load.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.loadgen import HOST, bitgoeul, free_port, log, prepare, server_env
from benchmarks.report import write_section

TARGET_CPU_MS = 25.0
TARGET_QUERIES = 10

# (page, role's demo login or "" for anonymous, path). {public} and {own} are company ids found
# in the demo data: a public company, and the company of founder@bitgoeul.kr.
PAGES = [
    ("home", "", "/"),
    ("home", "founder@bitgoeul.kr", "/"),
    ("home", "teammate@bitgoeul.kr", "/"),
    ("home", "chapter.gwangju-jeonnam@bitgoeul.kr", "/"),
    ("home", "association@bitgoeul.kr", "/"),
    ("home", "operator@bitgoeul.kr", "/"),
    ("home", "reviewer@bitgoeul.kr", "/"),
    ("company list", "", "/companies/"),
    ("company search", "", "/companies/?q=로봇"),
    ("company search", "chapter.gwangju-jeonnam@bitgoeul.kr", "/companies/?q=로봇"),
    ("company search", "operator@bitgoeul.kr", "/companies/?q=인공지능"),
    ("company page", "", "/companies/{public}/"),
    ("company page", "founder@bitgoeul.kr", "/companies/{own}/"),
    ("company page", "chapter.gwangju-jeonnam@bitgoeul.kr", "/companies/{own}/"),
    ("company page", "operator@bitgoeul.kr", "/companies/{own}/"),
    ("nominations", "chapter.gwangju-jeonnam@bitgoeul.kr", "/companies/nominations/"),
    ("nominations", "operator@bitgoeul.kr", "/companies/nominations/"),
    ("audit trail", "operator@bitgoeul.kr", "/audit/"),
    ("recent activity (home fragment)", "operator@bitgoeul.kr", "/audit/recent/"),
]

# Run inside `bitgoeul shell` against the benchmark's database.
_PROFILE_SCRIPT = """
import cProfile, json, pstats, statistics, time
from django.db import connection
from django.test import Client
from bitgoeul.accounts.models import Membership, User
from bitgoeul.companies.models import Company
ids = {
    "public": Company.objects.filter(is_public=True).order_by("pk").values_list(
        "organization_id", flat=True).first(),
    "own": Membership.objects.filter(user__email="founder@bitgoeul.kr").values_list(
        "organization_id", flat=True).first(),
}
class Recorder:
    def __init__(self):
        self.sql = []
    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)
    def __enter__(self):
        self.wrapper = connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self
    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)
pages = []
for page, email, path in json.loads(%(pages)r):
    path = path.format(**ids)
    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    with Recorder() as first:
        status = client.get(path).status_code
    for _ in range(3):
        client.get(path)
    with Recorder() as queries:
        client.get(path)
    # the Python function calls of one request: the same on any machine, however busy
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls
    pages.append({"page": page, "role": email, "path": path, "status": status, "client": client,
                  "times": [], "queries": queries.sql, "first_queries": len(first.sql),
                  "calls": calls})
# the timed requests go round the pages, one each per round: a busy spell of the shared
# machine then slows every page a little instead of a few pages a lot
for _ in range(%(runs)d):
    for row in pages:
        start = time.process_time()
        row["client"].get(row["path"])
        row["times"].append((time.process_time() - start) * 1000)
out = []
for row in pages:
    times = row.pop("times")
    row.pop("client")
    out.append({**row, "cpu_ms": statistics.median(times), "cpu_min_ms": min(times)})
print("BENCH_PROFILE=" + json.dumps(out))
"""


def profile(env: dict[str, str], runs: int) -> list[dict[str, Any]]:
    values = {"pages": json.dumps(PAGES, ensure_ascii=False), "runs": runs}
    out = bitgoeul(env, "shell", "-c", _PROFILE_SCRIPT % values)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_PROFILE="))
    result: list[dict[str, Any]] = json.loads(line.removeprefix("BENCH_PROFILE="))
    return result


def misses(row: dict[str, Any]) -> list[str]:
    missed = []
    if row["cpu_ms"] > TARGET_CPU_MS:
        missed.append("CPU")
    if len(row["queries"]) > TARGET_QUERIES:
        missed.append("queries")
    return missed


def markdown(rows: list[dict[str, Any]], data: dict[str, int], runs: int) -> str:
    lines = [
        "| Page | Role | Request | Queries (first request) | CPU ms (median) | CPU ms (least) "
        "| Python calls | Target |",
        "|---|---|---|--:|--:|--:|--:|:-:|",
    ]
    for row in rows:
        verdict = "FAIL: " + ", ".join(misses(row)) if misses(row) else "PASS"
        lines.append(
            f"| {row['page']} | {row['role'] or 'anonymous'} | `GET {row['path']}` "
            f"| {len(row['queries'])} ({row['first_queries']}) | {row['cpu_ms']:.1f} "
            f"| {row['cpu_min_ms']:.1f} | {row['calls']:,} | {verdict} |"
        )
    notes = [
        f"Demo data ({data['organizations']} organizations, {data['users']} users, "
        f"{data['memberships']} memberships, {data['audit_events']} audit events) in a fresh "
        "SQLite database; each page through Django's test client as its role in one process, "
        "no HTTP: after 4 requests of warm-up per page, the timed requests go round the pages "
        f"{runs} times (one request per page per round, so that a busy spell of the shared "
        "machine slows every page a little rather than a few pages a lot); the median CPU time "
        "(`time.process_time`) of each page's requests is the figure held to the target, the "
        "least beside it; the queries are those of one request, and so are the Python function "
        "calls (counted by cProfile in one request after the warm-up): unlike the CPU time, "
        "they do not depend on how fast or busy the machine is, so they compare runs on "
        "different days and machines. There is no page cache; the "
        "dashboards' "
        "aggregate figures are cached for up to 60 s (`web.selectors.FIGURES_TTL`), so the "
        "first request (in brackets) may run more queries than the next ones.",
        f"Target: ≤ {TARGET_CPU_MS:g} ms CPU and ≤ {TARGET_QUERIES} queries per page. "
        "Load as users feel it (latency under an arrival rate) is in the load section below.",
    ]
    return "\n".join(lines) + "\n\n" + "\n\n".join(notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25, help="timed requests per page (25)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be positive")
    with tempfile.TemporaryDirectory(prefix="bitgoeul-bench-") as tmp:
        env = server_env(Path(tmp), free_port())
        _token, _password, data = prepare(env)
        log(f"bench: {len(PAGES)} pages, {args.runs} timed requests each, on {HOST} settings …")
        rows = profile(env, args.runs)
    body = markdown(rows, data, args.runs)
    print(body)
    for row in rows:
        if misses(row):
            log(f"\n{row['page']} ({row['role'] or 'anonymous'}): {', '.join(misses(row))}")
            for sql in row["queries"]:
                log(f"  {sql[:200]}")
    if not args.no_write:
        write_section("web", "Web: CPU time and queries per page", body)
    failed = [row for row in rows if row["status"] != 200]
    for row in failed:
        log(f"bench: {row['path']} as {row['role'] or 'anonymous'} answered {row['status']}")
    if failed:
        return 1
    return 1 if args.strict and any(misses(row) for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
