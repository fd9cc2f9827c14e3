"""Kueue ingestion: Workload objects (JSON and YAML) and Prometheus samples per hour."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from bitgoeul.compute.kueue import parse_kueue
from bitgoeul.compute.models import UsageEntry
from tests.compute.ingest_fixtures import ledger

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)


def workload(
    name: str,
    namespace: str,
    *,
    admitted: str | None,
    finished: str | None = None,
    gpus: str | None = "4",
    flavor: str = "A100",
) -> dict[str, Any]:
    conditions = []
    if admitted:
        conditions.append({"type": "Admitted", "status": "True", "lastTransitionTime": admitted})
    if finished:
        conditions.append({"type": "Finished", "status": "True", "lastTransitionTime": finished})
    assignment: dict[str, Any] = {
        "name": "main",
        "count": 2,
        "flavors": {"nvidia.com/gpu": flavor, "cpu": "default"},
    }
    if gpus is not None:
        assignment["resourceUsage"] = {"nvidia.com/gpu": gpus, "cpu": "4"}
    return {
        "apiVersion": "kueue.x-k8s.io/v1beta1",
        "kind": "Workload",
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}"},
        "spec": {
            "queueName": namespace,
            "podSets": [
                {
                    "name": "main",
                    "count": 2,
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "c", "resources": {"limits": {"nvidia.com/gpu": "3"}}}
                            ]
                        }
                    },
                }
            ],
        },
        "status": {
            "admission": {"clusterQueue": namespace, "podSetAssignments": [assignment]}
            if admitted
            else None,
            "conditions": conditions,
        },
    }


ITEMS = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        workload("done", "co-1", admitted="2026-12-01T00:00:00Z", finished="2026-12-01T01:00:00Z"),
        workload("running", "co-1", admitted="2026-12-01T02:30:00Z", gpus=None),
        workload("queued", "co-1", admitted=None),
        {"kind": "Workload", "metadata": {}},
    ],
}


@pytest.mark.parametrize("dump", [json.dumps, yaml.safe_dump])
def test_workloads_in_json_and_yaml(dump: Any) -> None:
    report = parse_kueue(dump(ITEMS), now=NOW)
    assert report.rows == 4
    got = [(a.job, a.account, a.state, a.gpu_seconds()) for a in report.allocations]
    assert got == [
        ("uid-done", "co-1", "FINISHED", {"a100": 4 * 3600}),
        ("uid-running", "co-1", "RUNNING", {"a100": 3 * 2 * 1800}),  # pods' limits × count
    ]
    assert [(s.line, s.reason) for s in report.skipped] == [
        (4, "the Workload has no namespace or name")
    ]


def scrape(minutes: int) -> str:
    lines = ["# TYPE kueue_cluster_queue_resource_usage gauge"]
    start = int(dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC).timestamp())
    for m in range(0, minutes + 1):
        ts = (start + m * 60) * 1000
        lines.append(
            'kueue_cluster_queue_resource_usage{cluster_queue="co-1",flavor="a100",'
            f'resource="nvidia.com/gpu"}} 2 {ts}'
        )
        lines.append(
            'kueue_cluster_queue_resource_usage{cluster_queue="co-1",flavor="a100",'
            f'resource="cpu"}} 16 {ts}'
        )
    lines.append("kueue_cluster_queue_resource_usage{oops 1")
    return "\n".join(lines)


def test_prometheus_samples_are_integrated_per_hour() -> None:
    report = parse_kueue(scrape(60))
    assert [(a.job, a.gpu_seconds()) for a in report.allocations] == [
        ("co-1/a100/2026-12-01T00", {"a100": 2 * 1800.0}),
        ("co-1/a100/2026-12-01T01", {"a100": 2 * 1800.0}),
    ]
    assert [s.reason for s in report.skipped] == ["the line is not a Prometheus sample"]


@pytest.mark.django_db
def test_a_longer_scrape_re_ingested_adds_corrections_to_the_hours_it_extends(
    tmp_path: Path,
) -> None:
    ledger()

    def ingest(text: str) -> dict[str, Any]:
        path = tmp_path / "metrics.txt"
        path.write_text(text, encoding="utf-8")
        out = StringIO()
        call_command(
            "compute", "ingest", "kueue", str(path), "--json", "--cluster", "k", stdout=out
        )
        return json.loads(out.getvalue())

    first = ingest(scrape(60))
    assert (first["source"], first["new"], first["duplicates"]) == ("kueue", 2, 0)
    second = ingest(scrape(120))
    # hour 00 unchanged, hour 01 grew (a correction), hour 02 is new
    assert (second["new"], second["duplicates"]) == (2, 1)
    lines = UsageEntry.objects.order_by("job", "seq").values_list("job", "seq", "gpu_seconds")
    assert list(lines) == [
        ("co-1/a100/2026-12-01T00", 0, 3600.0),
        ("co-1/a100/2026-12-01T01", 0, 3600.0),
        ("co-1/a100/2026-12-01T01", 1, 3600.0),
        ("co-1/a100/2026-12-01T02", 0, 3600.0),
    ]
    assert ingest(scrape(120))["duplicates"] == 3
