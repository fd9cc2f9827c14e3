"""The GPU agent (issue 12, item 4): its own overhead and the accuracy of its GPU-seconds.

Both with the scripted NVML (`bitgoeul.compute.agent.fake`): these are FAKE-NVML figures. On a
real node each NVML call is an ioctl into the driver, which this does not measure;
scripts/device/gpu_agent_check.sh measures the agent against a real GPU.

1. Overhead: the agent at a 1 s interval, 8 GPUs × 4 processes, reading a /proc tree of real
   files (a temporary one, as the kernel lays it out) and posting every 5 s to a local HTTP
   receiver, for N seconds of wall time; CPU % of one core = CPU time of the agent's thread
   over wall time. Baseline, in the same run: a loop that only sleeps at the same interval.
2. Accuracy: a scripted load (seeded; 8 GPUs, 4 slots each, jobs of 5 s to 10 min over a
   simulated hour) sampled at 1 s with a scripted clock; each process's GPU-seconds against the
   time it was truly present, and the energy the agent attributed plus the idle energy against
   the devices' counters.

    python -m benchmarks.bench_gpu_agent [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.report import write_section
from bitgoeul.compute.agent.fake import FakeClock, FakeNVML, ScenarioProcFS, write_proc_tree
from bitgoeul.compute.agent.mapping import Mapping
from bitgoeul.compute.agent.outbox import HttpTransport, Spool
from bitgoeul.compute.agent.procfs import ProcFS
from bitgoeul.compute.agent.run import Agent
from bitgoeul.compute.agent.sampler import Sampler

GPUS, PER_GPU = 8, 4


class ThreadClock:
    """The real clock; CPU time of the calling thread only (the receiver's thread is not the
    agent's cost)."""

    def __init__(self) -> None:
        self.stop = threading.Event()

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self.stop.wait(max(seconds, 0.0))


def _receiver() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"new": 0}')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def overhead(seconds: float) -> dict[str, float]:
    wall_now = time.time()
    slurm = {"SLURM_JOB_ACCOUNT": "co-1208112345", "SLURM_JOB_USER": "kim"}
    devices = []
    files = []
    for gpu in range(GPUS):
        processes = []
        for slot in range(PER_GPU):
            pid = 10_000 + gpu * PER_GPU + slot
            env = {**slurm, "SLURM_JOB_ID": str(900 + pid)}
            processes.append(
                {
                    "pid": pid,
                    "start": 0,
                    "end": None,
                    "sm": 20 + slot * 10,
                    "watts": 80,
                    "memory_mib": 4096,
                    "env": env,
                }
            )
            files.append(
                {
                    "pid": pid,
                    "start": wall_now - 60,
                    "uid": 1000,
                    "env": env,
                    "cgroup": [f"0::/system.slice/slurmstepd.scope/job_{900 + pid}"],
                }
            )
        devices.append({"name": "NVIDIA H100 80GB HBM3", "idle_watts": 70, "processes": processes})
    scenario = {"devices": devices}
    server = _receiver()
    with tempfile.TemporaryDirectory() as tmp:
        proc = write_proc_tree(Path(tmp) / "proc", files, boot_time=wall_now - 86_400)
        clock = ThreadClock()
        nvml = FakeNVML(scenario, clock=clock.wall, t0=wall_now - 60)
        sampler = Sampler(
            nvml=nvml, procfs=ProcFS(proc, clock_ticks=100), mapping=Mapping(), node="gpu07"
        )
        transport = HttpTransport(f"http://127.0.0.1:{server.server_address[1]}", "tok")
        agent = Agent(
            sampler=sampler,
            spool=Spool(Path(tmp) / "spool"),
            transport=transport,
            cluster="bench",
            clock=clock,
            post_every=5.0,
            background=False,  # sending counted in this thread's CPU time
        )
        cpu0, wall0 = time.thread_time(), time.monotonic()
        agent.run(duration=seconds)
        agent_cpu, agent_wall = time.thread_time() - cpu0, time.monotonic() - wall0
    server.shutdown()
    server.server_close()
    cpu0, wall0 = time.thread_time(), time.monotonic()
    start = time.monotonic()
    for tick in range(1, int(seconds) + 1):
        time.sleep(max(start + tick - time.monotonic(), 0.0))
    base_cpu, base_wall = time.thread_time() - cpu0, time.monotonic() - wall0
    return {
        "agent_pct": 100 * agent_cpu / agent_wall,
        "agent_wall": agent_wall,
        "agent_cpu_ms": 1000 * agent_cpu,
        "samples": sampler.samples,
        "posts": agent.posts,
        "nvml_calls": nvml.calls,
        "baseline_pct": 100 * base_cpu / base_wall,
        "baseline_cpu_ms": 1000 * base_cpu,
    }


