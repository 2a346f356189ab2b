"""Live AIS feeds over UDP and TCP: bytes in, lines with arrival times out, never a crash.

A receiver on the network is hostile by default: it may send garbage, a
line without end, or drop the connection mid-sentence. Sources here turn
whatever arrives into :class:`ReceivedLine` items; a line that cannot be
decoder input carries the reason it is refused (the listener quarantines
it) and the loop goes on. The TCP client reconnects with exponential
back-off; a successful connection resets the delay.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from portintel.adapters.ais.nmea_reader import (
    LINE_TOO_LONG,
    MAX_LINE_BYTES,
    RAW_PREFIX_CHARS,
    classify,
)
from portintel.errors import InvalidInput

try:  # recvmmsg without the GIL (Linux, the AIS decoder's compiled kernel)
    from portintel.ais._kernel import receive_datagrams as _receive_datagrams
except ImportError:  # pragma: no cover - without a C compiler: one recvfrom a datagram
    _receive_datagrams = None  # type: ignore[assignment]

INCOMPLETE_AT_DISCONNECT = "incomplete line at disconnect"
RECEIVE_BYTES = 65536
RECEIVE_QUEUE_FULL = "receive queue full"
MAX_WAITING_DATAGRAMS = 2_000_000
"""Datagrams held between two polls (a few hundred MB at worst) before new ones are dropped."""
SOCKET_BUFFER_BYTES = 64 * 1024 * 1024
"""Room in the kernel (Linux doubles it) for about two seconds of a 50,000 msg/s feed while
the receiver thread waits for a core or the GIL on a loaded machine (a datagram costs its
buffer's true size, about 1 KiB, not its 60 bytes); only what waits takes memory."""
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
"""Linux: a buffer past net.core.rmem_max, allowed to a privileged process."""
RECEIVER_WAKE_SECONDS = 0.2
DATAGRAMS_PER_CALL = 64


@dataclass(frozen=True, slots=True)
class ReceivedLine:
    """One line as received; ``reason`` is set when it must go to quarantine, not the decoder."""

    text: str
    received_at: datetime
    reason: str | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


class LineSplitter:
    """Bytes -> lines, with a hard cap on line length so an endless line cannot eat memory."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self._buffer = bytearray()
        self._discarding = False

    def feed(self, data: bytes, at: datetime) -> list[ReceivedLine]:
        out: list[ReceivedLine] = []
        self._buffer.extend(data)
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            raw = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            if self._discarding:
                self._discarding = False
                continue
            if len(raw) > self.max_line_bytes + 1:
                out.append(self._too_long(raw, at))
                continue
            text, reason = classify(raw)
            if text.strip():
                out.append(ReceivedLine(text, at, reason))
        if len(self._buffer) > self.max_line_bytes:
            if not self._discarding:
                out.append(self._too_long(bytes(self._buffer), at))
            self._discarding = True
            self._buffer.clear()
        return out

    def _too_long(self, raw: bytes, at: datetime) -> ReceivedLine:
        text = raw[:RAW_PREFIX_CHARS].decode("utf-8", errors="replace")
        return ReceivedLine(text, at, LINE_TOO_LONG)

    def end_of_stream(
        self, at: datetime, reason: str = INCOMPLETE_AT_DISCONNECT
    ) -> list[ReceivedLine]:
        """What is left when the peer goes away: an unterminated line is refused, not guessed."""
        left = bytes(self._buffer)
        discarding = self._discarding
        self._buffer.clear()
        self._discarding = False
        if not left.strip() or discarding:
            return []
        text = left[:RAW_PREFIX_CHARS].decode("utf-8", errors="replace").rstrip("\r\n")
        return [ReceivedLine(text, at, reason)]

    def datagram(self, data: bytes, at: datetime) -> list[ReceivedLine]:
        """The lines of one whole datagram: ``feed`` then ``end_of_datagram``, in bulk.

        The usual datagram (clean ASCII lines, none too long, nothing buffered)
        is split without the byte-by-byte bookkeeping; anything else takes the
        general path, so both give the same lines.
        """
        if self._buffer or self._discarding or not data.isascii() or b"\x00" in data:
            return self.feed(data, at) + self.end_of_datagram(at)
        pieces = data.split(b"\n")
        if max(map(len, pieces)) > self.max_line_bytes:
            return self.feed(data, at) + self.end_of_datagram(at)
        out: list[ReceivedLine] = []
        for piece in pieces:
            text = piece.decode("ascii").rstrip("\r\n")
            if text.strip():
                out.append(ReceivedLine(text, at))
        return out

    def end_of_datagram(self, at: datetime) -> list[ReceivedLine]:
        """A datagram is complete in itself: its last line needs no newline."""
        if self._discarding:  # the rest of an overlong line ends with its datagram
            self._discarding = False
            self._buffer.clear()
            return []
        return self.feed(b"\n", at) if self._buffer else []


def _rmem_max() -> int | None:
    try:
        return int(Path("/proc/sys/net/core/rmem_max").read_text())
    except (OSError, ValueError):
        return None


class LiveSource(Protocol):
    """A feed the listener polls; ``poll`` never raises for network trouble."""

    address: str

    def poll(self, timeout: float) -> list[ReceivedLine]: ...

    def close(self) -> list[ReceivedLine]: ...


def parse_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise InvalidInput(
            f"{text!r} is not HOST:PORT",
            field="address",
            hint="e.g. 0.0.0.0:10110 or 10.0.0.5:5631",
        )
    return host, int(port)


class UdpSource:
    """Datagrams on a bound UDP socket (receivers often broadcast NMEA on port 10110).

    A thread of its own drains the socket into memory as datagrams arrive, so
    none is dropped by the kernel while the listener decodes and writes a
    flush (the socket's own buffer holds only a few hundred datagrams);
    ``poll`` splits what has arrived into lines, in arrival order. At most
    ``max_waiting`` datagrams wait: past that, datagrams are counted and
    dropped, and the next poll returns one line saying how many, refused with
    :data:`RECEIVE_QUEUE_FULL`.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        clock: Callable[[], datetime] = utc_now,
        max_waiting: int = MAX_WAITING_DATAGRAMS,
        buffer_bytes: int = SOCKET_BUFFER_BYTES,
    ) -> None:
        self.clock = clock
        self.max_waiting = max_waiting
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.buffer_asked = buffer_bytes
        try:  # room for bursts: past the system's limit when privileged, else what it grants
            self._socket.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, buffer_bytes)
        except OSError:
            with contextlib.suppress(OSError):
                self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffer_bytes)
        # Linux reports twice what it granted (the other half is its bookkeeping)
        self.buffer_granted = self._socket.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        try:
            self._socket.bind((host, port))
        except OSError as exc:
            self._socket.close()
            raise InvalidInput(
                f"cannot listen on udp {host}:{port}: {exc}",
                field="address",
                hint="pick a free port, or one this user may bind",
            ) from exc
        bound_host, bound_port = self._socket.getsockname()[:2]
        self.address = f"udp://{bound_host}:{bound_port}"
        self.port = int(bound_port)
        self._splitter = LineSplitter()
        self._waiting: deque[tuple[bytes, datetime]] = deque()
        self._dropped = 0
        self._arrived = threading.Condition()
        self._stopping = threading.Event()
        self._socket.settimeout(RECEIVER_WAKE_SECONDS)
        self._receiver = threading.Thread(
            target=self._receive, name=f"udp-receiver-{self.port}", daemon=True
        )
        self._receiver.start()

    @property
    def buffer_capped(self) -> bool:
        """Whether the kernel granted less receive buffer than asked (``net.core.rmem_max``)."""
        return self.buffer_granted < self.buffer_asked

    def buffer_note(self) -> str:
        """The receive buffer in words, with what to do when the kernel capped it."""
        text = f"receive buffer {self.buffer_granted:,} bytes"
        if not self.buffer_capped:
            return text
        limit = _rmem_max()
        return (
            f"{text}, capped by the kernel below the {self.buffer_asked:,} asked"
            f" (net.core.rmem_max is {limit if limit is not None else 'unknown'}):"
            " bursts longer than the buffer may be dropped while the listener waits for a"
            f" core; raise it with `sysctl -w net.core.rmem_max={self.buffer_asked}`"
            " or run the listener with CAP_NET_ADMIN"
        )

    def _receive(self) -> None:
        fd = self._socket.fileno()
        wake_ms = int(RECEIVER_WAKE_SECONDS * 1000)
        while not self._stopping.is_set():
            try:
                if _receive_datagrams is not None:
                    # many datagrams a system call, waiting and receiving without the GIL
                    datagrams = _receive_datagrams(fd, DATAGRAMS_PER_CALL, wake_ms)
                    if not datagrams:
                        continue
                else:
                    datagrams = [self._socket.recvfrom(RECEIVE_BYTES)[0]]
            except TimeoutError:
                continue
            except OSError:
                if self._stopping.is_set():
                    return
                time.sleep(RECEIVER_WAKE_SECONDS)  # a transient error: keep receiving
                continue
            at = self.clock()
            with self._arrived:
                room = max(0, self.max_waiting - len(self._waiting))
                self._waiting.extend((data, at) for data in datagrams[:room])
                self._dropped += max(0, len(datagrams) - room)
                self._arrived.notify()

    def poll(self, timeout: float) -> list[ReceivedLine]:
        with self._arrived:
            if not self._waiting and not self._dropped:
                self._arrived.wait(max(timeout, 0.001))
            waiting, self._waiting = self._waiting, deque()
            dropped, self._dropped = self._dropped, 0
        lines: list[ReceivedLine] = []
        for data, at in waiting:
            lines.extend(self._splitter.datagram(data, at))
        if dropped:
            text = f"{dropped} datagrams dropped: more than {self.max_waiting} waited"
            lines.append(ReceivedLine(text, self.clock(), RECEIVE_QUEUE_FULL))
        return lines

    def close(self) -> list[ReceivedLine]:
        """Stop receiving; what arrived before is still returned (its lines)."""
        self._stopping.set()
        self._receiver.join()
        self._socket.close()
        return self.poll(0.0)


