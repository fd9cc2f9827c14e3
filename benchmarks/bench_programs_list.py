"""Programmes benchmark: the staff application list of a call with 3,000 applications, against
the same page without its query optimisations, measured in the same run.

    python -m benchmarks.bench_programs_list [--applications 3000] [--runs 20] [--no-write]

A child process gets a fresh SQLite database (migrated), writes one call with `--applications`
submitted applications of as many companies (bulk inserts: the figures are about reading), then
requests the page through Django's test client as operator staff, with the session and
middleware of a real request: six addresses (the first page, a later page, a region filter, a
title search, an amount range and a sort by amount), `--runs` times each, alternating between
the optimised page and the baseline so that both see the same machine load. The baseline is the
same view with `selectors.STAFF_LIST_RELATED` emptied: each row then reads its company, its
organisation and its chapter one query at a time (what the page did before `select_related`).

Target: p95 ≤ 150 ms of CPU time per request for the optimised page (`time.process_time`,
as `bench_web` measures pages: waiting for other processes on a busy machine does not count;
the wall time is reported beside it). Exit status 1 when it is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

from benchmarks.report import write_section

TARGET_P95_MS = 150.0
PATHS = [
    ("first page", ""),
    ("page 30", "?page=30"),
    ("region filter", "?province=jeonnam"),
    ("title search", "?q=드론"),
    ("amount range", "?amount_min=20000000&amount_max=60000000"),
    ("sort by amount", "?sort=-amount"),
]
PROVINCES = ["gwangju", "jeonnam", "busan", "seoul", "daegu", "jeonbuk"]
TOPICS = ["영상 인식", "드론 관제", "음성 인식", "의료 영상", "자율주행", "스마트 팜"]


# --- child side ------------------------------------------------------------------------------
def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _data(count: int) -> tuple[int, Any]:
    """One call of the operator's organisation with `count` submitted applications; returns
    the call's id and the operator staff user."""
    from django.utils import timezone

    from benchmarks.companies_data import brn
    from bitgoeul.accounts.models import Membership, Organization, User
    from bitgoeul.companies.models import Company
    from bitgoeul.programs.models import Application, Call

    operator_org = Organization.objects.create(name="광주광역시 인공지능산업실", kind="operator")
    association = Organization.objects.create(name="벤처기업협회", kind="association")
    chapters = [
        Organization.objects.create(name=name, kind="chapter", parent=association)
        for name in ("광주전남지회", "부산지회", "대구경북지회")
    ]
    operator = User.objects.create_user("bench@bitgoeul.kr", "x", name="bench")
    Membership.objects.create(user=operator, organization=operator_org, role="staff")
    now = timezone.now()
    call = Call.objects.create(
        title="AI 실증 지원사업 1차 공고",
        organizer=operator_org,
        budget=10_000_000_000,
        max_award=100_000_000,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
        state="published",
    )
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                name=f"(주)벤치기업{index:05d}",
                kind="company",
                brn=brn(index),
                parent=chapters[index % len(chapters)],
            )
            for index in range(count)
        ],
        batch_size=1000,
    )
    Company.objects.bulk_create(
        [
            Company(organization=org, province=PROVINCES[index % len(PROVINCES)])
            for index, org in enumerate(organizations)
        ],
        batch_size=1000,
    )
    Application.objects.bulk_create(
        [
            Application(
                call=call,
                company_id=org.pk,
                state="submitted",
                title=f"{TOPICS[index % len(TOPICS)]} 기반 실증 과제 {index}",
                summary=f"{TOPICS[(index * 7) % len(TOPICS)]} 기술로 현장 문제를 풉니다.",
                requested_amount=10_000_000 + (index * 7919) % 90_000_000,
                keywords=[TOPICS[index % len(TOPICS)]],
                data={},
                submitted_at=now - dt.timedelta(minutes=index),
            )
            for index, org in enumerate(organizations)
        ],
        batch_size=1000,
    )
    return call.pk, operator


