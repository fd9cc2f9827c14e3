#!/usr/bin/env bash
# The GPU agent against a real NVIDIA GPU (issue 12, item 4; docs/compute.md, "GPU agent").
#
# For a machine with one NVIDIA GPU, its driver (nvidia-smi, libnvidia-ml), Python 3.9+ and
# nothing else reachable. It needs from this repository only bitgoeul/ (the agent imports no
# Django) and pynvml, carried as one file in an ignored folder:
#
#   mkdir -p var/device-pylib && cp .venv/lib/python3*/site-packages/pynvml.py var/device-pylib/
#   (then, on the device:)  OUT=/some/dir scripts/device/gpu_agent_check.sh [AGENT_SECONDS]
#
# It runs `bitgoeul gpu-agent` (1 s interval, a report every 10 s) for AGENT_SECONDS (60) against
# a matrix-multiply load in a child process (torch, else cupy, else a CUDA C program built with
# nvcc, else a kernel JIT-compiled from PTX by the driver through ctypes; none: exit 2), posting
# to a tiny local HTTP receiver that records the reports; nvidia-smi is polled at 1 s beside it.
# It writes to $OUT: summary.json, summary.md, payloads.jsonl, smi_gpu.csv, smi_apps.csv,
# agent.log, load.json. Exit 0 when the agent measured the load, 1 when it did not, 2 when the
# check could not run.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$(mktemp -d /tmp/gpu-agent-check.XXXXXX)}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONPATH="$REPO:${PYNVML_DIR:-$REPO/var/device-pylib}${PYTHONPATH:+:$PYTHONPATH}"
if ! command -v nvidia-smi >/dev/null; then
  echo "gpu_agent_check: no nvidia-smi on this machine" >&2; exit 2
fi
if ! "$PY" -c 'import pynvml' 2>/dev/null; then
  echo "gpu_agent_check: pynvml is not importable; copy pynvml.py into var/device-pylib/" \
       "(or set PYNVML_DIR)" >&2; exit 2
fi
exec "$PY" "$REPO/scripts/device/gpu_agent_check.py" --out "$OUT" --seconds "${1:-60}"
