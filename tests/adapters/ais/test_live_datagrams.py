"""A datagram split in bulk gives exactly the lines of the general byte-by-byte splitter."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.adapters.ais.live import LineSplitter, UdpSource

AT = datetime(2024, 1, 1, tzinfo=UTC)
PIECES = st.sampled_from(
    [
        b"!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C",
        b"\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D",
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\x00",
        b"\xff\xfe",
        "é".encode(),
        b"x" * 50,
    ]
)


@settings(max_examples=300)
@given(st.lists(st.lists(PIECES, max_size=12).map(b"".join), min_size=1, max_size=6))
def test_bulk_datagram_lines_equal_the_general_path(datagrams: list[bytes]) -> None:
    bulk, general = LineSplitter(max_line_bytes=120), LineSplitter(max_line_bytes=120)
    for data in datagrams:
        expected = general.feed(data, AT) + general.end_of_datagram(AT)
        assert bulk.datagram(data, AT) == expected


def test_a_burst_of_datagrams_arrives_whole_and_in_order() -> None:
    source = UdpSource("127.0.0.1", 0)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            for n in range(3000):
                sender.sendto(f"line {n}\r\nsecond {n}".encode(), ("127.0.0.1", source.port))
        lines: list[str] = []
        for _ in range(200):
            lines.extend(line.text for line in source.poll(0.05))
            if len(lines) >= 6000:
                break
    finally:
        lines.extend(line.text for line in source.close())
    assert lines == [text for n in range(3000) for text in (f"line {n}", f"second {n}")]
