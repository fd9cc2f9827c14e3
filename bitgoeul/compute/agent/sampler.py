"""Sampling NVML and integrating use per process and per job.

Each sample at time t covers the interval since the previous one, (t_prev, t], of length dt
(the agent reads NVML once at start so that the first sample has an interval too):

- **GPU-seconds**: every process NVML lists on a device at t is credited dt on that device; a
  process seen once counts the one interval it was seen in. A process present from a to b is
  therefore credited (b − a) within one interval either way. A job (several processes) is
  credited dt once per device it is on, however many of its processes share the device.
- **SM-weighted GPU-seconds**: dt × SM% / 100, SM% being the mean of the process's utilisation
  samples in the interval (`nvmlDeviceGetProcessUtilization` since the last sample's
  timestamp); NVML's NotFound means no process used the SMs (0%); a process without a sample
  while others have one used 0%. A job's SM% on a device is the sum of its processes' (at most
  100). Devices that cannot say (NotSupported) leave SM unknown: `sm_gpu_seconds` is then not
  reported for jobs that never had a known value.
- **Energy**: the device's energy counter (`nvmlDeviceGetTotalEnergyConsumption`, mJ) rises by
  ΔE over the interval; ΔE is split among the processes listed at t in proportion to their SM%,
  evenly when SM is unknown or every process is at 0%. Energy of intervals with no process is
  the device's idle energy and is charged to nobody (`Sampler.idle_energy_j` keeps it). A
  counter that went back (driver reloaded) gives no energy for that interval.
- A gap longer than `max_gap` intervals (the agent was stopped or starved) is credited as
  `max_gap` intervals, and its energy scaled alike, so a pause never bills a whole gap to
  whatever happens to run after it.

State is kept per (GPU, pid, process start time): a pid that the kernel gives to a new process
is a new process, not the old one continuing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from bitgoeul.compute.agent.mapping import Mapping, Owner
from bitgoeul.compute.agent.nvml import NVML, Device, NotFound, NVMLUnavailable, model_code
from bitgoeul.compute.agent.procfs import ProcessFacts, ProcFS

log = logging.getLogger("bitgoeul.gpu_agent")


@dataclass
class ProcessUsage:
    gpu: str
    model: str
    pid: int
    start_time: float | None
    job: str
    account: str
    user: str
    first_seen: float
    last_seen: float
    gpu_seconds: float = 0.0
    sm_gpu_seconds: float | None = None
    energy_j: float | None = None
    peak_memory_bytes: int | None = None


@dataclass
class JobUsage:
    job: str
    model: str
    account: str
    user: str
    started_at: float
    last_seen: float
    ended: bool = False
    gpu_seconds: float = 0.0
    sm_gpu_seconds: float | None = None
    energy_j: float | None = None
    changed: bool = True  # totals or state changed since last handed to the outbox

    def entry(self) -> dict[str, Any]:
        """This job's line of a usage report (docs/compute.md, "Usage ingestion API")."""
        out: dict[str, Any] = {
            "job": self.job,
            "account": self.account,
            "user": self.user,
            "model": self.model,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.last_seen) if self.ended else None,
            "state": "EXITED" if self.ended else "RUNNING",
            # rounding keeps totals that only grow from ever going back
            "gpu_seconds": round(self.gpu_seconds, 3),
        }
        if self.sm_gpu_seconds is not None:
            out["sm_gpu_seconds"] = round(self.sm_gpu_seconds, 3)
        if self.energy_j is not None:
            out["energy_wh"] = round(self.energy_j / 3600, 4)
        return out


def _iso(moment: float) -> str:
    # timezone.utc, not dt.UTC: the agent runs on GPU nodes' own Python (3.9 and later)
    return dt.datetime.fromtimestamp(int(moment), dt.timezone.utc).isoformat()  # noqa: UP017


def _add(total: float | None, amount: float | None) -> float | None:
    if amount is None:
        return total
    return (total or 0.0) + amount


@dataclass
class _DeviceState:
    util_since_us: int = 0
    energy_mj: int | None = None
    failing: str = ""  # the last error logged for this device, so an outage logs once


