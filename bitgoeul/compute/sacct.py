"""What Slurm's `sacct` prints, read into allocations (contracts.md, "Usage ingestion summary").

Formats: `sacct --parsable2` with a header line, or without one when the caller gives the
`--format` list (`columns`); with or without step rows; and `sacct --json` (detected by its
first non-blank character). Only allocations count: steps (`123.batch`, `123.extern`,
`123.0`) repeat their job's GPUs and never add usage. An array task (`123_4`) is its own job:
`JobID` is the key, since `JobIDRaw` does not follow the task order.

A malformed line is reported (its line number and the reason in words) and skipped; the rest
of the file is still read. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

# sacct prints local times of the cluster without an offset; ours are in Seoul
CLUSTER_TZ = ZoneInfo("Asia/Seoul")
UNTYPED = "untyped"  # GPUs counted by `gres/gpu=N` with no typed entry
MODEL_MAX = 30  # UsageEntry.model

STATES = frozenset(
    {
        "BOOT_FAIL",
        "CANCELLED",
        "COMPLETED",
        "COMPLETING",
        "DEADLINE",
        "FAILED",
        "NODE_FAIL",
        "OUT_OF_MEMORY",
        "PENDING",
        "PREEMPTED",
        "REQUEUED",
        "RESIZING",
        "REVOKED",
        "RUNNING",
        "SUSPENDED",
        "TIMEOUT",
    }
)
NOT_STARTED = frozenset({"", "none", "unknown"})
REQUIRED = ("JobID", "Account", "State", "Start", "AllocTRES")

# 123, 123_4, 123_[1-5%2] (a pending array), 123+1 (a heterogeneous component); steps add
# ".batch", ".extern", ".0" …
JOB_ID = re.compile(r"^\d+(?:_(?:\d+|\[[0-9,\-%]+\]))?(?:\+\d+)?$")
STEP_ID = re.compile(r"^\d+(?:_(?:\d+|\[[0-9,\-%]+\]))?(?:\+\d+)?\.[A-Za-z0-9_-]+$")
TRES_ITEM = re.compile(
    r"^([a-z_]+(?:/[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)?)?)=(\d+(?:\.\d+)?[KMGTP]?)$"
)
ELAPSED = re.compile(r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$")


class SacctFormatError(ValueError):
    """The input as a whole cannot be read (no header and no columns, a header without the
    columns ingestion needs, JSON that is not sacct's)."""


@dataclass(frozen=True)
class Allocation:
    """One job's allocation as sacct reports it (cumulative so far)."""

    line: int  # where it was read: the line number, or the job's position in --json
    job: str  # JobID: 123 or 123_4
    account: str
    user: str
    state: str  # the first word: "CANCELLED by 1002" -> CANCELLED
    started_at: dt.datetime | None  # None: never started, counts nothing
    ended_at: dt.datetime | None  # None: still running
    elapsed: int  # seconds
    gpus: dict[str, int]  # model -> count
    cluster: str = ""  # the Cluster column, when printed
    # GPU-seconds per model measured otherwise (Kueue's Prometheus samples, integrated)
    integrated: dict[str, float] | None = None

    @property
    def started(self) -> bool:
        return self.started_at is not None

    def gpu_seconds(self) -> dict[str, float]:
        if self.started_at is None:
            return {}
        if self.integrated is not None:
            return dict(self.integrated)
        return {model: self.elapsed * count for model, count in self.gpus.items()}


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass
class SacctReport:
    rows: int = 0  # data rows read (steps and malformed lines included, header not)
    allocations: list[Allocation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class _Bad(Exception):
    """A line's reason to be skipped."""


# --- pieces --------------------------------------------------------------------------------------
def parse_tres(text: str) -> dict[str, int]:
    """GPUs per model of an AllocTRES string; typed entries win over the untyped total."""
    text = text.strip()
    if not text:
        return {}
    typed: dict[str, int] = {}
    untyped = 0
    for item in text.split(","):
        match = TRES_ITEM.match(item.strip())
        if match is None:
            raise _Bad("AllocTRES is not a TRES list")
        key, value = match.groups()
        if key == "gres/gpu":
            untyped = _count(value)
        elif key.startswith("gres/gpu:"):
            model = key.split(":", 1)[1].lower()
            if len(model) > MODEL_MAX:
                raise _Bad(f"the GPU model name is longer than {MODEL_MAX} characters")
            typed[model] = typed.get(model, 0) + _count(value)
    if typed:
        return {model: count for model, count in typed.items() if count > 0}
    return {UNTYPED: untyped} if untyped > 0 else {}


def _count(value: str) -> int:
    if not value.isdigit():
        raise _Bad("a GPU count in AllocTRES is not a whole number")
    return int(value)


def parse_time(text: str, tz: dt.tzinfo = CLUSTER_TZ) -> dt.datetime | None:
    """sacct's `2026-12-01T09:00:00` (cluster time) as an aware instant; None for None/Unknown."""
    text = text.strip()
    if text.lower() in NOT_STARTED:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Bad("the time is not a date and time (YYYY-MM-DDTHH:MM:SS)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def parse_elapsed(text: str) -> int:
    """`[D-][HH:]MM:SS` as seconds."""
    match = ELAPSED.match(text.strip())
    if match is None:
        raise _Bad("Elapsed is not a duration ([D-]HH:MM:SS)")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def parse_state(text: str) -> str:
    state = text.strip().split(" ", 1)[0].upper()
    if state not in STATES:
        raise _Bad("State is not a Slurm job state")
    return state


def _elapsed(
    row: dict[str, str], started: dt.datetime | None, ended: dt.datetime | None, now: dt.datetime
) -> int:
    raw = row.get("ElapsedRaw")
    if raw is not None and raw.strip():
        if not raw.strip().isdigit():
            raise _Bad("ElapsedRaw is not a whole number of seconds")
        return int(raw)
    if row.get("Elapsed", "").strip():
        return parse_elapsed(row["Elapsed"])
    if started is None:
        return 0
    seconds = ((ended or now) - started).total_seconds()
    if seconds < 0:
        raise _Bad("End is before Start")
    return int(seconds)


# --- parsable2 -----------------------------------------------------------------------------------
def parse_sacct(
    text: str | Iterable[str],
    *,
    columns: Sequence[str] | None = None,
    tz: dt.tzinfo = CLUSTER_TZ,
    now: dt.datetime | None = None,
) -> SacctReport:
    """Read `sacct --parsable2` (header or `columns`) or `sacct --json` output."""
    now = now or dt.datetime.now(dt.UTC)
    if isinstance(text, str):
        if text.lstrip().startswith("{"):
            return parse_sacct_json(text, tz=tz, now=now)
        lines: Iterable[str] = text.splitlines()
    else:
        lines = text
    report = SacctReport()
    names: list[str] | None = [c.strip() for c in columns] if columns else None
    if names is not None:
        _check_columns(names)
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if names is None:
            names = [c.strip() for c in line.split("|")]
            if names and names[-1] == "":  # --parsable (not 2) ends each line with "|"
                names.pop()
            _check_columns(names)
            continue
        if line.split("|", 1)[0].strip() == "JobID" and number == 1:
            continue  # a header line although columns were given
        report.rows += 1
        try:
            row = _fields(line, names)
            job = row["JobID"].strip()
            if STEP_ID.match(job):
                continue  # a step: repeats its job's GPUs
            allocation = _allocation(number, row, tz, now)
        except _Bad as bad:
            report.skipped.append(Skipped(number, str(bad)))
            continue
        report.allocations.append(allocation)
    if names is None and report.rows == 0:
        return report  # empty input
    return report


def _check_columns(names: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise SacctFormatError(
            "the sacct columns lack "
            + ", ".join(missing)
            + " (print them with --format, and give --columns when there is no header)"
        )
    if "ElapsedRaw" not in names and "Elapsed" not in names and "End" not in names:
        raise SacctFormatError("the sacct columns need ElapsedRaw, Elapsed or End")


def _fields(line: str, names: list[str]) -> dict[str, str]:
    values = line.split("|")
    if len(values) == len(names) + 1 and values[-1] == "" and "JobName" not in names:
        values.pop()  # --parsable's trailing "|"
    extra = len(values) - len(names)
    if extra > 0 and "JobName" in names:
        # --parsable2 does not escape "|" in job names: the surplus fields are the name's
        at = names.index("JobName")
        values[at : at + extra + 1] = ["|".join(values[at : at + extra + 1])]
        extra = 0
    if extra != 0:
        raise _Bad(f"the line has {len(values)} fields where the header has {len(names)}")
    return dict(zip(names, values, strict=True))


def _allocation(number: int, row: dict[str, str], tz: dt.tzinfo, now: dt.datetime) -> Allocation:
    job = row["JobID"].strip()
    if not JOB_ID.match(job):
        raise _Bad("JobID is not a Slurm job id")
    state = parse_state(row["State"])
    gpus = parse_tres(row["AllocTRES"])
    started = parse_time(row["Start"], tz)
    ended = parse_time(row["End"], tz) if "End" in row else None
    if started is None:
        ended = None
    elapsed = _elapsed(row, started, ended, now)
    account = row["Account"].strip()
    if started is not None and not account:
        raise _Bad("Account is empty")
    return Allocation(
        line=number,
        job=job,
        account=account[:64],
        user=row.get("User", "").strip()[:64],
        state=state,
        started_at=started,
        ended_at=ended,
        elapsed=elapsed if started is not None else 0,
        gpus=gpus,
        cluster=row.get("Cluster", "").strip(),
    )


# --- JSON ----------------------------------------------------------------------------------------
def _num(value: Any) -> int | None:
    """sacct --json numbers: plain (22.05) or {"set": …, "number": …} (23.02 and later)."""
    if isinstance(value, dict):
        if not value.get("set", True) or value.get("infinite"):
            return None
        value = value.get("number")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    return None


def parse_sacct_json(
    text: str, *, tz: dt.tzinfo = CLUSTER_TZ, now: dt.datetime | None = None
) -> SacctReport:
    now = now or dt.datetime.now(dt.UTC)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SacctFormatError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise SacctFormatError('not sacct --json output (no "jobs" list)')
    report = SacctReport()
    for position, job in enumerate(data["jobs"], start=1):
        report.rows += 1
        try:
            report.allocations.append(_json_allocation(position, job, now))
        except _Bad as bad:
            report.skipped.append(Skipped(position, str(bad)))
    return report


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _json_allocation(position: int, job: Any, now: dt.datetime) -> Allocation:
    if not isinstance(job, dict):
        raise _Bad("the job is not an object")
    job_id = _num(job.get("job_id"))
    if job_id is None:
        raise _Bad("job_id is not a number")
    key = str(job_id)
    array = _obj(job.get("array"))
    array_id = _num(array.get("job_id"))
    task = _num(array.get("task_id"))
    if array_id and task is not None:
        key = f"{array_id}_{task}"
    raw_state = (
        _obj(job.get("state")).get("current")
        if isinstance(job.get("state"), dict)
        else job.get("state")
    )
    if isinstance(raw_state, list):
        raw_state = raw_state[0] if raw_state else ""
    state = parse_state(str(raw_state or ""))
    times = _obj(job.get("time"))
    start = _num(times.get("start"))
    end = _num(times.get("end"))
    started = dt.datetime.fromtimestamp(start, dt.UTC) if start else None
    ended = dt.datetime.fromtimestamp(end, dt.UTC) if end and started else None
    elapsed = _num(times.get("elapsed"))
    if elapsed is None:
        elapsed = int(((ended or now) - started).total_seconds()) if started else 0
    gpus = _json_gpus(_obj(job.get("tres")).get("allocated") or [])
    account = str(job.get("account") or "").strip()
    if started is not None and not account:
        raise _Bad("account is empty")
    return Allocation(
        line=position,
        job=key,
        account=account[:64],
        user=str(job.get("user") or "").strip()[:64],
        state=state,
        started_at=started,
        ended_at=ended,
        elapsed=elapsed if started else 0,
        gpus=gpus,
        cluster=str(job.get("cluster") or "").strip(),
    )


def _json_gpus(tres: Any) -> dict[str, int]:
    if not isinstance(tres, list):
        raise _Bad("tres.allocated is not a TRES list")
    pieces = []
    for item in tres:
        if not isinstance(item, dict) or _num(item.get("count")) is None:
            raise _Bad("tres.allocated is not a TRES list")
        kind, name = str(item.get("type") or ""), str(item.get("name") or "")
        if kind == "gres" and (name == "gpu" or name.startswith("gpu:")):
            pieces.append(f"gres/{name}={_num(item['count'])}")
    return parse_tres(",".join(pieces))


def fields_for(allocation: Allocation, names: Sequence[str]) -> list[str]:
    """An allocation written back as sacct would print it (tests and the benchmark)."""
    tres = ",".join(
        f"gres/gpu={c}" if m == UNTYPED else f"gres/gpu:{m}={c}"
        for m, c in sorted(allocation.gpus.items())
    )
    values = {
        "JobID": allocation.job,
        "Account": allocation.account,
        "User": allocation.user,
        "State": allocation.state,
        "Start": allocation.started_at.astimezone(CLUSTER_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        if allocation.started_at
        else "Unknown",
        "End": allocation.ended_at.astimezone(CLUSTER_TZ).strftime("%Y-%m-%dT%H:%M:%S")
        if allocation.ended_at
        else "Unknown",
        "ElapsedRaw": str(allocation.elapsed),
        "AllocTRES": tres,
        "Cluster": allocation.cluster,
    }
    return [values.get(name, "") for name in names]
