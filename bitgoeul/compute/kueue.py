"""Kueue's usage read into allocations (docs/compute.md, "Usage ledger", Kueue).

Two inputs, detected by their content:
- Workload objects as `kubectl get workloads -A -o json` (or `-o yaml`) prints them: an admitted
  workload uses, per flavor, the `nvidia.com/gpu` of its podSetAssignments (`resourceUsage`,
  the pod set's total; without it the pods' GPU requests × `count`) from the time of its
  `Admitted` condition to its `Finished` condition (or now, while it runs). The namespace is
  the account (`co-<number>`), the flavor the GPU model code, the workload's uid the job.
- Prometheus text-format samples of `kueue_cluster_queue_resource_usage{cluster_queue=…,
  flavor=…,resource="nvidia.com/gpu"} VALUE TIMESTAMP_MS`: each series is integrated over
  time (a value holds until the next sample; a gap over five minutes is not integrated, as
  Prometheus treats a series stale) and cut into UTC hours. The job is
  `<cluster_queue>/<flavor>/<YYYY-MM-DDTHH>`, so a longer scrape re-ingested adds corrections
  to the hours it extends and nothing to the others.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections import defaultdict
from typing import Any

import yaml

from bitgoeul.compute.sacct import MODEL_MAX, Allocation, SacctFormatError, SacctReport, Skipped

GPU = "nvidia.com/gpu"
METRIC = "kueue_cluster_queue_resource_usage"
STALE_SECONDS = 300
SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)"
    r"(?:\s+(?P<ts>-?\d+))?\s*$"
)
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)')


class _Bad(Exception):
    pass


def parse_kueue(text: str, *, now: dt.datetime | None = None) -> SacctReport:
    """Workloads (JSON or YAML) or Prometheus samples, whichever `text` is."""
    now = now or dt.datetime.now(dt.UTC)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return parse_workloads(json.loads(text), now=now)
        except json.JSONDecodeError as exc:
            raise SacctFormatError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    if any(METRIC in line and not line.startswith("#") for line in text.splitlines()):
        return parse_prometheus(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SacctFormatError(f"neither Workloads nor Prometheus samples: {exc}") from None
    return parse_workloads(data, now=now)


# --- Workload objects ----------------------------------------------------------------------------
def parse_workloads(data: Any, *, now: dt.datetime) -> SacctReport:
    if isinstance(data, dict) and data.get("kind") == "Workload":
        items: Any = [data]
    elif isinstance(data, dict):
        items = data.get("items")
    else:
        items = None
    if not isinstance(items, list):
        raise SacctFormatError('not a list of Kueue Workloads (no "items")')
    report = SacctReport()
    for position, item in enumerate(items, start=1):
        report.rows += 1
        try:
            allocation = _workload(position, item, now)
        except _Bad as bad:
            report.skipped.append(Skipped(position, str(bad)))
            continue
        if allocation is not None:
            report.allocations.append(allocation)
    return report


def _time(text: Any) -> dt.datetime:
    if isinstance(text, dt.datetime):  # YAML reads timestamps itself
        return text if text.tzinfo else text.replace(tzinfo=dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise _Bad("a condition's lastTransitionTime is not a time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _quantity(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise _Bad(f"the {GPU} quantity is not a whole number")
    return int(text)


def _workload(position: int, item: Any, now: dt.datetime) -> Allocation | None:
    if not isinstance(item, dict) or item.get("kind", "Workload") != "Workload":
        raise _Bad("the item is not a Workload")
    meta = item.get("metadata") or {}
    namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
    if not namespace or not name:
        raise _Bad("the Workload has no namespace or name")
    status = item.get("status") or {}
    conditions = {
        c.get("type"): c
        for c in status.get("conditions") or []
        if isinstance(c, dict) and str(c.get("status")) == "True"
    }
    admission = status.get("admission")
    if "Admitted" not in conditions or not isinstance(admission, dict):
        return None  # never admitted: counts nothing
    started = _time(conditions["Admitted"].get("lastTransitionTime"))
    ended = (
        _time(conditions["Finished"].get("lastTransitionTime"))
        if "Finished" in conditions
        else None
    )
    spec_sets = {
        p.get("name"): p
        for p in (item.get("spec") or {}).get("podSets") or []
        if isinstance(p, dict)
    }
    gpus: dict[str, int] = defaultdict(int)
    for assignment in admission.get("podSetAssignments") or []:
        if not isinstance(assignment, dict):
            raise _Bad("a podSetAssignment is not an object")
        flavor = (assignment.get("flavors") or {}).get(GPU)
        if not flavor:
            continue
        usage = (assignment.get("resourceUsage") or {}).get(GPU)
        if usage is not None:
            count = _quantity(usage)
        else:
            count = _pod_gpus(spec_sets.get(assignment.get("name"))) * int(
                assignment.get("count") or 1
            )
        model = str(flavor).lower()
        if len(model) > MODEL_MAX:
            raise _Bad(f"the flavor name is longer than {MODEL_MAX} characters")
        if count:
            gpus[model] += count
    elapsed = max(0, int(((ended or now) - started).total_seconds()))
    return Allocation(
        line=position,
        job=str(meta.get("uid") or f"{namespace}/{name}")[:128],
        account=namespace[:64],
        user="",
        state="FINISHED" if ended else "RUNNING",
        started_at=started,
        ended_at=ended,
        elapsed=elapsed,
        gpus=dict(gpus),
    )


def _pod_gpus(pod_set: Any) -> int:
    if not isinstance(pod_set, dict):
        return 0
    spec = ((pod_set.get("template") or {}).get("spec")) or {}
    total = 0
    for container in spec.get("containers") or []:
        resources = container.get("resources") or {}
        value = (resources.get("limits") or {}).get(GPU) or (resources.get("requests") or {}).get(
            GPU
        )
        if value is not None:
            total += _quantity(value)
    return total


# --- Prometheus samples --------------------------------------------------------------------------
def parse_prometheus(text: str) -> SacctReport:
    report = SacctReport()
    series: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    first_line: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        report.rows += 1
        match = SAMPLE.match(line)
        if match is None:
            report.skipped.append(Skipped(number, "the line is not a Prometheus sample"))
            continue
        if match.group("name") != METRIC:
            continue
        labels = dict(LABEL.findall(match.group("labels") or ""))
        if labels.get("resource") != GPU:
            continue
        queue, flavor = labels.get("cluster_queue", ""), labels.get("flavor", "").lower()
        try:
            value = float(match.group("value"))
        except ValueError:
            value = math.nan
        if not queue or not flavor:
            report.skipped.append(Skipped(number, "the sample has no cluster_queue or flavor"))
        elif match.group("ts") is None:
            report.skipped.append(Skipped(number, "the sample has no timestamp"))
        elif not math.isfinite(value) or value < 0:
            report.skipped.append(Skipped(number, "the value is not a GPU count"))
        elif len(flavor) > MODEL_MAX:
            report.skipped.append(
                Skipped(number, f"the flavor name is longer than {MODEL_MAX} characters")
            )
        else:
            series[(queue, flavor)].append((int(match.group("ts")) / 1000, value))
            first_line.setdefault((queue, flavor), number)
    for (queue, flavor), samples in sorted(series.items()):
        hours: dict[int, float] = defaultdict(float)
        samples.sort()
        for (t0, value), (t1, _) in itertools.pairwise(samples):
            if t1 - t0 > STALE_SECONDS or value == 0:
                continue
            while t0 < t1:  # cut at each UTC hour
                hour = int(t0 // 3600)
                cut = min(t1, (hour + 1) * 3600)
                hours[hour] += value * (cut - t0)
                t0 = cut
        for hour, seconds in sorted(hours.items()):
            start = dt.datetime.fromtimestamp(hour * 3600, dt.UTC)
            report.allocations.append(
                Allocation(
                    line=first_line[(queue, flavor)],
                    job=f"{queue}/{flavor}/{start:%Y-%m-%dT%H}"[:128],
                    account=queue[:64],
                    user="",
                    state="MEASURED",
                    started_at=start,
                    ended_at=start + dt.timedelta(hours=1),
                    elapsed=3600,
                    gpus={flavor: 0},
                    integrated={flavor: round(seconds, 3)},
                )
            )
    return report