@dataclass
class Sampler:
    nvml: NVML
    procfs: ProcFS
    mapping: Mapping
    node: str
    interval: float = 1.0
    max_gap: float = 3.0
    processes: dict[tuple[str, int, float | None], ProcessUsage] = field(default_factory=dict)
    jobs: dict[tuple[str, str], JobUsage] = field(default_factory=dict)
    idle_energy_j: float = 0.0
    samples: int = 0

    def __post_init__(self) -> None:
        self.devices: list[Device] = self.nvml.devices()
        self._state = {d.uuid: _DeviceState() for d in self.devices}
        self._facts: dict[tuple[int, float | None], tuple[ProcessFacts, Owner]] = {}
        self._last_mono: float | None = None

    def model(self, device: Device) -> str:
        return self.mapping.models.get(device.name) or model_code(device.name)

    def start(self, mono: float, wall: float) -> None:
        """Read the counters once, so that the first sample covers a real interval."""
        self._last_mono = mono
        for device in self.devices:
            state = self._state[device.uuid]
            state.util_since_us = int(wall * 1_000_000)
            try:
                state.energy_mj = self.nvml.energy_mj(device)
            except NVMLUnavailable:
                state.energy_mj = None

    def _owner(self, pid: int, start: float | None) -> tuple[ProcessFacts, Owner]:
        key = (pid, start)
        if key not in self._facts:
            facts = self.procfs.facts(pid)
            self._facts[key] = (facts, self.mapping.owner(facts, node=self.node))
        return self._facts[key]

    def _report(self, device: Device, message: str) -> None:
        state = self._state[device.uuid]
        if state.failing != message:
            state.failing = message
            log.warning("GPU %s (%s): %s", device.index, device.uuid, message)

    def sample(self, mono: float, wall: float) -> None:
        if self._last_mono is None:
            self.start(mono - self.interval, wall - self.interval)
        assert self._last_mono is not None
        elapsed = max(mono - self._last_mono, 0.0)
        self._last_mono = mono
        credited = min(elapsed, self.max_gap * self.interval)
        if credited < elapsed:
            log.warning("%.1f s since the last sample; crediting %.1f s", elapsed, credited)
        scale = credited / elapsed if elapsed else 0.0
        self.samples += 1
        seen_jobs: set[tuple[str, str]] = set()
        live_facts: set[tuple[int, float | None]] = set()
        blind = False  # a device NVML could not list this time: its jobs may still run
        for device in self.devices:
            seen = self._sample_device(device, credited, scale, wall, live_facts)
            if seen is None:
                blind = True
            else:
                seen_jobs |= seen
        for key, job in self.jobs.items():
            if key not in seen_jobs and not job.ended and not blind:
                job.ended = True
                job.changed = True
        # forget /proc facts of processes that are gone (pid reuse brings a new start time)
        self._facts = {key: value for key, value in self._facts.items() if key in live_facts}

    def _sample_device(
        self,
        device: Device,
        credited: float,
        scale: float,
        wall: float,
        live_facts: set[tuple[int, float | None]],
    ) -> set[tuple[str, str]] | None:
        """The jobs seen on the device; None when NVML could not list its processes."""
        state = self._state[device.uuid]
        model = self.model(device)
        try:
            listed = self.nvml.compute_processes(device)
        except NVMLUnavailable as error:
            self._report(device, f"cannot list processes: {error}")
            return None
        sm: dict[int, float] | None
        try:
            samples = self.nvml.process_utilisation(device, state.util_since_us)
        except NotFound:  # no sample since the last one: the GPU was idle
            sm = {}
        except NVMLUnavailable as error:
            self._report(device, f"no SM utilisation: {error}")
            sm = None
        else:
            per_pid: dict[int, list[int]] = {}
            for s in samples:
                per_pid.setdefault(s.pid, []).append(s.sm_percent)
                state.util_since_us = max(state.util_since_us, s.timestamp_us)
            sm = {pid: sum(values) / len(values) for pid, values in per_pid.items()}
        energy_j: float | None = None
        try:
            counter = self.nvml.energy_mj(device)
        except NVMLUnavailable as error:
            self._report(device, f"no energy counter: {error}")
        else:
            if state.energy_mj is not None and counter >= state.energy_mj:
                energy_j = (counter - state.energy_mj) / 1000 * scale
            state.energy_mj = counter
        if not listed:
            self.idle_energy_j += energy_j or 0.0
            return set()
        state.failing = ""

        pids = list(dict.fromkeys(p.pid for p in listed))
        memory = {p.pid: p.used_bytes for p in listed}
        sm_of = {pid: (None if sm is None else min(sm.get(pid, 0.0), 100.0)) for pid in pids}
        known = [value for value in sm_of.values() if value is not None]
        total_sm = sum(known)
        if sm is not None and total_sm > 0:
            share = {pid: (sm_of[pid] or 0.0) / total_sm for pid in pids}
        else:
            share = {pid: 1 / len(pids) for pid in pids}

        jobs_here: dict[tuple[str, str], JobUsage] = {}
        job_sm: dict[tuple[str, str], float] = {}
        for pid in pids:
            start = self.procfs.start_time(pid)
            live_facts.add((pid, start))
            _, owner = self._owner(pid, start)
            key = (device.uuid, pid, start)
            process = self.processes.get(key)
            if process is None:
                process = self.processes[key] = ProcessUsage(
                    gpu=device.uuid,
                    model=model,
                    pid=pid,
                    start_time=start,
                    job=owner.job,
                    account=owner.account,
                    user=owner.user,
                    first_seen=wall,
                    last_seen=wall,
                )
            process.last_seen = wall
            process.gpu_seconds += credited
            pid_sm = sm_of[pid]
            if pid_sm is not None:
                process.sm_gpu_seconds = _add(process.sm_gpu_seconds, credited * pid_sm / 100)
            pid_energy = None if energy_j is None else energy_j * share[pid]
            process.energy_j = _add(process.energy_j, pid_energy)
            used = memory.get(pid)
            if used is not None:
                process.peak_memory_bytes = max(process.peak_memory_bytes or 0, used)

            job_key = (owner.job, model)
            job = self.jobs.get(job_key)
            if job is None:
                job = self.jobs[job_key] = JobUsage(
                    job=owner.job,
                    model=model,
                    account=owner.account,
                    user=owner.user,
                    started_at=start if start is not None else wall - credited,
                    last_seen=wall,
                )
            if start is not None and start < job.started_at:
                job.started_at = start
            job.energy_j = _add(job.energy_j, pid_energy)
            if pid_sm is not None:
                job_sm[job_key] = job_sm.get(job_key, 0.0) + pid_sm
            jobs_here[job_key] = job
        for job_key, job in jobs_here.items():
            job.gpu_seconds += credited  # once per device, however many processes
            if job_key in job_sm:
                job.sm_gpu_seconds = _add(
                    job.sm_gpu_seconds, credited * min(job_sm[job_key], 100.0) / 100
                )
            job.last_seen = wall
            job.ended = False
            job.changed = True
        return set(jobs_here)

    # -- the state kept across restarts (the totals are cumulative: they must not restart at 0)
    def dump(self) -> dict[str, Any]:
        return {"jobs": [asdict(job) for job in self.jobs.values()]}

    def restore(self, data: dict[str, Any]) -> None:
        for item in data.get("jobs", []):
            job = JobUsage(**item)
            self.jobs[(job.job, job.model)] = job

    def forget(self, *, before: float) -> int:
        """Drop jobs that ended before `before` and were handed to the outbox since; their
        processes too. Returns how many jobs were dropped."""
        gone = {
            key
            for key, job in self.jobs.items()
            if job.ended and not job.changed and job.last_seen < before
        }
        for key in gone:
            del self.jobs[key]
        self.processes = {
            key: p
            for key, p in self.processes.items()
            if (p.job, p.model) in self.jobs or p.last_seen >= before
        }
        return len(gone)
