"""The sacct reader: every format, steps, arrays, TRES strings, states, malformed lines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitgoeul.compute.sacct import (
    CLUSTER_TZ,
    Allocation,
    SacctFormatError,
    fields_for,
    parse_sacct,
    parse_tres,
)
from tests.compute.ingest_fixtures import HEADER, SACCT

A = "co-1208112345"
NOW = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


def test_a_file_with_a_header_steps_an_array_and_a_pipe_in_a_job_name() -> None:
    report = parse_sacct(SACCT.format(a=A), now=NOW)
    assert report.rows == 9
    assert [a.job for a in report.allocations] == ["101", "102_0", "102_1", "104", "107"]
    assert [(s.line, s.reason) for s in report.skipped] == [(9, "AllocTRES is not a TRES list")]
    first, cancelled, timeout, pending, running = report.allocations
    assert first.gpu_seconds() == {"a100": 7200}
    assert first.started_at == dt.datetime(2026, 12, 1, 9, tzinfo=CLUSTER_TZ)
    assert (first.account, first.user, first.cluster) == (A, "kim", "aidc")
    assert (cancelled.state, cancelled.gpu_seconds()) == ("CANCELLED", {"h100": 60})
    assert (timeout.state, timeout.gpu_seconds()) == ("TIMEOUT", {"untyped": 480})
    assert (pending.started, pending.gpu_seconds()) == (False, {})
    assert (running.ended_at, running.gpu_seconds()) == (None, {"a100": 30})


def test_without_a_header_the_columns_name_the_fields() -> None:
    body = "\n".join(SACCT.format(a=A).splitlines()[1:])
    report = parse_sacct(body, columns=HEADER.split("|"), now=NOW)
    assert [a.job for a in report.allocations] == ["101", "102_0", "102_1", "104", "107"]
    with pytest.raises(SacctFormatError, match="JobID"):
        parse_sacct(body)  # the first line is taken as a header and lacks the columns


def test_x_output_without_steps_and_without_elapsed_raw_uses_end_minus_start() -> None:
    text = (
        "JobID|Account|State|Start|End|AllocTRES\n"
        f"7_3|{A}|COMPLETED|2026-12-01T09:00:00|2026-12-01T09:10:00|gres/gpu:h100=2,gres/gpu=2\n"
        f"7_0|{A}|RUNNING|2026-12-01T09:55:00|Unknown|gres/gpu:h100=1\n"
    )
    report = parse_sacct(text, now=NOW)
    assert [(a.job, a.gpu_seconds()) for a in report.allocations] == [
        ("7_3", {"h100": 1200}),
        ("7_0", {"h100": 300}),  # running: now - start
    ]


@pytest.mark.parametrize(
    ("tres", "gpus"),
    [
        ("billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G,node=1", {"a100": 2}),
        ("cpu=1,gres/gpu=3,mem=1G", {"untyped": 3}),
        ("gres/gpu:a100=1,gres/gpu:h100=2,gres/gpu=3", {"a100": 1, "h100": 2}),
        ("cpu=4,mem=500M,node=1", {}),
        ("", {}),
    ],
)
def test_tres_strings(tres: str, gpus: dict[str, int]) -> None:
    assert parse_tres(tres) == gpus


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (f"1|{A}|DONE|2026-12-01T09:00:00|10|gres/gpu=1", "State is not a Slurm job state"),
        (f"1|{A}|COMPLETED|yesterday|10|gres/gpu=1", "the time is not a date and time"),
        (f"1|{A}|COMPLETED|2026-12-01T09:00:00|ten|gres/gpu=1", "ElapsedRaw is not a whole"),
        (f"x1|{A}|COMPLETED|2026-12-01T09:00:00|10|gres/gpu=1", "JobID is not a Slurm job id"),
        (f"1|{A}|COMPLETED|2026-12-01T09:00:00|10", "the line has 5 fields where the header has 6"),
    ],
)
def test_a_malformed_line_is_skipped_with_its_reason_and_the_rest_is_read(
    line: str, reason: str
) -> None:
    good = f"2|{A}|COMPLETED|2026-12-01T09:00:00|10|gres/gpu:a100=1"
    report = parse_sacct(f"JobID|Account|State|Start|ElapsedRaw|AllocTRES\n{line}\n{good}\n")
    assert [a.job for a in report.allocations] == ["2"]
    assert [s.line for s in report.skipped] == [2]
    assert report.skipped[0].reason.startswith(reason)


def test_sacct_json_is_detected_in_both_number_styles() -> None:
    document = {
        "jobs": [
            {  # 22.05: plain numbers
                "job_id": 9,
                "account": A,
                "user": "kim",
                "cluster": "aidc",
                "array": {"job_id": 7, "task_id": 3},
                "state": {"current": "COMPLETED"},
                "time": {"elapsed": 100, "start": 1764547200, "end": 1764547300},
                "tres": {
                    "allocated": [
                        {"type": "cpu", "name": "", "count": 1},
                        {"type": "gres", "name": "gpu", "count": 2},
                        {"type": "gres", "name": "gpu:a100", "count": 2},
                    ]
                },
            },
            {  # 23.02 and later: {"set", "number"} and state lists
                "job_id": 12,
                "account": A,
                "array": {"job_id": 0, "task_id": {"set": False, "number": 0}},
                "state": {"current": ["PENDING"]},
                "time": {"elapsed": 0, "start": {"set": True, "number": 0}},
                "tres": {"allocated": []},
            },
            {"job_id": "x"},
        ]
    }
    report = parse_sacct(json.dumps(document))
    assert [(a.job, a.gpu_seconds(), a.state) for a in report.allocations] == [
        ("7_3", {"a100": 200}, "COMPLETED"),
        ("12", {}, "PENDING"),
    ]
    assert [(s.line, s.reason) for s in report.skipped] == [(3, "job_id is not a number")]


# --- properties ----------------------------------------------------------------------------------
NAMES = ["JobID", "JobName", "Account", "User", "State", "Start", "End", "ElapsedRaw", "AllocTRES"]
allocations = st.builds(
    lambda n, task, account, user, state, start, elapsed, gpus, running, line: Allocation(
        line=line,
        job=f"{n}_{task}" if task is not None else str(n),
        account=account,
        user=user,
        state=state,
        started_at=start.replace(tzinfo=CLUSTER_TZ),
        ended_at=None
        if running
        else start.replace(tzinfo=CLUSTER_TZ) + dt.timedelta(seconds=elapsed),
        elapsed=elapsed,
        gpus=gpus,
    ),
    st.integers(1, 10**7),
    st.none() | st.integers(0, 999),
    st.from_regex(r"co-[0-9]{10}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.sampled_from(["COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED"]),
    st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.integers(0, 10**6),
    st.dictionaries(
        st.sampled_from(["a100", "h100", "t4", "untyped"]), st.integers(1, 8), max_size=2
    ).filter(lambda g: "untyped" not in g or len(g) == 1),
    st.booleans(),
    st.just(0),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(allocations, max_size=8), st.lists(st.text(alphabet="ab|= ", max_size=12), max_size=8)
)
def test_valid_rows_read_back_as_written(rows: list[Allocation], names: list[str]) -> None:
    lines = [HEADER_P]
    for row, name in zip(rows, names + [""] * len(rows), strict=False):
        values = fields_for(row, NAMES)
        values[1] = name  # any job name, "|" included
        lines.append("|".join(values))
    report = parse_sacct("\n".join(lines))
    assert report.skipped == []
    got = [
        (a.job, a.account, a.state, a.started_at, a.ended_at, a.elapsed, a.gpus)
        for a in report.allocations
    ]
    assert got == [
        (a.job, a.account, a.state, a.started_at, a.ended_at, a.elapsed, a.gpus) for a in rows
    ]


HEADER_P = "|".join(NAMES)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=80), max_size=10))
def test_garbage_never_raises_past_the_header(lines: list[str]) -> None:
    report = parse_sacct("\n".join([HEADER_P, *lines]))
    # every row is either an allocation, a skipped line or a step; none is lost silently
    assert len(report.allocations) + len(report.skipped) <= report.rows
    assert all(s.reason for s in report.skipped)
