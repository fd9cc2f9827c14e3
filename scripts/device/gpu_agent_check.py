"""The body of gpu_agent_check.sh (read its header): the agent, a load, nvidia-smi beside them.

Standard library only (plus pynvml for the agent), Python 3.9+.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
LOAD_DELAY = 5.0  # the agent runs alone first: its own idle cost, and the load's start is seen

TORCH_LOAD = """
import json, sys, time, torch
seconds = float(sys.argv[1])
t0 = time.time()
a = torch.randn(8192, 8192, device="cuda"); torch.cuda.synchronize()
t1 = time.time(); n = 0
while time.time() - t1 < seconds:
    b = a @ a; torch.cuda.synchronize(); n += 1
print(json.dumps({"backend": "torch " + torch.__version__, "started": t0, "context": t1,
                  "ended": time.time(), "matmuls": n, "n": 8192}))
"""

CUPY_LOAD = """
import json, sys, time, cupy
seconds = float(sys.argv[1])
t0 = time.time()
a = cupy.random.rand(8192, 8192, dtype=cupy.float32); cupy.cuda.Device().synchronize()
t1 = time.time(); n = 0
while time.time() - t1 < seconds:
    b = a @ a; cupy.cuda.Device().synchronize(); n += 1
print(json.dumps({"backend": "cupy " + cupy.__version__, "started": t0, "context": t1,
                  "ended": time.time(), "matmuls": n, "n": 8192}))
"""

CUDA_C_LOAD = r"""
#include <cstdio>
#include <ctime>
#include <sys/time.h>
#include <cuda_runtime.h>
__global__ void matmul(const float *a, const float *b, float *c, int n) {
  int row = blockIdx.y * blockDim.y + threadIdx.y, col = blockIdx.x * blockDim.x + threadIdx.x;
  if (row < n && col < n) {
    float sum = 0.f;
    for (int k = 0; k < n; ++k) sum += a[row * n + k] * b[k * n + col];
    c[row * n + col] = sum;
  }
}
static double now() { timeval tv; gettimeofday(&tv, 0); return tv.tv_sec + tv.tv_usec / 1e6; }
int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 30, t0 = now();
  int n = 4096; size_t bytes = (size_t)n * n * sizeof(float);
  float *a, *b, *c;
  cudaMalloc(&a, bytes); cudaMalloc(&b, bytes); cudaMalloc(&c, bytes);
  cudaMemset(a, 0, bytes); cudaMemset(b, 0, bytes); cudaDeviceSynchronize();
  double t1 = now(); long count = 0;
  dim3 block(16, 16), grid((n + 15) / 16, (n + 15) / 16);
  while (now() - t1 < seconds) {
    matmul<<<grid, block>>>(a, b, c, n); cudaDeviceSynchronize(); ++count;
  }
  printf("{\"backend\": \"nvcc\", \"started\": %.6f, \"context\": %.6f, \"ended\": %.6f, "
         "\"matmuls\": %ld, \"n\": %d, \"error\": \"%s\"}\n", t0, t1, now(), count, n,
         cudaGetErrorString(cudaGetLastError()));
  return 0;
}
"""

# No toolkit at all: the driver JIT-compiles this PTX (a naive matrix multiply, one thread per
# element of C = A·B, n×n float32) through libcuda's driver API, loaded with ctypes.
PTX = r"""
.version 6.0
.target sm_50
.address_size 64
.visible .entry matmul(.param .u64 pa, .param .u64 pb, .param .u64 pc, .param .u32 pn)
{
  .reg .pred %p<3>;
  .reg .f32 %f<4>;
  .reg .b32 %r<12>;
  .reg .b64 %rd<12>;
  ld.param.u64 %rd1, [pa];
  ld.param.u64 %rd2, [pb];
  ld.param.u64 %rd3, [pc];
  ld.param.u32 %r1, [pn];
  cvta.to.global.u64 %rd1, %rd1;
  cvta.to.global.u64 %rd2, %rd2;
  cvta.to.global.u64 %rd3, %rd3;
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.s32 %r5, %r2, %r3, %r4;
  mov.u32 %r2, %ctaid.y;
  mov.u32 %r3, %ntid.y;
  mov.u32 %r4, %tid.y;
  mad.lo.s32 %r6, %r2, %r3, %r4;
  setp.ge.u32 %p1, %r5, %r1;
  setp.ge.u32 %p2, %r6, %r1;
  or.pred %p1, %p1, %p2;
  @%p1 bra DONE;
  mov.f32 %f1, 0f00000000;
  mov.u32 %r7, 0;
LOOP:
  mad.lo.s32 %r8, %r6, %r1, %r7;
  mul.wide.u32 %rd4, %r8, 4;
  add.s64 %rd5, %rd1, %rd4;
  ld.global.f32 %f2, [%rd5];
  mad.lo.s32 %r9, %r7, %r1, %r5;
  mul.wide.u32 %rd6, %r9, 4;
  add.s64 %rd7, %rd2, %rd6;
  ld.global.f32 %f3, [%rd7];
  fma.rn.f32 %f1, %f2, %f3, %f1;
  add.s32 %r7, %r7, 1;
  setp.lt.u32 %p2, %r7, %r1;
  @%p2 bra LOOP;
  mad.lo.s32 %r10, %r6, %r1, %r5;
  mul.wide.u32 %rd8, %r10, 4;
  add.s64 %rd9, %rd3, %rd8;
  st.global.f32 [%rd9], %f1;
DONE:
  ret;
}
"""

PTX_LOAD = """
import ctypes, json, sys, time
PTX = __PTX__
seconds = float(sys.argv[1])
t0 = time.time()
cuda = ctypes.CDLL("libcuda.so.1")
def ok(result, what):
    if result != 0:
        raise SystemExit(f"{what} failed with CUresult {result}")
