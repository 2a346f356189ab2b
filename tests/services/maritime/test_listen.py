"""The listener against a real UDP sender and a real TCP server on 127.0.0.1.

The feeds send good lines and hostile input: garbage bytes, an endless line,
half a multipart message; the TCP server drops the first connection once.
Waiting loops poll the store with a generous deadline; nothing asserts time.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.ais import live
from portintel.adapters.ais.land import LandMask
from portintel.adapters.ais.live import (
    INCOMPLETE_AT_DISCONNECT,
    RECEIVE_QUEUE_FULL,
    Backoff,
    ReceivedLine,
    TcpSource,
    UdpSource,
)
from portintel.adapters.ais.nmea_reader import LINE_TOO_LONG, UNDECODABLE_BYTES
from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime.schema import POSITIONS, QUARANTINE
from portintel.services.maritime.listen import (
    SWITCH_INTERVAL_SECONDS,
    ListenSummary,
    listen,
    receive_buffer_note,
)
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import SEA, position, static

DEADLINE_SECONDS = 60.0
"""Only a failing test waits this long; a loaded 2-core machine may take seconds to flush."""


@pytest.fixture(autouse=True, scope="module")
def _land_cache_built(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the land and shore cache before any listener's clock starts.

    The first build in a process takes seconds (longer on a loaded machine);
    later data directories link the built files. The deadlines then measure
    listening, not the one-time build.
    """
    LandMask(tmp_path_factory.mktemp("land-cache")).load()


