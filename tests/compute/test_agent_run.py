"""The GPU agent end to end: its loop with a scripted clock, the report's shape against
docs/compute.md, and the `bitgoeul gpu-agent` command in a child process (SIGTERM, --once)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bitgoeul.compute.agent.fake import FakeClock, FakeNVML, ScenarioProcFS
from bitgoeul.compute.agent.mapping import Mapping
from bitgoeul.compute.agent.outbox import Spool, Unreachable
from bitgoeul.compute.agent.run import Agent
from bitgoeul.compute.agent.sampler import Sampler
from tests.compute.test_agent_outbox import Receiver

ROOT = Path(__file__).resolve().parents[2]
SLURM = {"SLURM_JOB_ID": "77", "SLURM_JOB_ACCOUNT": "co-1208112345", "SLURM_JOB_USER": "kim"}
SCENARIO: dict[str, Any] = {
    "devices": [
        {
            "name": "NVIDIA H100 80GB HBM3",
            "idle_watts": 70,
            "processes": [
                {"pid": 10, "start": 0, "end": 25, "sm": 80, "watts": 300, "env": SLURM},
                {"pid": 11, "start": 12, "end": None, "sm": 20, "watts": 100, "user": "lee"},
            ],
        }
    ]
}


class Recorder:
    """An injected transport: down (Unreachable) between `down_from` and `down_until`."""

    def __init__(self, clock: FakeClock, down: tuple[float, float] = (0.0, 0.0)) -> None:
        self.clock = clock
        self.down = down
        self.received: list[dict[str, Any]] = []
        self.refused = 0

    def __call__(self, payload: dict[str, Any]) -> tuple[int, Any]:
        elapsed = self.clock.now - self.clock.start
        if self.down[0] <= elapsed < self.down[1]:
            self.refused += 1
            raise Unreachable("connection refused")
        self.received.append(payload)
        return 200, {"new": len(payload["entries"])}


def make_agent(
    tmp_path: Path, clock: FakeClock, transport: Any, stopping: Any = lambda: False
) -> Agent:
    nvml = FakeNVML(SCENARIO, clock=clock.wall, t0=clock.start)
    procfs = ScenarioProcFS(SCENARIO, clock=clock.wall, t0=clock.start)
    sampler = Sampler(nvml=nvml, procfs=procfs, mapping=Mapping(), node="gpu07")
    return Agent(
        sampler=sampler,
        spool=Spool(tmp_path / "spool"),
        transport=transport,
        cluster="gwangju-aidc",
        clock=clock,
        post_every=10,
        stopping=stopping,
        background=False,  # sent inline: the scripted clock decides when the server is down
    )


def totals(reports: list[dict[str, Any]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for payload in reports:
        for entry in payload["entries"]:
            out.setdefault(entry["job"], []).append(entry["gpu_seconds"])
    return out


def test_an_outage_loses_nothing_and_reports_arrive_in_order(tmp_path: Path) -> None:
    clock = FakeClock()
    transport = Recorder(clock, down=(5, 28))  # down for the posts at 10 and 20 s
    agent = make_agent(tmp_path, clock, transport)
    agent.run(duration=40)
    assert transport.refused == 2
    seen = totals(transport.received)
    # job 77 ran 0–25 s; lee's process from 12 s to the end (40 s)
    # (the reports of 10 and 20 s waited in the spool and went, in order, at 30 s)
    assert seen == {"slurm:77@gpu07": [10.0, 20.0, 24.0], "gpu07:11:1796083212": [9.0, 19.0, 29.0]}
    # true presence 25 s and 28 s: within one interval
    assert abs(seen["slurm:77@gpu07"][-1] - 25) <= 1
    assert abs(seen["gpu07:11:1796083212"][-1] - 28) <= 1
    final = {e["job"]: e for e in transport.received[-1]["entries"]}
    assert final["gpu07:11:1796083212"]["state"] == "RUNNING"
    last_of_77 = [e for p in transport.received for e in p["entries"] if e["job"].startswith("sl")]
    assert (last_of_77[-1]["state"], last_of_77[-1]["ended_at"]) == (
        "EXITED",
        "2026-12-01T00:00:24+00:00",
    )
    assert agent.spool.pending() == []


def test_a_stop_request_takes_a_last_sample_and_posts(tmp_path: Path) -> None:
    clock = FakeClock()
    stop = threading.Event()
    clock.at(12.5, stop.set)  # SIGTERM half-way between two samples
    transport = Recorder(clock)
    agent = make_agent(tmp_path, clock, transport, stopping=stop.is_set)
    agent.run(duration=3600)
    assert clock.now - clock.start == 12.5
    assert totals(transport.received)["slurm:77@gpu07"] == [10.0, 12.5]


def test_a_restart_resumes_the_totals_from_the_spool(tmp_path: Path) -> None:
    clock = FakeClock()
    transport = Recorder(clock)
    make_agent(tmp_path, clock, transport).run(duration=5)
    make_agent(tmp_path, clock, transport).run(duration=5)
    assert totals(transport.received)["slurm:77@gpu07"] == [5.0, 10.0]


def test_a_slow_server_does_not_hold_up_sampling(tmp_path: Path) -> None:
    clock = FakeClock()
    seen: list[int] = []
    received: list[dict[str, Any]] = []

    def slow(payload: dict[str, Any]) -> tuple[int, Any]:
        seen.append(agent.sampler.samples)
        deadline = time.monotonic() + 10
        # answers only once the agent has sampled 5 more times: it cannot, if it waits for us
        while agent.sampler.samples < seen[0] + 5 and time.monotonic() < deadline:
            time.sleep(0.001)
        seen.append(agent.sampler.samples)
        received.append(payload)
        return 200, {}

    agent = make_agent(tmp_path, clock, slow)
    agent.background = True
    agent.run(duration=30)
    assert seen[1] - seen[0] >= 5
    assert totals(received)["slurm:77@gpu07"][-1] == 24.0
    assert agent.spool.pending() == []


def test_the_report_has_exactly_the_shape_of_docs_compute_md(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "compute.md").read_text(encoding="utf-8")
    section = text.split("## Usage ingestion API", 1)[1]
    documented = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    clock = FakeClock()
    transport = Recorder(clock)
    make_agent(tmp_path, clock, transport).run(duration=30)
    payload = transport.received[-1]
    assert set(payload) == set(documented)
    assert (payload["source"], payload["cluster"]) == ("agent", "gwangju-aidc")
    [example] = documented["entries"]
    for entry in payload["entries"]:
        assert set(entry) == set(example)
        for key in ("job", "account", "user", "model", "started_at", "state"):
            assert isinstance(entry[key], str)
        for key in ("gpu_seconds", "sm_gpu_seconds", "energy_wh"):
            assert isinstance(entry[key], float)
        assert entry["ended_at"] is None or isinstance(entry["ended_at"], str)
        assert len(entry["job"]) <= 128 and len(entry["account"]) <= 64


def write_scenario(tmp_path: Path) -> tuple[Path, Path]:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    token = tmp_path / "token"
    token.write_text("tok-abc\n", encoding="utf-8")
    return scenario, token


def agent_command(receiver: Receiver, scenario: Path, token: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bitgoeul.cli",
        "gpu-agent",
        "--server",
        receiver.url,
        "--token-file",
        str(token),
        "--cluster",
        "gwangju-aidc",
        "--node",
        "gpu07",
        "--fake",
        str(scenario),
        *extra,
    ]


def child_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def test_the_command_stops_on_sigterm_after_a_last_report(tmp_path: Path) -> None:
    scenario, token = write_scenario(tmp_path)
    receiver = Receiver()
    try:
        child = subprocess.Popen(
            agent_command(
                receiver,
                scenario,
                token,
                "--interval",
                "0.2",
                "--post-every",
                "600",
                "--buffer",
                str(tmp_path / "spool"),
            ),
            cwd=tmp_path,
            env=child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stderr is not None
        assert "posting to" in child.stderr.readline()
        time.sleep(1.0)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=20) == 0
        log = child.stderr.read()
    finally:
        receiver.stop()
    assert "signal 15: a last sample and report, then stop" in log
    [payload] = receiver.accepted
    [entry] = payload["entries"]
    assert (entry["job"], entry["account"]) == ("slurm:77@gpu07", "co-1208112345")
    assert 0.6 <= entry["gpu_seconds"] <= 2.0
    assert receiver.headers[0]["Authorization"] == "Bearer tok-abc"
    assert [p.name for p in (tmp_path / "spool").iterdir()] == ["state.json"]


def test_the_command_once_without_a_server_keeps_the_report(tmp_path: Path) -> None:
    scenario, token = write_scenario(tmp_path)
    receiver = Receiver()
    receiver.stop()  # nobody listens on its port any more
    done = subprocess.run(
        agent_command(
            receiver,
            scenario,
            token,
            "--once",
            "--interval",
            "0.1",
            "--buffer",
            str(tmp_path / "spool"),
        ),
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "server unreachable" in done.stderr
    [queued] = Spool(tmp_path / "spool").pending()
    assert json.loads(queued.read_bytes())["entries"][0]["job"] == "slurm:77@gpu07"


def test_the_agent_imports_no_django() -> None:
    code = (
        "import sys, bitgoeul.cli, bitgoeul.compute.agent.run, bitgoeul.compute.agent.fake;"
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=child_env(), capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_slow_sample_skips_the_missed_ticks_instead_of_a_burst(tmp_path: Path) -> None:
    clock = FakeClock()
    agent = make_agent(tmp_path, clock, Recorder(clock))
    nvml = agent.sampler.nvml
    assert isinstance(nvml, FakeNVML)
    listed_at: list[float] = []
    list_processes = nvml.compute_processes

    def slow_third_call(device: Any) -> Any:
        listed_at.append(clock.now - clock.start)
        if len(listed_at) == 3:
            clock.now += 3.5  # NVML hung for 3.5 s
        return list_processes(device)

    nvml.compute_processes = slow_third_call  # type: ignore[method-assign]
    agent.run(duration=10)
    assert listed_at == [1, 2, 3, 7, 8, 9, 10]
