"""The few NVML calls the agent makes, behind one small interface.

`PynvmlNVML` is a thin wrapper over `pynvml` (nvidia-ml-py); `bitgoeul.compute.agent.fake`
holds a scripted one for tests and benchmarks. Both speak plain dataclasses, so the sampler
never sees ctypes structures, and both raise `NotFound` when a device has no utilisation sample
to give (NVML's NVML_ERROR_NOT_FOUND: the GPU was idle since the timestamp asked about).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Protocol


class NVMLUnavailable(Exception):
    """A value the device cannot give (not supported, no permission, other NVML error)."""


class NotFound(NVMLUnavailable):
    """No utilisation sample since the timestamp asked about: the GPU was idle."""


@dataclass(frozen=True)
class Device:
    index: int
    uuid: str
    name: str  # as NVML names it, e.g. "NVIDIA H100 80GB HBM3"


@dataclass(frozen=True)
class ProcessMemory:
    pid: int
    used_bytes: int | None  # None where NVML cannot say (e.g. no permission)


@dataclass(frozen=True)
class UtilSample:
    pid: int
    timestamp_us: int  # CPU timestamp of the sample, microseconds
    sm_percent: int


class NVML(Protocol):
    def devices(self) -> list[Device]: ...

    def compute_processes(self, device: Device) -> list[ProcessMemory]: ...

    def process_utilisation(self, device: Device, since_us: int) -> list[UtilSample]:
        """Samples newer than `since_us`; raises NotFound when there are none."""
        ...

    def energy_mj(self, device: Device) -> int:
        """The device's energy counter since the driver loaded, millijoules."""
        ...

    def shutdown(self) -> None: ...


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class PynvmlNVML:
    """NVML through `pynvml`. Handles are looked up once; NVML errors become ours."""

    def __init__(self) -> None:
        import pynvml  # only here: tests and `--fake` never need the library or a driver

        self._nvml: Any = pynvml
        pynvml.nvmlInit()
        self._handles: dict[int, Any] = {}
        self._devices: list[Device] = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            self._handles[index] = handle
            name = _text(pynvml.nvmlDeviceGetName(handle))
            uuid = _text(pynvml.nvmlDeviceGetUUID(handle))
            self._devices.append(Device(index=index, uuid=uuid, name=name))

    def devices(self) -> list[Device]:
        return list(self._devices)

    def _call(self, function: str, device: Device, *args: object) -> Any:
        try:
            return getattr(self._nvml, function)(self._handles[device.index], *args)
        except self._nvml.NVMLError_NotFound as error:
            raise NotFound(str(error)) from error
        except self._nvml.NVMLError as error:
            raise NVMLUnavailable(f"{function}: {error}") from error

    def compute_processes(self, device: Device) -> list[ProcessMemory]:
        return [
            ProcessMemory(pid=int(info.pid), used_bytes=info.usedGpuMemory)
            for info in self._call("nvmlDeviceGetComputeRunningProcesses", device)
        ]

    def process_utilisation(self, device: Device, since_us: int) -> list[UtilSample]:
        return [
            UtilSample(pid=int(s.pid), timestamp_us=int(s.timeStamp), sm_percent=int(s.smUtil))
            for s in self._call("nvmlDeviceGetProcessUtilization", device, since_us)
        ]

    def energy_mj(self, device: Device) -> int:
        return int(self._call("nvmlDeviceGetTotalEnergyConsumption", device))

    def shutdown(self) -> None:
        with contextlib.suppress(self._nvml.NVMLError):
            self._nvml.nvmlShutdown()


def model_code(name: str) -> str:
    """The GPU model code (docs/compute.md: lower-case, the Slurm GRES type) of an NVML name.

    "NVIDIA H100 80GB HBM3" → "h100", "NVIDIA A100-SXM4-80GB" → "a100", "Tesla T4" → "t4",
    "NVIDIA H200" → "h200"; the mapping file's `models` overrides it for names this misreads.
    """
    words = name.lower().replace("-", " ").split()
    words = [word for word in words if word not in ("nvidia", "tesla", "geforce", "quadro")]
    return words[0] if words else "untyped"