def accuracy(hours: float = 1.0, seed: int = 12) -> dict[str, float]:
    rng = random.Random(seed)
    horizon = hours * 3600
    devices: list[dict[str, Any]] = []
    pid = 20_000
    for _ in range(GPUS):
        processes = []
        for _slot in range(PER_GPU):
            t = rng.uniform(0, 60)
            while t < horizon - 5:
                length = min(rng.uniform(5, 600), horizon - t)
                pid += 1
                processes.append(
                    {
                        "pid": pid,
                        "start": round(t, 3),
                        "end": round(t + length, 3),
                        "sm": rng.randint(0, 100),
                        "watts": rng.uniform(50, 400),
                    }
                )
                t += length + rng.uniform(0, 120)
        devices.append({"name": "NVIDIA H100 80GB HBM3", "idle_watts": 70, "processes": processes})
    scenario = {"devices": devices}
    clock = FakeClock()
    nvml = FakeNVML(scenario, clock=clock.wall, t0=clock.start)
    sampler = Sampler(
        nvml=nvml,
        procfs=ScenarioProcFS(scenario, clock=clock.wall, t0=clock.start),
        mapping=Mapping(),
        node="gpu07",
    )
    sampler.start(clock.monotonic(), clock.wall())
    for _ in range(int(horizon)):
        clock.sleep(1.0)
        sampler.sample(clock.monotonic(), clock.wall())
    measured = {(p.gpu, p.pid): p.gpu_seconds for p in sampler.processes.values()}
    gaps, true_total, seen_total = [], 0.0, 0.0
    for device, spec in zip(sampler.devices, devices, strict=True):
        for p in spec["processes"]:
            true = p["end"] - p["start"]
            got = measured.get((device.uuid, p["pid"]), 0.0)
            gaps.append(got - true)
            true_total += true
            seen_total += got
    counted = sum(nvml.energy_mj(d) for d in sampler.devices) / 1000
    counted -= sum(d.get("energy_mj", 0) for d in devices) / 1000
    attributed = sum(p.energy_j or 0.0 for p in sampler.processes.values())
    return {
        "processes": len(gaps),
        "true_hours": true_total / 3600,
        "seen_hours": seen_total / 3600,
        "total_gap_pct": 100 * (seen_total - true_total) / true_total,
        "mean_abs_gap": statistics.fmean(abs(g) for g in gaps),
        "max_abs_gap": max(abs(g) for g in gaps),
        "energy_error_j": attributed + sampler.idle_energy_j - counted,
        "energy_kwh": counted / 3.6e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0, help="wall time of each loop")
    args = parser.parse_args()
    o = overhead(args.seconds)
    a = accuracy()
    print(json.dumps({"overhead": o, "accuracy": a}, indent=2))
    body = f"""
**Fake-NVML figures** (`bitgoeul.compute.agent.fake`): no GPU, no driver; on a real node each
NVML call is an ioctl this does not measure. The real-GPU check is prepared in
`scripts/device/gpu_agent_check.sh` (docs/compute.md, "GPU agent") and not yet run: no GPU
machine was lent to this work.

Overhead: the agent at a 1 s interval for {o["agent_wall"]:.0f} s of wall time, {GPUS} GPUs ×
{PER_GPU} processes, a /proc tree of real files, a report every 5 s to a local HTTP receiver
(`python -m benchmarks.bench_gpu_agent --seconds {args.seconds:.0f}`). CPU time of the agent's
thread (`time.thread_time`: the receiver runs in another thread of the same process) over wall
time; the real-GPU check measures the whole agent process (`getrusage`):

| loop at 1 s | CPU % of one core | CPU time | samples | reports | NVML calls |
|---|---:|---:|---:|---:|---:|
| agent | {o["agent_pct"]:.3f} % | {o["agent_cpu_ms"]:.0f} ms | {o["samples"]} | {o["posts"]} \
| {o["nvml_calls"]} |
| baseline (sleep only) | {o["baseline_pct"]:.3f} % | {o["baseline_cpu_ms"]:.0f} ms | – | – | – |

Accuracy: a seeded load of {a["processes"]} processes on {GPUS} GPUs over one simulated hour
(5 s to 10 min each, scripted clock, 1 s interval). Each process's GPU-seconds against its true
presence: total {a["seen_hours"]:.3f} h against {a["true_hours"]:.3f} h
({a["total_gap_pct"]:+.2f} %), mean |gap| {a["mean_abs_gap"]:.2f} s, largest |gap|
{a["max_abs_gap"]:.2f} s (the rule promises at most one interval, 1 s). Energy: attributed plus
idle against the counters' {a["energy_kwh"]:.3f} kWh, difference {a["energy_error_j"]:.6f} J.
"""
    write_section("gpu_agent", "GPU agent: overhead and GPU-seconds (fake NVML)", body)


if __name__ == "__main__":
    main()
