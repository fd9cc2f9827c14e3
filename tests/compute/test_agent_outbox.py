"""The GPU agent's spool and posting, against a real local HTTP server (http.server in a
thread) that answers 503, is down, then comes back."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bitgoeul.compute.agent.outbox import HttpTransport, Spool, Unreachable, flush


class Receiver:
    """A usage endpoint: records what it accepts; answers with `statuses` first, then 200."""

    def __init__(self, port: int = 0) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if status == 200:
                    receiver.accepted.append(body)
                    receiver.headers.append(dict(self.headers))
                answer = json.dumps({"new": len(body["entries"])} if status == 200 else {})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def report(n: int, gpu_seconds: float = 10.0) -> dict[str, Any]:
    return {
        "source": "agent",
        "cluster": "gwangju-aidc",
        "entries": [
            {
                "job": f"slurm:{n}@gpu07",
                "account": "co-1",
                "user": "kim",
                "model": "h100",
                "started_at": "2026-12-01T00:00:00+00:00",
                "ended_at": None,
                "state": "RUNNING",
                "gpu_seconds": gpu_seconds,
            }
        ],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_reports_are_sent_with_the_bearer_token_and_leave_the_spool(
    tmp_path: Path, receiver: Receiver
) -> None:
    spool = Spool(tmp_path)
    spool.put(report(1))
    assert flush(spool, HttpTransport(receiver.url + "/", "tok-123")) is True
    assert receiver.accepted == [report(1)]
    assert receiver.headers[0]["Authorization"] == "Bearer tok-123"
    assert receiver.headers[0]["Content-Type"] == "application/json"
    assert spool.pending() == []


def test_503_keeps_every_report_and_sends_them_in_order_later(
    tmp_path: Path, receiver: Receiver
) -> None:
    spool = Spool(tmp_path)
    transport = HttpTransport(receiver.url, "tok")
    receiver.statuses = [503, 503, 503]
    for n in range(1, 4):
        spool.put(report(n))
        assert flush(spool, transport) is False
    assert len(spool.pending()) == 3 and receiver.accepted == []
    receiver.statuses = [200, 503]  # the first gets through, then it is busy again
    assert flush(spool, transport) is False
    assert flush(spool, transport) is True
    assert receiver.accepted == [report(1), report(2), report(3)]


def test_a_server_that_is_down_then_comes_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    spool = Spool(tmp_path)
    transport = HttpTransport(f"http://127.0.0.1:{port}", "tok", timeout=2)
    with caplog.at_level(logging.WARNING, logger="bitgoeul.gpu_agent"):
        for n in range(1, 3):
            spool.put(report(n, gpu_seconds=10.0 * n))
            assert flush(spool, transport) is False
    assert "server unreachable" in caplog.text
    with pytest.raises(Unreachable):
        transport(report(9))
    # the agent restarts with the same spool while the server is still down
    spool = Spool(tmp_path)
    spool.put(report(3, gpu_seconds=30.0))
    server = Receiver(port)
    try:
        assert flush(spool, transport) is True
    finally:
        server.stop()
    assert server.accepted == [report(1, 10.0), report(2, 20.0), report(3, 30.0)]


def test_a_report_the_server_refuses_is_set_aside_and_the_rest_go_on(
    tmp_path: Path, receiver: Receiver
) -> None:
    spool = Spool(tmp_path)
    spool.put(report(1))
    spool.put(report(2))
    receiver.statuses = [422]
    assert flush(spool, HttpTransport(receiver.url, "tok")) is True
    assert receiver.accepted == [report(2)]
    assert [p.name for p in (tmp_path / "rejected").iterdir()] == ["000000000001.json"]


def test_a_wrong_token_keeps_everything(tmp_path: Path, receiver: Receiver) -> None:
    spool = Spool(tmp_path)
    spool.put(report(1))
    receiver.statuses = [401]
    assert flush(spool, HttpTransport(receiver.url, "wrong")) is False
    assert len(spool.pending()) == 1 and not (tmp_path / "rejected").exists()


def test_a_full_spool_is_compacted_to_the_latest_totals(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    size = len(json.dumps(report(1), separators=(",", ":")))
    spool = Spool(tmp_path, max_bytes=int(size * 2.5))
    with caplog.at_level(logging.WARNING, logger="bitgoeul.gpu_agent"):
        spool.put(report(1, 10.0))
        spool.put(report(2, 10.0))
        spool.put(report(1, 25.0))  # job 1 grew: its new total replaces the old one
    assert "was full: 3 reports compacted" in caplog.text
    [path] = spool.pending()
    entries = json.loads(path.read_bytes())["entries"]
    assert [(e["job"], e["gpu_seconds"]) for e in entries] == [
        ("slurm:2@gpu07", 10.0),
        ("slurm:1@gpu07", 25.0),
    ]


def test_a_report_that_cannot_fit_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spool = Spool(tmp_path, max_bytes=50)
    with caplog.at_level(logging.ERROR, logger="bitgoeul.gpu_agent"):
        assert spool.put(report(1)) is False
    assert "is full" in caplog.text


def test_writes_are_atomic_and_a_half_written_file_is_cleared(tmp_path: Path) -> None:
    (tmp_path / ".tmp-abc.json").write_text('{"source": "ag')  # a crash mid-write
    spool = Spool(tmp_path)
    spool.put(report(1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["000000000001.json"]
    assert json.loads((tmp_path / "000000000001.json").read_bytes()) == report(1)


def test_only_http_urls(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        HttpTransport("file:///etc/passwd", "tok")
