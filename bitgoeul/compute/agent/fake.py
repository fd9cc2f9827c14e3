"""A scripted NVML and /proc for tests, benchmarks and `bitgoeul gpu-agent --fake`.

A scenario (a dict, or the JSON file `--fake` reads) names devices and the processes that run
on them, in seconds after the scenario's start `t0`:

    {"devices": [{"name": "NVIDIA H100 80GB HBM3", "idle_watts": 70, "energy_mj": 5000000,
                  "sm_supported": true,
                  "processes": [{"pid": 4242, "start": 0, "end": 30, "sm": 80, "watts": 300,
                                 "memory_mib": 10240, "uid": 1000, "user": "kim",
                                 "env": {"SLURM_JOB_ID": "77", "SLURM_JOB_ACCOUNT": "co-1"},
                                 "cgroup": ["0::/slurm/uid_1000/job_77/step_0"]}]}]}

A process is listed while start <= t < end (`end` null: to the end). Its SM use is `sm`
percent (a number, or a list of numbers indexed by the whole second since its start); 0 gives
no utilisation sample, like an idle process on a real GPU, and a device whose processes give
no sample at all raises NotFound. `sm_supported: false` makes every utilisation call fail as
unsupported. The energy counter is `energy_mj` at t0 plus the integral of `idle_watts` and the
`watts` of every listed process, exact at any instant.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bitgoeul.compute.agent.nvml import (
    Device,
    NotFound,
    NVMLUnavailable,
    ProcessMemory,
    UtilSample,
)
from bitgoeul.compute.agent.procfs import ProcessFacts, ProcFS

CLOCK_TICKS = 100


class FakeClock:
    """Time that passes only when the agent sleeps: tests and benchmarks run at once.
    `at(t, action)` runs `action` once the clock reaches t (a server coming back, a SIGTERM)."""

    def __init__(self, start: float = 1_796_083_200.0) -> None:  # 2026-12-01 00:00 UTC
        self.now = start
        self.start = start
        self._actions: list[tuple[float, Callable[[], None]]] = []

    def at(self, seconds_after_start: float, action: Callable[[], None]) -> None:
        self._actions.append((self.start + seconds_after_start, action))
        self._actions.sort(key=lambda item: item[0])

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Like a sleep cut short by a signal: returns early at an action's time."""
        until = self.now + max(seconds, 0.0)
        if self._actions and self._actions[0][0] <= until:
            when, action = self._actions.pop(0)
            self.now = max(self.now, when)
            action()
            return
        self.now = until


def load_scenario(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("devices"), list):
        raise ValueError(f"{path}: a scenario is an object with a list of `devices`")
    return data


def _overlap(start: float, end: float | None, upto: float) -> float:
    stop = upto if end is None else min(end, upto)
    return max(0.0, stop - start)


class FakeNVML:
    def __init__(self, scenario: dict[str, Any], *, clock: Callable[[], float], t0: float):
        self.scenario = scenario
        self.clock = clock
        self.t0 = t0
        self._devices = [
            Device(index=i, uuid=d.get("uuid", f"GPU-fake-{i}"), name=d["name"])
            for i, d in enumerate(scenario["devices"])
        ]
        self.calls = 0  # NVML calls made: the benchmark reports them

    def _spec(self, device: Device) -> dict[str, Any]:
        spec: dict[str, Any] = self.scenario["devices"][device.index]
        return spec

    def _present(self, device: Device) -> list[dict[str, Any]]:
        t = self.clock() - self.t0
        return [
            p
            for p in self._spec(device).get("processes", [])
            if p["start"] <= t and (p.get("end") is None or t < p["end"])
        ]

    def devices(self) -> list[Device]:
        return list(self._devices)

    def compute_processes(self, device: Device) -> list[ProcessMemory]:
        self.calls += 1
        return [
            ProcessMemory(
                pid=p["pid"],
                used_bytes=None if p.get("memory_mib") is None else p["memory_mib"] << 20,
            )
            for p in self._present(device)
        ]

    def process_utilisation(self, device: Device, since_us: int) -> list[UtilSample]:
        self.calls += 1
        if not self._spec(device).get("sm_supported", True):
            raise NVMLUnavailable("nvmlDeviceGetProcessUtilization: Not Supported")
        now = self.clock()
        now_us = int(now * 1_000_000)
        samples = []
        if now_us > since_us:
            for p in self._present(device):
                sm = p.get("sm", 0)
                if isinstance(sm, list):
                    second = int(now - self.t0 - p["start"])
                    sm = sm[min(second, len(sm) - 1)] if sm else 0
                if sm:
                    samples.append(UtilSample(pid=p["pid"], timestamp_us=now_us, sm_percent=sm))
        if not samples:
            raise NotFound("Not Found")
        return samples

    def energy_mj(self, device: Device) -> int:
        self.calls += 1
        spec = self._spec(device)
        t = self.clock() - self.t0
        joules = spec.get("idle_watts", 0.0) * max(t, 0.0)
        for p in spec.get("processes", []):
            joules += p.get("watts", 0.0) * _overlap(p["start"], p.get("end"), t)
        return int(spec.get("energy_mj", 0) + joules * 1000)

    def shutdown(self) -> None:
        pass


