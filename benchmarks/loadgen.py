"""Shared by `make bench` (bench_web) and `make fuzz` (fuzz_api): a throwaway Bitgoeul with the
demo data, served by gunicorn on loopback the way production serves it, and a small HTTP load
generator (threads and raw sockets, so the client costs as little CPU as possible).

Everything here is bounded: the server lives in a temporary directory and is always stopped,
every loop stops at a deadline, and all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
OPERATOR_EMAIL = "operator@bitgoeul.kr"
SOCKET_TIMEOUT = 10.0  # seconds; bounds every request, so every loop ends

# Run inside `bitgoeul shell` against the temporary database: a write-scope API token for the
# operator, and the size of the demo data (for the report).
_SETUP_SCRIPT = """
import json
from django.db import transaction
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.accounts.services import api_token_create
from bitgoeul.audit.models import AuditEvent
from bitgoeul.web.demo import DEMO_PASSWORD
with transaction.atomic():
    _token, secret = api_token_create(
        user=User.objects.get(email=%(email)r), name="benchmarks", scope="write"
    )
print("BENCH_SETUP=" + json.dumps({
    "token": secret,
    "password": DEMO_PASSWORD,
    "organizations": Organization.objects.count(),
    "users": User.objects.count(),
    "memberships": Membership.objects.count(),
    "audit_events": AuditEvent.objects.count(),
}))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running throwaway Bitgoeul and the credentials of the demo operator."""

    port: int
    var_dir: Path
    env: dict[str, str]
    workers: int
    token: str  # write-scope bearer secret of operator@bitgoeul.kr
    session_cookie: str  # the cookies of operator@bitgoeul.kr, logged in through the form
    data: dict[str, int]  # size of the demo data

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def server_env(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bitgoeul.settings",
            "BITGOEUL_DEMO": "true",
            "BITGOEUL_DEBUG": "false",
            "BITGOEUL_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'bitgoeul.sqlite3'}",
            "BITGOEUL_ALLOWED_HOSTS": f"{HOST},localhost",
            "BITGOEUL_BASE_URL": f"http://{HOST}:{port}",
            "BITGOEUL_LOG_LEVEL": "WARNING",
        }
    )
    env.pop("BITGOEUL_SECRET_KEY", None)
    env.pop("BITGOEUL_SECRET_KEY_FILE", None)
    return env


def bitgoeul(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run `python -m bitgoeul.cli ARGS` with `env`; its stdout, or an error with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "bitgoeul.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"bitgoeul {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def prepare(env: dict[str, str]) -> tuple[str, str, dict[str, int]]:
    """Migrate, collect static files, load the demo data; a write token for the operator, the
    demo password, and the size of the demo data."""
    log("bench: migrate, collectstatic, demo data …")
    bitgoeul(env, "migrate", "--noinput", "-v", "0")
    bitgoeul(env, "collectstatic", "--noinput", "-v", "0")
    bitgoeul(env, "demo")
    out = bitgoeul(env, "shell", "-c", _SETUP_SCRIPT % {"email": OPERATOR_EMAIL})
    line = next(line for line in out.splitlines() if line.startswith("BENCH_SETUP="))
    setup = json.loads(line.removeprefix("BENCH_SETUP="))
    token, password = str(setup.pop("token")), str(setup.pop("password"))
    return token, password, {key: int(value) for key, value in setup.items()}


def wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        with contextlib.suppress(OSError):
            status, _headers, _body = Connection(HOST, port).request(raw_get("/livez", port))
            if status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /livez within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn (its own process group: the master and its workers)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


def login(base_url: str, email: str, password: str) -> str:
    """Log in through the login form as a browser does (CSRF cookie and field); every cookie a
    browser would then send (session, CSRF, language) as a `Cookie:` header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{base_url}/accounts/login/"
    with opener.open(url, timeout=SOCKET_TIMEOUT) as response:
        page = response.read().decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no CSRF field on the login page")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": found.group(1), "username": email, "password": password}
    ).encode()
    request = urllib.request.Request(
        url, data=form, headers={"Origin": base_url, "Referer": url}, method="POST"
    )
    with opener.open(request, timeout=SOCKET_TIMEOUT) as response:
        response.read()
    session = next((cookie.value for cookie in jar if cookie.name == "sessionid"), None)
    if not session:
        raise RuntimeError(f"logging in as {email} gave no session cookie")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