@dataclass(slots=True)
class Backoff:
    """Exponential reconnect delays: initial, doubled up to ``maximum``, reset on success."""

    initial: float = 0.5
    maximum: float = 30.0
    current: float = field(init=False)

    def __post_init__(self) -> None:
        self.current = self.initial

    def next_delay(self) -> float:
        delay = self.current
        self.current = min(self.current * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self.current = self.initial


class TcpSource:
    """A TCP client to a receiver or aggregator, reconnecting with back-off when dropped."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = utc_now,
        connect_timeout: float = 5.0,
    ) -> None:
        self.host, self.port = host, port
        self.address = f"tcp://{host}:{port}"
        self.backoff = backoff or Backoff()
        self.clock = clock
        self.connect_timeout = connect_timeout
        self.connections = 0
        self.disconnections = 0
        self._socket: socket.socket | None = None
        self._retry_at = 0.0
        self._splitter = LineSplitter()

    def _connect(self) -> None:
        try:
            conn = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except OSError:
            self._retry_at = time.monotonic() + self.backoff.next_delay()
            return
        self._socket = conn
        self.connections += 1
        self.backoff.reset()

    def _drop(self) -> list[ReceivedLine]:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            self.disconnections += 1
        self._retry_at = time.monotonic() + self.backoff.next_delay()
        return self._splitter.end_of_stream(self.clock())

    def poll(self, timeout: float) -> list[ReceivedLine]:
        if self._socket is None:
            wait = self._retry_at - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, timeout))
                return []
            self._connect()
            if self._socket is None:
                return []
        assert self._socket is not None
        self._socket.settimeout(max(timeout, 0.001))
        try:
            data = self._socket.recv(RECEIVE_BYTES)
        except TimeoutError:
            return []
        except OSError:
            return self._drop()
        if not data:
            return self._drop()
        return self._splitter.feed(data, self.clock())

    def close(self) -> list[ReceivedLine]:
        left = self._splitter.end_of_stream(self.clock())
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        return left
