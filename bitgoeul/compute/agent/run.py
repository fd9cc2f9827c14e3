"""The agent's loop and the `bitgoeul gpu-agent` command (dispatched by bitgoeul/cli.py before
Django is set up: no settings, no database)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bitgoeul.compute.agent.mapping import Mapping
from bitgoeul.compute.agent.outbox import (
    HttpTransport,
    Sender,
    Spool,
    Transport,
    _write_atomically,
    flush,
)
from bitgoeul.compute.agent.sampler import Sampler

log = logging.getLogger("bitgoeul.gpu_agent")

ENTRIES_PER_REPORT = 500  # keeps one request small, whatever the number of jobs
FORGET_AFTER = 3600.0  # seconds an ended, posted job is kept in memory (it may come back)


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def wall(self) -> float: ...

    def sleep(self, seconds: float) -> None:
        """Sleep, returning early when the agent is asked to stop."""
        ...


@dataclass
class SystemClock:
    stop: threading.Event = field(default_factory=threading.Event)

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self.stop.wait(max(seconds, 0.0))


@dataclass
class Agent:
    sampler: Sampler
    spool: Spool
    transport: Transport
    cluster: str
    clock: Clock
    post_every: float = 60.0
    stopping: Callable[[], bool] = lambda: False
    background: bool = True  # send from a thread (tests with a scripted clock send inline)
    posts: int = 0

    def __post_init__(self) -> None:
        self.sender = Sender(self.spool, self.transport)

    @property
    def state_path(self) -> Path:
        return self.spool.directory / "state.json"

    def load_state(self) -> None:
        if self.state_path.exists():
            self.sampler.restore(json.loads(self.state_path.read_bytes()))
            log.info("resumed the totals of %d jobs", len(self.sampler.jobs))

    def save_state(self) -> None:
        _write_atomically(self.state_path, json.dumps(self.sampler.dump()).encode())

    def reports(self) -> list[tuple[dict[str, Any], list[Any]]]:
        changed = [job for job in self.sampler.jobs.values() if job.changed]
        out = []
        for first in range(0, len(changed), ENTRIES_PER_REPORT):
            jobs = changed[first : first + ENTRIES_PER_REPORT]
            payload = {
                "source": "agent",
                "cluster": self.cluster,
                "entries": [job.entry() for job in jobs],
            }
            out.append((payload, jobs))
        return out

    def post(self, *, last: bool = False) -> bool | None:
        """Queue the changed jobs' totals, save the state, send what is queued (in the
        background, but for the last post). Whether the spool is empty, None when unknown yet."""
        for payload, jobs in self.reports():
            if self.spool.put(payload):
                for job in jobs:
                    job.changed = False
        self.save_state()
        self.posts += 1
        self.sampler.forget(before=self.clock.wall() - FORGET_AFTER)
        if last:
            return self.sender.finish(timeout=30.0)
        if self.background:
            self.sender.kick()
            return None
        return flush(self.spool, self.transport)

    def run(self, *, duration: float | None = None, once: bool = False) -> None:
        interval = self.sampler.interval
        self.load_state()
        start = self.clock.monotonic()
        self.sampler.start(start, self.clock.wall())
        next_post = start + self.post_every
        tick = 0
        while True:
            tick += 1
            behind = self.clock.monotonic() - start
            if start + tick * interval < start + behind - interval:
                # more than an interval late (a slow NVML, a suspended agent): skip the missed
                # ticks instead of sampling in a burst to catch up
                tick = int(behind / interval) + 1
            due = start + tick * interval  # a fixed rate: a slow sample does not add drift
            while not self.stopping() and (left := due - self.clock.monotonic()) > 0:
                self.clock.sleep(left)
            if self.stopping():
                break
            now = self.clock.monotonic()
            self.sampler.sample(now, self.clock.wall())
            if once or (duration is not None and now - start >= duration - 1e-9):
                break
            if now >= next_post:
                self.post()
                next_post += self.post_every * max(1, int((now - next_post) // self.post_every) + 1)
        if self.stopping():  # the last stretch since the previous sample still counts
            self.sampler.sample(self.clock.monotonic(), self.clock.wall())
        self.post(last=True)
        log.info(
            "stopped after %d samples; %d reports still queued in %s",
            self.sampler.samples,
            len(self.spool.pending()),
            self.spool.directory,
        )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bitgoeul gpu-agent",
        description="Sample NVML on this node and post GPU usage to Bitgoeul's usage ledger.",
    )
    p.add_argument("--server", required=True, help="Bitgoeul's base URL, e.g. https://bitgoeul.kr")
    p.add_argument("--token-file", required=True, help="file holding a token of scope `usage`")
    p.add_argument("--cluster", required=True, help="the cluster (agent fleet) this node is in")
    p.add_argument("--node", default=socket.gethostname().split(".")[0], help="this node's name")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    p.add_argument("--post-every", type=float, default=60.0, help="seconds between reports")
    p.add_argument("--mapping", help="YAML file: users, uids, cgroups, pods, containers, models")
    p.add_argument(
        "--buffer",
        help="spool directory for reports and state (default: a temporary one, lost on exit)",
    )
    p.add_argument("--buffer-max-mb", type=float, default=64.0, help="spool size limit")
    p.add_argument("--proc", default="/proc", help="the /proc to read processes from")
    end = p.add_mutually_exclusive_group()
    end.add_argument("--duration", type=float, help="stop after this many seconds")
    end.add_argument("--once", action="store_true", help="one sample interval, one report")
    p.add_argument("--fake", metavar="SCENARIO.json", help="a scripted NVML instead of the GPUs")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s gpu-agent %(levelname)s %(message)s",
    )
    if args.interval <= 0 or args.post_every <= 0:
        log.error("--interval and --post-every must be positive")
        return 2
    try:
        token = Path(args.token_file).read_text(encoding="utf-8").strip()
        mapping = Mapping.load(args.mapping) if args.mapping else Mapping()
        transport = HttpTransport(args.server, token)
    except (OSError, ValueError) as error:
        log.error("%s", error)
        return 2
    if not token:
        log.error("%s is empty: it must hold a token of scope `usage`", args.token_file)
        return 2
    clock = SystemClock()
    from bitgoeul.compute.agent.nvml import NVML, PynvmlNVML
    from bitgoeul.compute.agent.procfs import ProcFS

    nvml: NVML
    procfs: ProcFS
    if args.fake:
        from bitgoeul.compute.agent.fake import FakeNVML, ScenarioProcFS, load_scenario

        scenario = load_scenario(args.fake)
        t0 = clock.wall()
        nvml = FakeNVML(scenario, clock=clock.wall, t0=t0)
        procfs = ScenarioProcFS(scenario, clock=clock.wall, t0=t0)
    else:
        try:
            nvml = PynvmlNVML()
        except Exception as error:  # no driver, no library: say so and stop
            log.error("cannot start NVML: %s", error)
            return 1
        procfs = ProcFS(args.proc)
    temporary = None
    if args.buffer:
        directory = Path(args.buffer)
    else:
        temporary = tempfile.TemporaryDirectory(prefix="bitgoeul-gpu-agent-")
        directory = Path(temporary.name)
        log.warning("no --buffer: reports not yet sent are lost if the agent stops")
    spool = Spool(directory, max_bytes=int(args.buffer_max_mb * (1 << 20)))
    sampler = Sampler(nvml=nvml, procfs=procfs, mapping=mapping, node=args.node)
    sampler.interval = args.interval
    agent = Agent(
        sampler=sampler,
        spool=spool,
        transport=transport,
        cluster=args.cluster,
        clock=clock,
        post_every=args.post_every,
        stopping=clock.stop.is_set,
    )

    def stop(signum: int, frame: object) -> None:
        log.info("signal %d: a last sample and report, then stop", signum)
        clock.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    devices = ", ".join(f"{d.index}:{sampler.model(d)}" for d in sampler.devices)
    log.info(
        "node %s, cluster %s, GPUs [%s], posting to %s",
        args.node,
        args.cluster,
        devices,
        transport.url,
    )
    try:
        agent.run(duration=args.duration, once=args.once)
    finally:
        nvml.shutdown()
        if temporary is not None:
            temporary.cleanup()
    return 0