ok(cuda.cuInit(0), "cuInit")
dev = ctypes.c_int(); ok(cuda.cuDeviceGet(ctypes.byref(dev), 0), "cuDeviceGet")
ctx = ctypes.c_void_p(); ok(cuda.cuCtxCreate_v2(ctypes.byref(ctx), 0, dev), "cuCtxCreate")
mod = ctypes.c_void_p(); ok(cuda.cuModuleLoadData(ctypes.byref(mod), PTX.encode() + b"\\0"),
                            "cuModuleLoadData")
fn = ctypes.c_void_p(); ok(cuda.cuModuleGetFunction(ctypes.byref(fn), mod, b"matmul"),
                           "cuModuleGetFunction")
n = 4096
bufs = [ctypes.c_uint64() for _ in range(3)]
for b in bufs:
    ok(cuda.cuMemAlloc_v2(ctypes.byref(b), ctypes.c_size_t(n * n * 4)), "cuMemAlloc")
    ok(cuda.cuMemsetD32_v2(b, 0, ctypes.c_size_t(n * n)), "cuMemsetD32")
size = ctypes.c_uint32(n)
args = (ctypes.c_void_p * 4)(*[ctypes.cast(ctypes.byref(x), ctypes.c_void_p) for x in
                               (bufs[0], bufs[1], bufs[2], size)])