class ScenarioProcFS(ProcFS):
    """/proc as the scenario tells it, at the clock's time (for `--fake` and benchmarks, where
    the scenario's pids are not real processes). Tests of /proc parsing use real files."""

    def __init__(self, scenario: dict[str, Any], *, clock: Callable[[], float], t0: float):
        super().__init__("/nonexistent", clock_ticks=CLOCK_TICKS)
        self.clock = clock
        self.t0 = t0
        self.processes = [p for d in scenario["devices"] for p in d.get("processes", [])]

    def _process(self, pid: int) -> dict[str, Any] | None:
        t = self.clock() - self.t0
        started = [p for p in self.processes if p["pid"] == pid and p["start"] <= t]
        running = [p for p in started if p.get("end") is None or t < p["end"]]
        chosen = running or started
        return max(chosen, key=lambda p: p["start"]) if chosen else None

    def start_time(self, pid: int) -> float | None:
        p = self._process(pid)
        return None if p is None else self.t0 + p["start"]

    def facts(self, pid: int) -> ProcessFacts:
        p = self._process(pid)
        if p is None:
            return ProcessFacts(pid=pid, start_time=None, uid=None, user="")
        return ProcessFacts(
            pid=pid,
            start_time=self.t0 + p["start"],
            uid=p.get("uid"),
            user=p.get("env", {}).get("SLURM_JOB_USER") or p.get("user", ""),
            environ=dict(p.get("env", {})),
            cgroup=list(p.get("cgroup", [])),
        )


def write_proc_tree(
    root: str | Path, processes: Iterable[dict[str, Any]], *, boot_time: float
) -> Path:
    """A /proc tree under `root` as the kernel writes it, for the processes given (each with
    `pid`, `start` as Unix time, optional `uid`, `env`, `cgroup` lines, `comm`): `stat` (with
    btime), and per process `stat`, `status`, `environ`, `cgroup`. Calling it again rewrites
    the processes given (a pid reused by a new process)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / "stat").write_text(f"cpu  1 2 3 4\nbtime {int(boot_time)}\nprocesses 99\n")
    for p in processes:
        base = root / str(p["pid"])
        base.mkdir(exist_ok=True)
        ticks = round((p["start"] - int(boot_time)) * CLOCK_TICKS)
        comm = p.get("comm", "python3")
        rest = ["S", "1", str(p["pid"]), *["0"] * 16, str(ticks), "123456", "789"]
        (base / "stat").write_text(f"{p['pid']} ({comm}) {' '.join(rest)}\n")
        uid = p.get("uid", 0)
        (base / "status").write_text(
            f"Name:\t{comm}\nState:\tS (sleeping)\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n"
        )
        env = {"PATH": "/usr/bin", "HOME": "/home/someone", **p.get("env", {})}
        (base / "environ").write_bytes(
            b"".join(f"{k}={v}".encode() + b"\0" for k, v in env.items())
        )
        (base / "cgroup").write_text("".join(f"{line}\n" for line in p.get("cgroup", ["0::/"])))
    return root