def wait_for(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition not reached before the deadline")
        time.sleep(0.05)


def stored(ws: Workspace) -> pl.DataFrame:
    return TrackStore(ws.settings.tracks_dir).scan(POSITIONS).collect()


def quarantined(ws: Workspace) -> pl.DataFrame:
    return TrackStore(ws.settings.tracks_dir).scan(QUARANTINE).collect()


@contextmanager
def running(ws: Workspace, source, **options) -> Iterator[dict[str, ListenSummary]]:  # type: ignore[no-untyped-def]
    stop = threading.Event()
    result: dict[str, ListenSummary] = {}

    def run() -> None:
        result["summary"] = listen(ws, source, stop=stop, **options)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join(timeout=DEADLINE_SECONDS)
        assert not thread.is_alive()


def test_udp_listener_stores_good_lines_and_quarantines_hostile_ones(workspace: Workspace) -> None:
    source = UdpSource("127.0.0.1", 0)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", source.port)
    half = static(574000009, "HALF", 9074729)[0]
    with running(workspace, source, flush_seconds=0.2) as result:
        sender.sendto((position(574000001, *SEA) + "\n").encode(), target)
        sender.sendto(b"\xff\xfe\x00\x13garbage\n", target)
        sender.sendto(b"!" + b"A" * 20_000, target)  # an "endless" line: no newline, too long
        sender.sendto(half.encode(), target)  # half a multipart message, never completed
        lines = "\n".join(position(574000002 + i, *SEA) for i in range(3))
        sender.sendto(lines.encode(), target)  # several lines in one datagram
        wait_for(lambda: stored(workspace).height == 4)
    sender.close()
    assert sorted(stored(workspace)["mmsi"].to_list()) == [
        574000001,
        574000002,
        574000003,
        574000004,
    ]
    reasons = quarantined(workspace)["reason"].to_list()
    assert UNDECODABLE_BYTES in reasons and LINE_TOO_LONG in reasons
    # the half message waits for its other half until the listener stops, then is quarantined
    incomplete = quarantined(workspace).filter(pl.col("raw") == half)
    assert incomplete.height == 1 and incomplete["reason"][0]
    summary = result["summary"]
    assert summary.positions == 4 and summary.lines == 7
    assert summary.address.startswith("udp://127.0.0.1:")


class DroppingServer:
    """A TCP server that serves ``first`` then hangs up, then serves ``second`` and stays."""

    def __init__(self, first: bytes, second: bytes) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.first, self.second = first, second
        self.accepted = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.server.accept()
        self.accepted += 1
        conn.sendall(self.first)
        conn.close()  # drop the connection once
        conn, _ = self.server.accept()
        self.accepted += 1
        conn.sendall(self.second)
        self.done.wait(DEADLINE_SECONDS)
        conn.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join(timeout=DEADLINE_SECONDS)
        self.server.close()


def test_tcp_listener_reconnects_after_a_drop_and_survives_hostile_bytes(
    workspace: Workspace,
) -> None:
    cut = position(574000005, *SEA)[:30]
    first = (
        (position(574000001, *SEA) + "\r\n").encode()
        + b"\x80\x81\xfe not text\n"
        + cut.encode()  # a sentence cut by the disconnect
    )
    second = (
        b"!"
        + b"B" * 9_000
        + b"\n"  # endless line, then good lines after it
        + "\n".join(position(574000002 + i, *SEA) for i in range(3)).encode()
        + b"\n"
    )
    server = DroppingServer(first, second)
    source = TcpSource("127.0.0.1", server.port, backoff=Backoff(initial=0.05, maximum=0.2))
    try:
        with running(workspace, source, flush_seconds=0.2):
            wait_for(lambda: stored(workspace).height == 4)
    finally:
        server.close()
    assert server.accepted == 2 and source.connections == 2 and source.disconnections >= 1
    assert sorted(stored(workspace)["mmsi"].to_list()) == [
        574000001,
        574000002,
        574000003,
        574000004,
    ]
    refused = quarantined(workspace)
    reasons = dict(zip(refused["raw"], refused["reason"], strict=True))
    assert reasons[cut] == INCOMPLETE_AT_DISCONNECT
    assert LINE_TOO_LONG in reasons.values() and UNDECODABLE_BYTES in reasons.values()


class ScriptedSource:
    """A live source double: hands out prepared lines, then behaves like Ctrl-C."""

    address = "test://scripted"

    def __init__(self, lines: list[str], *, interrupt: bool) -> None:
        self.lines = lines
        self.interrupt = interrupt
        self.polls = 0

    def poll(self, timeout: float) -> list[ReceivedLine]:
        self.polls += 1
        if self.polls == 1:
            now = datetime.now(UTC)
            return [ReceivedLine(text, now) for text in self.lines]
        if self.interrupt:
            raise KeyboardInterrupt
        time.sleep(timeout)
        return []

    def close(self) -> list[ReceivedLine]:
        return []


def test_ctrl_c_flushes_what_was_received(workspace: Workspace) -> None:
    lines = [position(574000001 + i, *SEA) for i in range(5)]
    source = ScriptedSource(lines, interrupt=True)
    flushes: list[int] = []
    summary = listen(
        workspace, source, flush_seconds=3600, on_flush=lambda s: flushes.append(s.positions)
    )
    assert summary.positions == 5 and stored(workspace).height == 5
    assert flushes == [5]


def test_a_clean_stop_flushes_before_the_interval(workspace: Workspace) -> None:
    lines = [position(574000001 + i, *SEA) for i in range(3)]
    source = ScriptedSource(lines, interrupt=False)
    with running(workspace, source, flush_seconds=3600):
        wait_for(lambda: source.polls >= 2)
        assert stored(workspace).height == 0  # the hour has not passed: nothing flushed yet
    assert stored(workspace).height == 3


def test_udp_datagrams_sent_while_the_listener_is_busy_are_kept_in_order() -> None:
    # nobody polls for a while (as during a flush): the receiver thread keeps every datagram
    source = UdpSource("127.0.0.1", 0)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = [position(574000000 + i, *SEA) for i in range(5_000)]
    for index, line in enumerate(sent):
        sender.sendto(line.encode(), ("127.0.0.1", source.port))
        if index % 500 == 499:
            time.sleep(0.01)  # let the receiver thread run, as the switch interval would
    sender.close()
    received: list[ReceivedLine] = []
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(received) < len(sent) and time.monotonic() < deadline:
        received.extend(source.poll(0.1))
    received.extend(source.close())
    assert [line.text for line in received] == sent
    assert all(line.reason is None for line in received)


def test_udp_datagrams_past_the_waiting_limit_are_counted_and_quarantined() -> None:
    source = UdpSource("127.0.0.1", 0, max_waiting=10)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(25):
        sender.sendto(position(574000000 + i, *SEA).encode(), ("127.0.0.1", source.port))
    sender.close()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while source._dropped + len(source._waiting) < 25 and time.monotonic() < deadline:
        time.sleep(0.01)
    lines = source.poll(0.1) + source.close()
    good = [line for line in lines if line.reason is None]
    refused = [line for line in lines if line.reason is not None]
    assert len(good) == 10
    assert [line.reason for line in refused] == [RECEIVE_QUEUE_FULL]
    assert refused[0].text.startswith("15 datagrams dropped")


def _bad_checksum(line: str) -> str:
    body, checksum = line.rsplit("*", 1)
    return f"{body}*{int(checksum, 16) ^ 0xFF:02X}"


def test_a_udp_burst_larger_than_a_flush_is_stored_whole_and_bad_lines_quarantined(
    workspace: Workspace,
) -> None:
    # two bursts, the second sent once the first is stored: at least two flushes, and each
    # burst far more than the 64 datagrams of one receive call
    source = UdpSource("127.0.0.1", 0)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", source.port)
    burst, bad_every = 4_000, 100
    good: set[int] = set()
    bad: list[str] = []

    def send(first: int) -> None:
        for i in range(first, first + burst):
            line = position(574000000 + i, *SEA)
            if i % bad_every == 0:
                line = _bad_checksum(line)
                bad.append(line)
            else:
                good.add(574000000 + i)
            sender.sendto(line.encode() + b"\r\n", target)
            if i % 500 == 499:
                time.sleep(0.01)  # a capped kernel buffer (no privilege) still keeps up
        sender.sendto(b"\xff\xfe\x00 not nmea\n", target)

    with running(workspace, source, flush_seconds=0.2) as result:
        send(0)
        wait_for(lambda: stored(workspace).height == burst - burst // bad_every)
        send(burst)
        wait_for(lambda: stored(workspace).height == len(good))
    sender.close()
    positions = stored(workspace)
    assert set(positions["mmsi"].to_list()) == good and positions.height == len(good)
    refused = quarantined(workspace)
    reasons = dict(zip(refused["raw"], refused["reason"], strict=True))
    assert all(reasons.get(line) for line in bad)  # each with its reason
    assert all("checksum" in reasons[line] for line in bad)
    assert list(refused["reason"]).count(UNDECODABLE_BYTES) == 2
    assert refused.height == len(bad) + 2
    summary = result["summary"]
    assert summary.flushes >= 2 and summary.lines == 2 * burst + 2
    assert summary.positions == len(good) and summary.quarantined_total == len(bad) + 2


def _rmem_max() -> int:
    try:
        return int(Path("/proc/sys/net/core/rmem_max").read_text())
    except OSError:
        pytest.skip("no /proc/sys/net/core/rmem_max (not Linux)")


def test_a_receive_buffer_capped_by_the_kernel_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # unprivileged: SO_RCVBUFFORCE refused, SO_RCVBUF is capped at net.core.rmem_max
    monkeypatch.setattr(live, "SO_RCVBUFFORCE", -1)
    limit = _rmem_max()
    source = UdpSource("127.0.0.1", 0, buffer_bytes=4 * limit)
    try:
        assert source.buffer_capped and source.buffer_granted < 4 * limit
        note = receive_buffer_note(source)
        assert note is not None
        assert f"receive buffer {source.buffer_granted:,} bytes" in note
        assert f"net.core.rmem_max is {limit}" in note
        assert f"sysctl -w net.core.rmem_max={4 * limit}" in note
    finally:
        source.close()


def test_a_receive_buffer_the_kernel_grants_is_reported_without_advice() -> None:
    source = UdpSource("127.0.0.1", 0, buffer_bytes=65_536)
    try:
        assert not source.buffer_capped and source.buffer_granted >= 65_536
        assert receive_buffer_note(source) == f"receive buffer {source.buffer_granted:,} bytes"
    finally:
        source.close()
    assert receive_buffer_note(TcpSource("127.0.0.1", 9)) is None


def test_the_listener_hands_the_gil_over_often_while_it_runs_and_restores_it(
    workspace: Workspace,
) -> None:
    # the UDP receiver thread waits for the GIL after each receive call: a short switch
    # interval while listening, the process's own one after
    before = sys.getswitchinterval()
    seen: list[float] = []

    class Watching(ScriptedSource):
        def poll(self, timeout: float) -> list[ReceivedLine]:
            seen.append(sys.getswitchinterval())
            return super().poll(timeout)

    listen(workspace, Watching([position(574000001, *SEA)], interrupt=True), flush_seconds=3600)
    assert seen and all(value <= SWITCH_INTERVAL_SECONDS for value in seen)
    assert sys.getswitchinterval() == before
