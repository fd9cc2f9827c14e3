"""What the agent reads about a process from /proc (the root is a parameter: tests use a
temporary tree written by `bitgoeul.compute.agent.fake.write_proc_tree`).

The agent must see the host's process table (run it on the host, or in a container with the
host's PID namespace and /proc), and read other users' `environ` (run it as root): NVML names
processes by their host pid.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ProcessFacts:
    pid: int
    start_time: float | None  # Unix time the process started; None once it has gone
    uid: int | None
    user: str  # Unix user name ("" when unknown)
    environ: dict[str, str] = field(default_factory=dict)
    cgroup: list[str] = field(default_factory=list)  # the paths of /proc/<pid>/cgroup


def system_user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return ""


class ProcFS:
    # Only these environment variables are kept: a process's environment holds secrets.
    KEPT = ("SLURM_", "POD_", "BITGOEUL_")

    def __init__(
        self,
        root: str | Path = "/proc",
        *,
        user_name: Callable[[int], str] = system_user,
        clock_ticks: int | None = None,
    ) -> None:
        self.root = Path(root)
        self.user_name = user_name
        self.clock_ticks = clock_ticks or os.sysconf("SC_CLK_TCK")
        self._boot: float | None = None

    def boot_time(self) -> float:
        if self._boot is None:
            for line in (self.root / "stat").read_text().splitlines():
                if line.startswith("btime "):
                    self._boot = float(line.split()[1])
                    break
            else:
                raise OSError(f"no btime in {self.root / 'stat'}")
        return self._boot

    def start_time(self, pid: int) -> float | None:
        """Field 22 of /proc/<pid>/stat (clock ticks after boot) as Unix time; the command
        name (field 2) may hold spaces and parentheses, so fields are counted after its last
        ')'."""
        try:
            text = (self.root / str(pid) / "stat").read_text()
        except OSError:
            return None
        fields = text[text.rfind(")") + 2 :].split()
        # fields[0] is field 3 (state), so field 22 is fields[19]
        return self.boot_time() + int(fields[19]) / self.clock_ticks

    def facts(self, pid: int) -> ProcessFacts:
        base = self.root / str(pid)
        start = self.start_time(pid)
        uid: int | None = None
        try:
            for line in (base / "status").read_text().splitlines():
                if line.startswith("Uid:"):
                    uid = int(line.split()[1])
                    break
        except OSError:
            pass
        environ: dict[str, str] = {}
        try:
            for item in (base / "environ").read_bytes().split(b"\0"):
                key, sep, value = item.decode(errors="replace").partition("=")
                if sep and key.startswith(self.KEPT):
                    environ[key] = value
        except OSError:  # gone, or not root: the cgroup and the mapping file still apply
            pass
        cgroup: list[str] = []
        try:
            for line in (base / "cgroup").read_text().splitlines():
                parts = line.split(":", 2)
                if len(parts) == 3:
                    cgroup.append(parts[2])
        except OSError:
            pass
        user = environ.get("SLURM_JOB_USER") or (self.user_name(uid) if uid is not None else "")
        return ProcessFacts(
            pid=pid, start_time=start, uid=uid, user=user, environ=environ, cgroup=cgroup
        )
