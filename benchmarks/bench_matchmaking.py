"""Matchmaking benchmark: the supplier ranking of one need over 20,000 companies, beside a plain
`icontains` baseline measured in the same run — latency (p50, p95) and hit rate at 10 on the
labelled needs of tests/matchmaking/labelled_needs.py.

The 20,000 companies are benchmarks/companies_data.py's generator (the companies benchmark's),
imported by the platform's import service and all made public (the worst case: every AI
company is a candidate supplier); the labelled corpus (its suppliers, distractors and 150
generated buzzword suppliers) is added to them. The ranking is asked as the requesting
company's member would ask it on the need page.

    python -m benchmarks.bench_matchmaking [--rows 20000] [--repeat 10] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks.companies_data import generate, write_csv

console = Console()
TARGET_P95_MS = 100.0


def _setup(var_dir: str, database_url: str) -> None:
    os.environ.update(
        BITGOEUL_VAR_DIR=var_dir,
        BITGOEUL_DEMO="true",
        DJANGO_SETTINGS_MODULE="bitgoeul.settings",
        BITGOEUL_LOG_LEVEL="WARNING",
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(path: Path) -> float:
    from bitgoeul.companies.importing.fields import guess_mapping
    from bitgoeul.companies.importing.readers import read_path
    from bitgoeul.companies.models import Company
    from bitgoeul.companies.services import importing

    start = time.perf_counter()
    table = read_path(path)
    report = importing.company_import_run(
        table=table, mapping=guess_mapping(table.headers), actor=None, dry_run=False
    )
    assert report.written and report.rejected == 0, report.summary()["rows"][:3]
    Company.objects.update(is_public=True)
    return time.perf_counter() - start


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _measure(repeat: int) -> dict[str, Any]:
    from django.db import connection

    from bitgoeul.companies.models import Company
    from bitgoeul.matchmaking.baseline import rank_suppliers_icontains
    from bitgoeul.matchmaking.ranking import rank_suppliers
    from bitgoeul.search.terms import kiwi
    from tests.matchmaking.labelled_needs import NEEDS, build_corpus, need_text

    kiwi()  # loaded once per process, before the clock starts (as in a running server)
    member, ids = build_corpus()
    requester = member.memberships.get().organization_id
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    suppliers = Company.objects.filter(search_ai_central=True, is_public=True).count()

    def ranking(text: str, k: int) -> list[int]:
        found = rank_suppliers(
            viewer=member, text=text, province="gwangju", exclude_company_id=requester, limit=k
        )
        return [r.company_id for r in found]

    def plain(text: str, k: int) -> list[int]:
        return rank_suppliers_icontains(
            viewer=member, text=text, exclude_company_id=requester, limit=k
        )

    out: dict[str, Any] = {
        "companies": Company.objects.count(),
        "suppliers": suppliers,
        "needs": len(NEEDS),
        "load": [os.getloadavg()[0]],
    }
    for label, run in (("ranking", ranking), ("icontains", plain)):
        latencies: list[float] = []
        cpu: list[float] = []
        hits10 = hits1 = 0
        for need in NEEDS:
            text = need_text(need)
            wanted = {ids[key] for key in need.expected}
            run(text, 10)  # warm-up
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                found = run(text, 20)  # what the need page shows
                latencies.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            hits10 += bool(wanted & set(found[:10]))
            hits1 += bool(wanted & set(found[:1]))
        out[label] = {
            "p50": statistics.median(latencies),
            "p95": _percentile(latencies, 0.95),
            "max": max(latencies),
            "cpu50": statistics.median(cpu),
            "cpu95": _percentile(cpu, 0.95),
            "hit10": hits10 / len(NEEDS),
            "hit1": hits1 / len(NEEDS),
            "runs": repeat,
        }
        out["load"].append(os.getloadavg()[0])
    return out


def report(result: dict[str, Any], engine: str, load_seconds: float) -> str:
    rows = [
        f"Supplier ranking of one need over {result['companies']:,} companies "
        f"({result['suppliers']:,} public AI suppliers) on {engine}, {result['needs']} labelled "
        f"needs × {result['ranking']['runs']} runs each (20 suppliers, as the need page asks); "
        f"load average {min(result['load']):.1f}–{max(result['load']):.1f}. Import of the "
        f"generated companies (not measured here): {load_seconds:.0f} s.",
        "",
        "| method | p50 (ms) | p95 (ms) | max (ms) | CPU p50 (ms) | CPU p95 (ms) "
        "| hit rate at 10 | hit rate at 1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, name in (
        ("ranking", "ranking (BM25 over Kiwi morphemes + facts)"),
        ("icontains", "baseline: `icontains` on the words as typed"),
    ):
        r = result[label]
        rows.append(
            f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | "
            f"{r['cpu50']:.1f} | {r['cpu95']:.1f} | {r['hit10']:.0%} | {r['hit1']:.0%} |"
        )
    wall = "meets" if result["ranking"]["p95"] <= TARGET_P95_MS else "misses"
    cpu = "meets" if result["ranking"]["cpu95"] <= TARGET_P95_MS else "misses"
    rows += [
        "",
        f"Wall-clock latency {wall} the target p95 ≤ {TARGET_P95_MS:.0f} ms at this load; the "
        f"CPU time of the ranking (what one request costs on a free core: SQLite runs in the "
        f"process, so waiting for a core shows in the wall clock only) {cpu} it. Hit rate at "
        "k: the share of needs whose labelled supplier is among the first k suppliers "
        "returned.",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", default="", help="PostgreSQL; SQLite when empty")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        with console.status(f"generating {args.rows:,} companies…"):
            write_csv(generate(args.rows), directory / "companies.csv")
        _setup(str(directory / "var"), args.database_url)
        with console.status("importing…"):
            seconds = _load(directory / "companies.csv")
        with console.status("ranking…"):
            result = _measure(args.repeat)
    from django.db import connection

    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite (FTS5)"
    body = report(result, engine, seconds)
    console.print(body)
    if not args.no_write:
        from benchmarks.report import write_section

        write_section("matchmaking", "Matchmaking: supplier ranking of a need", body)


if __name__ == "__main__":
    main()
