"""Fault: PostgreSQL restarts while the platform serves requests. A private PostgreSQL cluster
(Debian's server binaries, in a temporary folder, on a free port) serves a real `bitgoeul serve`
(gunicorn, no worker). While the database is down every request gets a clean answer (the
status check 503 in JSON, pages the 500 error page, never a hang or a dropped connection);
once it is back, the same gunicorn processes answer 200 again without any restart.

Skipped where the PostgreSQL server binaries are not installed; run once, in the SQLite pass
(it brings its own database)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))

pytestmark = [
    pytest.mark.skipif(not BINARIES, reason="the PostgreSQL server binaries are not installed"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="run once, in the SQLite pass: it starts its own PostgreSQL",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    """The status of a GET; a refused or dropped connection or a timeout is 0."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # nosec B310  # loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


class Cluster:
    """A throw-away PostgreSQL cluster run as the `postgres` user when we are root."""

    def __init__(self, folder: Path, port: int) -> None:
        self.bin = Path(BINARIES[-1]).parent
        self.data = folder / "data"
        self.folder = folder
        self.port = port
        self.as_root = os.geteuid() == 0

    def run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.folder, "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "bitgoeul")

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-m",
            "fast",
            action,
        )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_a_postgresql_restart_fails_requests_cleanly_and_the_platform_recovers_alone() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bitgoeul-pg-"))
    folder.chmod(0o755)
    cluster = Cluster(folder, _free_port())
    cluster.init()
    cluster.pg_ctl("start")
    web_port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bitgoeul.settings",
        "BITGOEUL_DEMO": "true",
        "BITGOEUL_VAR_DIR": str(folder / "var"),
        "DATABASE_URL": f"postgres://bitgoeul@127.0.0.1:{cluster.port}/postgres",
    }
    server = None
    try:
        server = subprocess.Popen(
            [sys.executable, "-m", "bitgoeul.cli", "serve", "--no-worker", "--workers", "2",
             "--port", str(web_port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{web_port}"
        deadline = time.monotonic() + 240  # migrate and collectstatic first
        while _get(f"{base}/healthz") != 200:
            assert server.poll() is None, "serve stopped"
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.5)
        assert _get(f"{base}/companies/") == 200
        pids = set(subprocess.run(
            ["pgrep", "-f", f"127.0.0.1:{web_port}"], capture_output=True, text=True
        ).stdout.split())  # fmt: skip

        # Load during the restart: two clients request pages without pause until it is over.
        statuses: dict[str, list[int]] = {"/companies/": [], "/": []}
        over = threading.Event()

        def client(path: str) -> None:
            while not over.is_set():
                statuses[path].append(_get(f"{base}{path}"))

        clients = [threading.Thread(target=client, args=(p,)) for p in statuses]
        for thread in clients:
            thread.start()
        cluster.pg_ctl("stop")
        down = [_get(f"{base}/healthz"), _get(f"{base}/companies/"), _get(f"{base}/healthz")]
        assert down == [503, 500, 503]  # clean answers, not a hang or a dropped connection
        # the database stays down until each client has had an answer from the outage (a
        # page that takes longer than the outage on a busy machine would otherwise miss it)
        deadline = time.monotonic() + 60
        while not all(any(status != 200 for status in got) for got in statuses.values()):
            assert time.monotonic() < deadline, "the clients got no answer during the outage"
            time.sleep(0.2)

        cluster.pg_ctl("start")
        deadline = time.monotonic() + 30
        while (_get(f"{base}/healthz"), _get(f"{base}/companies/")) != (200, 200):
            assert time.monotonic() < deadline, "the platform did not recover by itself"
            time.sleep(0.5)
        over.set()
        for thread in clients:
            thread.join()
        answers = [status for got in statuses.values() for status in got]
        assert set(answers) <= {200, 500, 503}  # every request got an answer
        assert 500 in answers  # the pages (not only /healthz) failed cleanly during the outage
        assert server.poll() is None
        after = set(subprocess.run(
            ["pgrep", "-f", f"127.0.0.1:{web_port}"], capture_output=True, text=True
        ).stdout.split())  # fmt: skip
        assert after == pids  # the same gunicorn master and workers: nothing was restarted
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.pg_ctl("stop")
        shutil.rmtree(folder, ignore_errors=True)