ok(cuda.cuCtxSynchronize(), "cuCtxSynchronize")
t1 = time.time(); count = 0
while time.time() - t1 < seconds:
    ok(cuda.cuLaunchKernel(fn, n // 16, n // 16, 1, 16, 16, 1, 0, None, args, None), "launch")
    ok(cuda.cuCtxSynchronize(), "cuCtxSynchronize"); count += 1
print(json.dumps({"backend": "driver API + PTX (ctypes)", "started": t0, "context": t1,
                  "ended": time.time(), "matmuls": count, "n": n}))
""".replace("__PTX__", repr(PTX))


DRY_LOAD = """
import json, sys, time
t0 = time.time(); time.sleep(0.2); t1 = time.time(); time.sleep(float(sys.argv[1]))
print(json.dumps({"started": t0, "context": t1, "ended": time.time(), "matmuls": 0, "n": 0}))
"""


def importable(module: str) -> bool:
    code = f"import {module}"
    if module == "torch":
        code += "; assert torch.cuda.is_available()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def load_command(work: Path, seconds: float) -> tuple[list[str], str] | None:
    """The child that multiplies matrices for `seconds`, and the name of its backend."""
    if importable("torch"):
        return [sys.executable, "-c", TORCH_LOAD, str(seconds)], "torch"
    if importable("cupy"):
        return [sys.executable, "-c", CUPY_LOAD, str(seconds)], "cupy"
    nvcc = shutil.which("nvcc") or (
        "/usr/local/cuda/bin/nvcc" if Path("/usr/local/cuda/bin/nvcc").exists() else None
    )
    if nvcc:
        source, binary = work / "matmul.cu", work / "matmul"
        source.write_text(CUDA_C_LOAD)
        built = subprocess.run([nvcc, "-O2", "-o", str(binary), str(source)], capture_output=True)
        if built.returncode == 0:
            return [str(binary), str(seconds)], "nvcc"
        print("nvcc failed:", built.stderr.decode()[-2000:], file=sys.stderr)
    probe = subprocess.run(
        [sys.executable, "-c", PTX_LOAD, "0.5"], capture_output=True, text=True, timeout=120
    )
    if probe.returncode == 0:
        return [sys.executable, "-c", PTX_LOAD, str(seconds)], "ptx"
    print("driver-API load failed:", probe.stderr[-2000:] or probe.stdout, file=sys.stderr)
    return None


class Receiver:
    def __init__(self, record: Path) -> None:
        self.payloads: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.payloads.append(body)
                with record.open("a") as out:
                    out.write(json.dumps({"at": time.time(), "payload": body}) + "\n")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"new": len(body["entries"])}).encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def smi_fields(kind: str) -> set[str]:
    text = subprocess.run(
        ["nvidia-smi", f"--help-query-{kind}"], capture_output=True, text=True
    ).stdout
    return set(re.findall(r'^"([A-Za-z0-9_.]+)"', text, re.M))


class SmiPoller(threading.Thread):
    """nvidia-smi once a second; each row stamped with our own clock."""

    def __init__(self, out: Path, gpu_fields: list[str], app_fields: list[str]) -> None:
        super().__init__(daemon=True)
        self.out = out
        self.gpu_fields = gpu_fields
        self.app_fields = app_fields
        self.stop = threading.Event()
        self.gpu_rows: list[dict[str, str]] = []
        self.app_rows: list[dict[str, str]] = []

    def query(self, kind: str, fields: list[str]) -> list[dict[str, str]]:
        done = subprocess.run(
            ["nvidia-smi", f"--query-{kind}={','.join(fields)}", "--format=csv,noheader"],
            capture_output=True,
            text=True,
        )
        rows = csv.reader(io.StringIO(done.stdout))
        # zip without strict=: the device's Python may be 3.9
        return [dict(zip(fields, (v.strip() for v in row))) for row in rows if row]  # noqa: B905

    def run(self) -> None:
        start = time.monotonic()
        tick = 0
        while not self.stop.is_set():
            at = f"{time.time():.3f}"
            for row in self.query("gpu", self.gpu_fields):
                self.gpu_rows.append({"at": at, **row})
            for row in self.query("compute-apps", self.app_fields):
                self.app_rows.append({"at": at, **row})
            tick += 1
            self.stop.wait(max(start + tick - time.monotonic(), 0))

    def save(self) -> None:
        for name, rows, fields in (
            ("smi_gpu.csv", self.gpu_rows, self.gpu_fields),
            ("smi_apps.csv", self.app_rows, self.app_fields),
        ):
            with (self.out / name).open("w", newline="") as out:
                writer = csv.DictWriter(out, ["at", *fields])
                writer.writeheader()
                writer.writerows(rows)


def number(text: str | None) -> float | None:
    """The number in "250.50 W", "97 %", "1024 MiB"; None for "[N/A]"."""
    match = re.match(r"\s*(-?[0-9.]+)", text or "")
    return float(match.group(1)) if match else None


def unit(text: str | None) -> str:
    match = re.match(r"\s*-?[0-9.]+\s*(\S*)", text or "")
    return match.group(1) if match else ""


WH_PER = {"J": 1 / 3600, "mJ": 1 / 3.6e6, "kJ": 1 / 3.6, "Wh": 1.0, "kWh": 1000.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gpu-agent-check-"))
    load_seconds = max(args.seconds - 2 * LOAD_DELAY - 10, 10.0)
    dry = os.environ.get("GPU_AGENT_CHECK_DRY")  # a scenario file: rehearse without a GPU
    chosen = (
        (
            [sys.executable, "-c", DRY_LOAD, str(load_seconds)],
            "dry run (fake NVML, no GPU)",
        )
        if dry
        else load_command(work, load_seconds)
    )
    if chosen is None:
        print(
            "gpu_agent_check: no way to load the GPU here (no torch, cupy, nvcc, and the "
            "driver API failed)",
            file=sys.stderr,
        )
        return 2
    load, backend = chosen
    gpu_wanted = ["power.draw", "utilization.gpu", "memory.used", "name", "driver_version"]
    gpu_have = smi_fields("gpu")
    energy = sorted(f for f in gpu_have if "energy" in f)
    gpu_fields = [f for f in gpu_wanted if f in gpu_have] + energy
    app_have = smi_fields("compute-apps")
    app_fields: list[str] = [f for f in ("pid", "used_memory", "used_gpu_memory") if f in app_have]
    receiver = Receiver(out / "payloads.jsonl")
    token = work / "token"
    token.write_text("device-check\n")
    poller = SmiPoller(out, gpu_fields, app_fields)
    poller.start()
    env = dict(os.environ, PYTHONPATH=f"{REPO}:{os.environ.get('PYTHONPATH', '')}")
    node = socket.gethostname().split(".")[0]
    agent_cmd = [
        sys.executable,
        "-m",
        "bitgoeul.cli",
        "gpu-agent",
        "--server",
        receiver.url,
        "--token-file",
        str(token),
        "--cluster",
        "device-check",
        "--node",
        node,
        "--interval",
        "1",
        "--post-every",
        "10",
        "--duration",
        str(args.seconds),
        "--buffer",
        str(work / "spool"),
        *(["--fake", dry] if dry else []),
    ]
    with (out / "agent.log").open("w") as log:
        agent_started = time.monotonic()
        agent = subprocess.Popen(agent_cmd, cwd=REPO, env=env, stderr=log)
        time.sleep(LOAD_DELAY)
        load_started = time.time()
        child = subprocess.run(load, capture_output=True, text=True)
        load_exited = time.time()
        _, status, usage = os.wait4(agent.pid, 0)
        agent_wall = time.monotonic() - agent_started
    poller.stop.set()
    poller.join()
    poller.save()
    receiver.server.shutdown()
    (out / "load.json").write_text(child.stdout or json.dumps({"stderr": child.stderr[-4000:]}))
    try:
        timing = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print("the load failed:", child.stderr[-2000:], file=sys.stderr)
        return 2
    # the child's pid as NVML names it (the host's): the pid nvidia-smi listed most while the
    # load ran
    during = [
        r.get("pid")
        for r in poller.app_rows
        if load_started <= float(r["at"]) <= load_exited and r.get("pid")
    ]
    load_pid = max(set(during), key=during.count) if during else None
    final: dict[str, dict[str, Any]] = {}
    for payload in receiver.payloads:
        for entry in payload["entries"]:
            final[entry["job"]] = entry
    measured = [e for job, e in final.items() if load_pid and f":{load_pid}:" in job]
    matched_by = "pid" if measured else "all entries (pid not found in job keys)"
    measured = measured or list(final.values())
    agent_gpu_s = sum(e["gpu_seconds"] for e in measured)
    agent_sm_s = sum(e.get("sm_gpu_seconds") or 0 for e in measured)
    agent_wh = sum(e.get("energy_wh") or 0 for e in measured)
    true_run = timing["ended"] - timing["started"]  # process start (before CUDA init) to end
    busy = timing["ended"] - timing["context"]
    # nvidia-smi's energy over the load's lifetime: power.draw integrated (trapezoids at 1 s),
    # and the energy counter field's difference when this nvidia-smi has one
    rows = [(float(r["at"]), r) for r in poller.gpu_rows]
    window = [(t, r) for t, r in rows if load_started - 1 <= t <= load_exited + 1]
    smi_wh = 0.0
    for (t0, r0), (t1, r1) in zip(window, window[1:]):  # noqa: B905, RUF007 (Python 3.9)
        p0, p1 = number(r0.get("power.draw", "")), number(r1.get("power.draw", ""))
        if p0 is not None and p1 is not None:
            smi_wh += (p0 + p1) / 2 * (t1 - t0) / 3600
    counter_wh = counter_raw = None
    counter_unit = ""
    if energy and len(window) >= 2:
        first_text, last_text = window[0][1].get(energy[0]), window[-1][1].get(energy[0])
        first, last = number(first_text), number(last_text)
        counter_unit = unit(last_text)
        if first is not None and last is not None:
            counter_raw = last - first
            if counter_unit in WH_PER:
                counter_wh = counter_raw * WH_PER[counter_unit]
    smi_seen = sum(1 for r in poller.app_rows if r.get("pid") == load_pid) if load_pid else None
    cpu = usage.ru_utime + usage.ru_stime
    summary = {
        "machine": {
            "node": node,
            "gpu": (poller.gpu_rows or [{}])[0].get("name"),
            "driver": (poller.gpu_rows or [{}])[0].get("driver_version"),
            "python": sys.version.split()[0],
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
        "load": {"backend": backend, **timing, "true_run_s": true_run, "gpu_busy_s": busy},
        "agent": {
            "exit": status,
            "wall_s": agent_wall,
            "cpu_s": cpu,
            "cpu_pct_of_one_core": 100 * cpu / agent_wall,
            "reports": len(receiver.payloads),
            "matched_by": matched_by,
            "entries": measured,
            "gpu_seconds": agent_gpu_s,
            "sm_gpu_seconds": agent_sm_s,
            "energy_wh": agent_wh,
        },
        "nvidia_smi": {
            "gpu_fields": gpu_fields,
            "app_fields": app_fields,
            "load_pid": load_pid,
            "load_seen_s": smi_seen,
            "power_integrated_wh": smi_wh,
            "energy_counter_field": energy[0] if energy else None,
            "energy_counter_delta": [counter_raw, counter_unit],
            "energy_counter_wh": counter_wh,
        },
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "summary.md").write_text(
        f"""| | agent | reference |
|---|---:|---:|
| GPU-seconds of the load | {agent_gpu_s:.1f} | true run {true_run:.1f} s (GPU busy {busy:.1f} s); \
nvidia-smi saw it {smi_seen} × 1 s |
| SM-weighted GPU-seconds | {agent_sm_s:.1f} | – |
| energy of the load | {agent_wh:.3f} Wh | nvidia-smi power.draw integrated {smi_wh:.3f} Wh; \
counter {counter_wh if counter_wh is None else f"{counter_wh:.3f} Wh"} |
| agent CPU | {100 * cpu / agent_wall:.2f} % of one core | {cpu:.2f} s over {agent_wall:.1f} s |

Load: {backend}, {timing.get("matmuls")} matrix multiplies of {timing.get("n")}². \
GPU {summary["machine"]["gpu"]}, driver {summary["machine"]["driver"]}.
"""
    )
    print((out / "summary.md").read_text())
    return 0 if status == 0 and agent_gpu_s > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
