"""Reports on their way to the server: a spool directory, the HTTP transport, and the flush.

Every report is written to the spool FIRST (temp file, fsync, rename, fsync of the directory)
and sent from there in order, oldest first; a report leaves the spool only when the server has
answered 2xx. Reports carry cumulative totals, so sending one twice, or an old one after a
crash, adds nothing on the server: nothing is lost and nothing counted twice.

The spool is bounded (`max_bytes`). When a new report would not fit, the queued reports are
compacted into one that holds the latest totals of every (job, model) — which loses nothing,
since later totals include earlier ones — and a warning says so. If even that does not fit,
the new report is refused (logged as an error) and its jobs stay marked as changed in memory,
so the next post tries them again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("bitgoeul.gpu_agent")

USAGE_PATH = "/api/v1/compute/usage"
RETRY_LATER = {408, 425, 429}
TOKEN_PROBLEM = {401, 403}


class Unreachable(Exception):
    """The server did not answer (refused, timed out, name not found)."""


# A transport sends one report and returns the HTTP status and the decoded answer (or None).
Transport = Callable[[dict[str, Any]], tuple[int, Any]]


class HttpTransport:
    """POST through urllib (no dependency beyond the standard library)."""

    def __init__(self, server: str, token: str, *, timeout: float = 15.0) -> None:
        if not server.startswith(("http://", "https://")):
            raise ValueError(f"--server must be an http:// or https:// URL, not {server!r}")
        self.url = server.rstrip("/") + USAGE_PATH
        self.token = token
        self.timeout = timeout

    def __call__(self, payload: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(  # nosec B310  # scheme checked in __init__
            self.url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "User-Agent": "bitgoeul-gpu-agent",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # nosec B310  # http(s) only
                return answer.status, _decode(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, _decode(error.read())
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(str(getattr(error, "reason", error))) from error


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body[:200].decode(errors="replace")


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class Spool:
    def __init__(self, directory: str | Path, *, max_bytes: int = 64 << 20) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        # the agent's loop adds and compacts while a sender thread sends and removes
        self.lock = threading.RLock()
        for stale in self.directory.glob(".tmp-*"):  # a write cut short by a crash
            stale.unlink(missing_ok=True)
        pending = self.pending()
        self._next = int(pending[-1].stem) + 1 if pending else 1

    def pending(self) -> list[Path]:
        with self.lock:
            return sorted(p for p in self.directory.glob("*.json") if p.stem.isdigit())

    def size(self) -> int:
        with self.lock:
            return sum(p.stat().st_size for p in self.pending())

    def _add(self, payload: dict[str, Any]) -> Path:
        path = self.directory / f"{self._next:012d}.json"
        self._next += 1
        _write_atomically(path, json.dumps(payload, separators=(",", ":")).encode())
        return path

    def put(self, payload: dict[str, Any]) -> bool:
        """Queue a report; False when it does not fit even after compaction."""
        with self.lock:
            return self._put(payload)

    def _put(self, payload: dict[str, Any]) -> bool:
        needed = len(json.dumps(payload, separators=(",", ":")).encode())
        if self.size() + needed > self.max_bytes:
            before = self.pending()
            self.compact(also=payload)
            if self.size() > self.max_bytes:
                log.error(
                    "spool %s is full (%d bytes, limit %d) even compacted; keeping this "
                    "report's %d entries in memory until the server answers",
                    self.directory,
                    self.size(),
                    self.max_bytes,
                    len(payload["entries"]),
                )
                return False
            log.warning(
                "spool %s was full: %d reports compacted into one with the latest totals of "
                "every job (nothing lost: totals are cumulative)",
                self.directory,
                len(before) + 1,
            )
            return True
        self._add(payload)
        return True

    def compact(self, *, also: dict[str, Any] | None = None) -> None:
        """Replace the queued reports (and `also`) by one with each (job, model)'s latest
        entry. Written before the old files are removed: a crash in between leaves copies,
        which are harmless."""
        with self.lock:
            self._compact(also)

    def _compact(self, also: dict[str, Any] | None) -> None:
        old = self.pending()
        reports = [json.loads(p.read_bytes()) for p in old] + ([also] if also else [])
        if not reports:
            return
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for report in reports:
            for entry in report["entries"]:
                latest.pop((entry["job"], entry["model"]), None)  # keep the order of last report
                latest[(entry["job"], entry["model"])] = entry
        merged = {**reports[-1], "entries": list(latest.values())}
        self._add(merged)
        for path in old:
            path.unlink(missing_ok=True)

    def read(self, path: Path) -> dict[str, Any] | None:
        """A queued report; None when compaction has taken it in the meantime."""
        with self.lock:
            try:
                report: dict[str, Any] = json.loads(path.read_bytes())
            except FileNotFoundError:
                return None
            return report

    def remove(self, path: Path) -> None:
        with self.lock:
            path.unlink(missing_ok=True)

    def reject(self, path: Path) -> Path:
        """Move a report the server will never accept aside, out of the queue."""
        with self.lock:
            rejected = self.directory / "rejected"
            rejected.mkdir(exist_ok=True)
            target = rejected / path.name
            if path.exists():
                os.replace(path, target)
            return target


def flush(spool: Spool, transport: Transport) -> bool:
    """Send the queued reports oldest first; True when the spool is empty afterwards.

    2xx: sent. No answer, 5xx, 408/425/429: kept, stop (the server is down or busy; order is
    kept). 401/403: kept, stop (the token is wrong: an operator must fix it, nothing is thrown
    away). Any other 4xx: the report can never be accepted: moved to `rejected/`, and the next
    one is sent.
    """
    for path in spool.pending():
        payload = spool.read(path)
        if payload is None:  # compacted into a later report while we sent the ones before
            continue
        try:
            status, answer = transport(payload)
        except Unreachable as error:
            log.warning(
                "server unreachable (%s); %d reports kept in %s",
                error,
                len(spool.pending()),
                spool.directory,
            )
            return False
        if 200 <= status < 300:
            spool.remove(path)
            log.info("sent %s (%d entries): %s", path.name, len(payload["entries"]), answer)
            continue
        if status >= 500 or status in RETRY_LATER or status in TOKEN_PROBLEM:
            level = logging.ERROR if status in TOKEN_PROBLEM else logging.WARNING
            log.log(
                level,
                "server answered %d (%s); %d reports kept in %s",
                status,
                answer,
                len(spool.pending()),
                spool.directory,
            )
            return False
        target = spool.reject(path)
        log.error("server refused %s with %d (%s); moved to %s", path.name, status, answer, target)
    return True


class Sender:
    """Sends the spool in a thread of its own, so that a slow or silent server (a request can
    wait `timeout` seconds) never holds up sampling. One flush at a time."""

    def __init__(self, spool: Spool, transport: Transport) -> None:
        self.spool = spool
        self.transport = transport
        self._thread: threading.Thread | None = None

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """Start a flush unless one is under way (it will reach the new reports too, or the
        next kick will)."""
        if self.busy():
            return
        self._thread = threading.Thread(
            target=flush, args=(self.spool, self.transport), name="gpu-agent-sender", daemon=True
        )
        self._thread.start()

    def finish(self, timeout: float) -> bool:
        """Wait for the flush under way, then one last flush; True when the spool is empty."""
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the server is still being waited for; reports stay in the buffer")
                return False
        return flush(self.spool, self.transport)
