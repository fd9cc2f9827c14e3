"""`bitgoeul`: the one command. `serve`, `solve`, `gpu-agent` are handled here; everything else
(`worker`, `demo`, `createadmin`, `migrate`, …) is a Django management command."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bitgoeul serve", description="Web server and a worker.")
    parser.add_argument("--demo", action="store_true", help="generate a secret key, load demo data")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="web server processes")
    parser.add_argument("--no-worker", action="store_true", help="do not start a task worker")
    args = parser.parse_args(argv)
    if args.demo:
        os.environ["BITGOEUL_DEMO"] = "true"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo:
        call_command("demo")
    env = dict(os.environ)
    # Each `serve` gets its own gunicorn control socket: two on one host would otherwise share
    # $XDG_RUNTIME_DIR/gunicorn.ctl and one could drive the other's workers.
    run_dir = Path(tempfile.mkdtemp(prefix="bitgoeul-serve-"))
    commands = {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            "bitgoeul.wsgi:application",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            "--control-socket",
            str(run_dir / "gunicorn.ctl"),
            # gunicorn's own limit (answered in HTML, before Django) is lifted to its 1 MB cap
            # so that Django answers over-long URLs, in the API's JSON shape under /api/v1
            # (BITGOEUL_MAX_QUERY_STRING); see docs/operations.md
            "--limit-request-line",
            "0",
        ]
    }
    if not args.no_worker:
        commands["worker"] = [sys.executable, "-m", "bitgoeul.cli", "worker"]
    supervisor = Supervisor(commands, env=env)
    supervisor.start()
    print(f"Bitgoeul is running on http://{args.host}:{args.port}/  (Ctrl-C stops it)", flush=True)
    if args.demo:
        from bitgoeul.web.demo import DEMO_LOGINS, DEMO_PASSWORD

        print(f"Demo logins (password {DEMO_PASSWORD}):", flush=True)
        for role, email in DEMO_LOGINS:
            print(f"  {role:<22} {email}", flush=True)

    def stop(signum: int, frame: object) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not supervisor.stopping:
            supervisor.check()
            time.sleep(0.5)
    finally:
        codes = supervisor.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0 if all(code in (0, -signal.SIGTERM) for code in codes) else 1


class Supervisor:
    """Keeps the children of `serve` running: a child that dies is started again after a
    back-off that grows while it keeps dying (1, 2, 4 … 60 s) and resets once it has run for a
    minute; the others go on (a web server keeps answering while the worker restarts).
    `stop()` ends them all. `clock` is a parameter so tests need not wait."""

    BACKOFF_MAX = 60.0
    STABLE_SECONDS = 60.0

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        env: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.commands = commands
        self.env = env
        self.clock = clock
        self.stopping = False
        self.children: dict[str, subprocess.Popen[bytes] | None] = {}
        self.started_at: dict[str, float] = {}
        self.failures: dict[str, int] = dict.fromkeys(commands, 0)
        self.restart_at: dict[str, float] = {}
        self.restarts: dict[str, int] = dict.fromkeys(commands, 0)

    def _spawn(self, name: str) -> None:
        self.children[name] = subprocess.Popen(self.commands[name], env=self.env)
        self.started_at[name] = self.clock()

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)

    def check(self) -> None:
        """Notice dead children and start them again when their back-off has passed."""
        now = self.clock()
        for name, child in self.children.items():
            if child is not None and child.poll() is None:
                if now - self.started_at[name] >= self.STABLE_SECONDS:
                    self.failures[name] = 0
                continue
            if child is not None:  # it has just died
                if now - self.started_at[name] >= self.STABLE_SECONDS:
                    self.failures[name] = 0
                delay = min(2.0 ** self.failures[name], self.BACKOFF_MAX)
                self.failures[name] += 1
                self.restart_at[name] = now + delay
                self.children[name] = None
                print(
                    f"bitgoeul serve: {name} exited with {child.returncode}; "
                    f"starting it again in {delay:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
            if now >= self.restart_at[name]:
                self.restarts[name] += 1
                self._spawn(name)

    def stop(self) -> list[int]:
        """Ask every child to stop (SIGTERM), wait for them; their exit codes."""
        self.stopping = True
        running = [child for child in self.children.values() if child is not None]
        for child in running:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        codes = []
        for child in running:
            try:
                codes.append(child.wait(timeout=30))
            except subprocess.TimeoutExpired:
                child.kill()
                codes.append(child.wait())
        return codes


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bitgoeul.settings")
    if args[:1] == ["solve"]:
        from bitgoeul.optimize.cli import main as solve_main

        return solve_main(args[1:])
    if args[:1] == ["gpu-agent"]:  # runs on GPU nodes: no settings, no database
        from bitgoeul.compute.agent.run import main as agent_main

        return agent_main(args[1:])
    if args[:1] == ["serve"]:
        return _serve(args[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bitgoeul", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
