"""A 300 MB body against a real server process: refused, and its memory hardly moves (#9).

uvicorn runs ``portintel serve`` in a subprocess on 127.0.0.1; the client
streams its body from a generator over a plain socket (it never holds the
body) and stops sending as soon as the server answers. The server's
resident memory is read from ``/proc/PID/status`` before and after: a server
that read the body would grow by hundreds of MiB. Memory, not time, is the
figure; the timeouts below only keep a broken server from hanging the run.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

MIB = 1024 * 1024
BODY = 300 * MIB
CHUNK = b"x" * (64 * 1024)
WAIT = 30.0  # seconds a step may take before the test gives up; never a pass/fail figure

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads memory from /proc"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """``portintel serve`` on a free loopback port: (port, pid)."""
    port = _free_port()
    env = {
        **os.environ,
        "PORTINTEL_SECURE_COOKIES": "false",
        "PORTINTEL_MEMORY_KEEP_MB": "0",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    env.pop("PORTINTEL_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable, "-c", "from portintel.cli.app import main; main()",
            "--data-dir", str(tmp_path / "node"), "serve", "--port", str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT) as client:
            for _ in range(600):
                if process.poll() is not None:
                    raise AssertionError("the server stopped while starting")
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    select.select([], [], [], 0.1)
            else:
                raise AssertionError("the server did not start")
            client.get("/login")  # warm up: the first page renders its templates
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=WAIT)


def _status_after_streaming(port: int, head: str, chunks: Iterator[bytes]) -> int:
    """Send ``head`` then ``chunks`` until the server answers; the answer's status."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as connection:
        connection.sendall(head.encode())
        connection.setblocking(False)
        pending = b""
        while True:
            readable, writable, _ = select.select([connection], [connection], [], WAIT)
            if readable:
                break
            if not writable:
                raise AssertionError("the server neither reads the body nor answers")
            if not pending:
                pending = next(chunks, b"")
                if not pending:
                    break
            try:
                pending = pending[connection.send(pending) :]
            except (BrokenPipeError, ConnectionResetError):
                break
        connection.setblocking(True)
        answer = b""
        while b"\r\n" not in answer:
            part = connection.recv(4096)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split()[1])


def _plain(total: int) -> Iterator[bytes]:
    for _ in range(total // len(CHUNK)):
        yield CHUNK


def _chunked(total: int) -> Iterator[bytes]:
    frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
    for _ in range(total // len(CHUNK)):
        yield frame
    yield b"0\r\n\r\n"


def _head(
    path: str, *, length: int | None = None, content_type: str, token: str | None = None
) -> str:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    authorization = f"Authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"{authorization}{framing}\r\n\r\n"
    )


def test_a_300_mb_anonymous_body_is_refused_without_being_read(server: tuple[int, int]) -> None:
    port, pid = server
    before = _resident_kib(pid)

    declared = _status_after_streaming(
        port, _head("/api/v1/reports", length=BODY, content_type="application/json"), _plain(BODY)
    )
    chunked_anonymous = _status_after_streaming(
        port, _head("/api/v1/reports", content_type="application/json"), _chunked(BODY)
    )
    chunked_made_up_token = _status_after_streaming(
        port,
        _head("/api/v1/reports", content_type="application/json", token="made-up"),
        _chunked(BODY),
    )
    upload = _status_after_streaming(
        port,
        _head("/reports/R-1/attachments", length=BODY, content_type="multipart/form-data; b=x"),
        _plain(BODY),
    )

    grown_mib = (_resident_kib(pid) - before) / 1024
    assert declared == 413  # Content-Length over the limit: refused unread
    assert chunked_anonymous == 401  # no credentials on a route that needs them: unread
    assert chunked_made_up_token == 413  # counted as it streams, stopped before the token check
    assert upload == 413  # over max_upload_mb
    assert grown_mib < 50, f"the server grew by {grown_mib:.0f} MiB"
