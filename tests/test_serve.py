"""`bitgoeul serve` keeps its children running: a dead one is started again after a back-off,
the others are left alone, and stopping ends them all. Real child processes, a fake clock."""

from __future__ import annotations

import signal
import sys

from bitgoeul.cli import Supervisor

DIES = [sys.executable, "-c", "import sys; sys.exit(3)"]
LIVES = [sys.executable, "-c", "import time; time.sleep(120)"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_dead_child_is_restarted_with_a_growing_back_off_and_the_other_keeps_running() -> None:
    clock = Clock()
    supervisor = Supervisor({"worker": DIES, "web": LIVES}, clock=clock)
    supervisor.start()
    try:
        web = supervisor.children["web"]
        worker = supervisor.children["worker"]
        assert worker is not None and web is not None
        worker.wait(timeout=30)
        supervisor.check()  # noticed: restart in 1 s
        assert (supervisor.children["worker"], supervisor.restarts["worker"]) == (None, 0)
        clock.now += 1
        supervisor.check()
        assert supervisor.restarts["worker"] == 1
        second = supervisor.children["worker"]
        assert second is not None
        second.wait(timeout=30)
        supervisor.check()  # died again at once: now 2 s
        clock.now += 1
        supervisor.check()
        assert supervisor.restarts["worker"] == 1
        clock.now += 1
        supervisor.check()
        assert supervisor.restarts["worker"] == 2
        assert supervisor.children["web"] is web and web.poll() is None  # never touched
    finally:
        codes = supervisor.stop()
    assert web.poll() == -signal.SIGTERM
    assert -signal.SIGTERM in codes


def test_stop_ends_every_child() -> None:
    supervisor = Supervisor({"web": LIVES, "worker": LIVES})
    supervisor.start()
    assert supervisor.stop() == [-signal.SIGTERM, -signal.SIGTERM]
    assert supervisor.stopping is True