def child(count: int, runs: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bitgoeul.settings",
        BITGOEUL_DEMO="true",
        BITGOEUL_LOG_LEVEL="WARNING",
    )
    import time

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bitgoeul.programs import selectors

    call_command("migrate", verbosity=0)
    call_id, operator = _data(count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(operator)
    base = f"/calls/{call_id}/applications/"
    optimised_related = selectors.STAFF_LIST_RELATED
    modes = {"optimised": optimised_related, "baseline": ()}
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    walls: dict[str, list[float]] = {mode: [] for mode in modes}
    queries: dict[str, dict[str, int]] = {mode: {} for mode in modes}
    for mode, related in modes.items():  # warm-up, and the queries of one request per path
        selectors.STAFF_LIST_RELATED = related
        for label, query in PATHS:
            assert client.get(base + query).status_code == 200
            with CaptureQueriesContext(connection) as captured:
                client.get(base + query)
            queries[mode][label] = len(captured.captured_queries)
    for _ in range(runs):
        for mode, related in modes.items():
            selectors.STAFF_LIST_RELATED = related
            for _label, query in PATHS:
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(base + query)
                times[mode].append((time.process_time() - cpu) * 1000)
                walls[mode].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    selectors.STAFF_LIST_RELATED = optimised_related
    result = {
        mode: {
            "p50": statistics.median(values),
            "p95": _percentile(values, 0.95),
            "max": max(values),
            "wall_p50": statistics.median(walls[mode]),
            "wall_p95": _percentile(walls[mode], 0.95),
            "requests": len(values),
            "queries": queries[mode],
        }
        for mode, values in times.items()
    }
    result["load"] = os.getloadavg()[0]  # type: ignore[assignment]
    print("RESULT " + json.dumps(result))


# --- parent side -----------------------------------------------------------------------------
def run(count: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as var_dir:
        command = [
            sys.executable,
            "-m",
            "benchmarks.bench_programs_list",
            "--child",
            "--applications",
            str(count),
            "--runs",
            str(runs),
        ]
        env = {**os.environ, "BITGOEUL_VAR_DIR": var_dir}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-4000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    return result


def markdown(count: int, runs: int, result: dict[str, Any]) -> str:
    best, base = result["optimised"], result["baseline"]
    verdict = "PASS" if best["p95"] <= TARGET_P95_MS else "FAIL"
    lines = [
        "| page | CPU p50 ms | CPU p95 ms | CPU max ms | wall p50 ms | wall p95 ms "
        "| queries per request | target |",
        "| --- | --: | --: | --: | --: | --: | --- | :-: |",
        f"| staff application list (`select_related`) | {best['p50']:.1f} | {best['p95']:.1f} "
        f"| {best['max']:.1f} | {best['wall_p50']:.1f} | {best['wall_p95']:.1f} "
        f"| {', '.join(str(q) for q in best['queries'].values())} "
        f"| {verdict} (CPU p95 ≤ {TARGET_P95_MS:g} ms) |",
        f"| baseline: the same page without its query optimisations | {base['p50']:.1f} "
        f"| {base['p95']:.1f} | {base['max']:.1f} | {base['wall_p50']:.1f} "
        f"| {base['wall_p95']:.1f} | {', '.join(str(q) for q in base['queries'].values())} | — |",
    ]
    notes = [
        f"One call with {count:,} submitted applications of {count:,} companies in a fresh "
        "SQLite database; operator staff request the list through Django's test client (the "
        "middleware, session and template of a real request, no HTTP): "
        + ", ".join(label for label, _q in PATHS)
        + f"; {runs} rounds of all six, alternating with the baseline ({best['requests']} "
        "timed requests each). The target is on the CPU time of each request "
        "(`time.process_time`, as `bench_web` measures pages), so waiting for other processes "
        "on a shared machine does not count; the wall time is listed beside it. Queries are "
        "listed per address in the order above. The baseline empties "
        "`programs.selectors.STAFF_LIST_RELATED`, so each of the 50 rows on a page reads its "
        "company, organisation and chapter in three more queries. "
        f"p95 speed-up: {base['p95'] / best['p95']:.1f}×. "
        f"Load average at the end: {result['load']:.2f} on {os.cpu_count()} cores"
        + (
            " (more runnable processes than cores: the wall time includes waiting for a CPU)."
            if result["load"] > (os.cpu_count() or 1)
            else "."
        ),
        "Command: `python -m benchmarks.bench_programs_list` (part of `make bench`).",
    ]
    return "\n".join(lines) + "\n\n" + "\n\n".join(notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=20, help="rounds of the six requests (20)")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.applications, args.runs)
        return 0
    result = run(args.applications, args.runs)
    body = markdown(args.applications, args.runs, result)
    print(body)
    if not args.no_write:
        write_section("programs-list", "Programmes: staff application list", body)
    return 0 if result["optimised"]["p95"] <= TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