@contextlib.contextmanager
def demo_server(*, workers: int = 2, ready_timeout: float = 60) -> Iterator[Server]:
    """A fresh Bitgoeul (SQLite, demo data) served by gunicorn on 127.0.0.1; always stopped."""
    with tempfile.TemporaryDirectory(prefix="bitgoeul-bench-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        env = server_env(var_dir, port)
        token, password, data = prepare(env)
        log_path = var_dir / "gunicorn.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bitgoeul.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(log_path),
        ]
        log(f"bench: gunicorn, {workers} workers, on {HOST}:{port}")
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen(
                command,
                env=env,
                cwd=ROOT,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                wait_ready(proc, port, log_path, ready_timeout)
                cookie = login(f"http://{HOST}:{port}", OPERATOR_EMAIL, password)
                yield Server(port, var_dir, env, workers, token, cookie, data)
            finally:
                stop(proc)


# --- the load generator --------------------------------------------------------------------


def raw_get(path: str, port: int, headers: Sequence[tuple[str, str]] = ()) -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "User-Agent: bitgoeul-bench",
        "Accept: */*",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Connection:
    """A minimal HTTP/1.1 client connection: keeps the socket when the server allows it (gunicorn's
    sync workers close it after every response), reads Content-Length, chunked, or to EOF."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _fill(self) -> bool:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if not self._fill():
                raise ConnectionError("connection closed mid-response")
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._fill():
                raise ConnectionError("connection closed mid-body")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=SOCKET_TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.sendall(raw)
            head = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
            version, status = head[0].split(" ", 2)[:2]
            headers: dict[str, str] = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                body = self._read_exactly(int(headers["content-length"]))
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                parts = []
                while size := int(self._read_until(b"\r\n").split(b";")[0], 16):
                    parts.append(self._read_exactly(size))
                    self._read_exactly(2)
                self._read_until(b"\r\n")  # no trailers from Django
                body = b"".join(parts)
            else:
                while self._fill():
                    pass
                body, self.buffer = self.buffer, b""
                headers["connection"] = "close"
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
            self.close()
        return int(status), headers, body


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Tally:
    """Everything measured for one target, summed over its time slices."""

    latencies: list[float] = field(default_factory=list)  # seconds, of successful requests
    errors: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, pct: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[pct - 1] * 1000


def run_slice(port: int, target: Target, concurrency: int, seconds: float, tally: Tally) -> None:
    """`concurrency` clients request `target` back to back for `seconds`; every latency goes into
    `tally`, any status but 200 and any network error count as errors."""
    raw = raw_get(target.path, port, target.headers)
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client() -> None:
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        errors = 0
        conn = Connection(HOST, port)
        try:
            while (sent := time.perf_counter()) < deadline:
                try:
                    status, _headers, _body = conn.request(raw)
                except OSError as exc:
                    errors += 1
                    statuses[type(exc).__name__] += 1
                    time.sleep(0.01)
                    continue
                statuses[str(status)] += 1
                if status == 200:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors += 1
        finally:
            conn.close()
            with lock:
                tally.latencies.extend(latencies)
                tally.statuses.update(statuses)
                tally.errors += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 2 * SOCKET_TIMEOUT)
    tally.seconds += time.perf_counter() - start


def run_rounds(
    port: int,
    targets: Sequence[Target],
    *,
    concurrency: int,
    seconds: float,
    rounds: int,
    progress: Callable[[str], None] = log,
) -> dict[str, Tally]:
    """Each target for `seconds` in all, in `rounds` interleaved slices (A, B, C, A, B, C, …), so
    that noise from other work on the machine falls on all targets alike."""
    tallies = {target.name: Tally() for target in targets}
    for number in range(1, rounds + 1):
        for target in targets:
            run_slice(port, target, concurrency, seconds / rounds, tallies[target.name])
        progress(
            f"bench: round {number}/{rounds}: "
            + ", ".join(f"{name} {t.requests_per_second:.0f}/s" for name, t in tallies.items())
        )
    return tallies
