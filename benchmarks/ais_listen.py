"""The live listener over UDP on 127.0.0.1: the rate it sustains with nothing lost.

    python3 benchmarks/ais_listen.py [--quick] [--datagrams N] [--rates 10000,30000,...]

For each rate, one ``portintel ais listen --udp 127.0.0.1:PORT`` process in a
fresh data directory (the land cache linked in, as ``ais_ingest.py`` does)
receives the same single-sentence lines of the NMEA mix (one datagram each)
from a sender process, then stops (SIGTERM: a final flush). The sender is a
small C program compiled here with ``cc`` (``sendmmsg``, pre-encoded
datagrams, a fixed schedule: what is due is sent in a burst when the sender
had to wait for a core); without a compiler a Python sender does the same,
slower. Per rate the table gives the rate asked and the rate the sender
achieved, the datagrams, positions a file ingest of the same lines stores
against the positions the listener stored, rows missing (every row of that
file ingest, stored or quarantined, against the listener's, less the probe
datagram), the socket's kernel drop counter (/proc/net/udp), the 1-minute
load at the start, and the listener's CPU per message (user + system time of
the listener process from ready to exit, over the datagrams).

Results go to benchmarks/results/ais_listen.{md,json}; hand-written notes
below the NOTES marker are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ais_ingest import (
    DATA,
    NOTES,
    PORTINTEL,
    RESULTS,
    _environment,
    _free_port,
    _machine,
    _udp_socket,
    ensure_land_cache,
    fresh_data_dir,
    nmea_file,
    stored_rows,
    timed,
)

SENDER_C = r"""
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#define BURST 256

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: sender PORT RATE FILE SHARE OF START\n"); return 2; }
    int port = atoi(argv[1]);
    double rate = atof(argv[2]);
    long share = atol(argv[4]), of = atol(argv[5]);  /* lines share, share + of, ... */
    FILE *file = fopen(argv[3], "rb");
    if (!file) { perror("open"); return 1; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *data = malloc(size + 1);
    if (fread(data, 1, size, file) != (size_t)size) { perror("read"); return 1; }
    fclose(file);
    long count = 0;
    for (long i = 0; i < size; i++) if (data[i] == '\n') count++;
    struct iovec *vectors = calloc(count + 1, sizeof *vectors);
    long n = 0, start = 0, line = 0;
    for (long i = 0; i < size; i++) {
        if (data[i] != '\n') continue;
        if (i > start && line++ % of == share) {  /* each line with its LF, as sent live */
            vectors[n].iov_base = data + start;
            vectors[n].iov_len = i - start + 1;
            n++;
        }
        start = i + 1;
    }
    int out = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(out, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }
    struct mmsghdr headers[BURST];
    long sent = 0;
    double started = atof(argv[6]);  /* every sender's schedule from one CLOCK_MONOTONIC instant */
    while (now() < started) {
        double wait = started - now();
        struct timespec t = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
        nanosleep(&t, NULL);
    }
    while (sent < n) {
        long due = (long)((now() - started) * rate) + 1;
        if (due > n) due = n;
        if (due <= sent) {  /* ahead of the schedule: sleep until the next datagram is due */
            double wait = (double)sent / rate - (now() - started);
            if (wait > 0) {
                struct timespec t = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
                nanosleep(&t, NULL);
            }
            continue;
        }
        while (sent < due) {
            int burst = (due - sent) < BURST ? (int)(due - sent) : BURST;
            memset(headers, 0, sizeof headers);
            for (int k = 0; k < burst; k++) {
                headers[k].msg_hdr.msg_iov = &vectors[sent + k];
                headers[k].msg_hdr.msg_iovlen = 1;
            }
            int done = sendmmsg(out, headers, burst, 0);
            if (done < 0) { perror("sendmmsg"); return 1; }
            sent += done;
        }
    }
    printf("%ld %.6f %.6f\n", sent, started, now());
    return 0;
}
"""

SENDER_PY = """
import socket, sys, time
port, rate, share, of = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[4]), int(sys.argv[5])
lines = [line + b"\\n" for line in open(sys.argv[3], "rb").read().split(b"\\n") if line]
lines = lines[share::of]
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
out.connect(("127.0.0.1", port))
send, clock = out.send, time.monotonic
started = float(sys.argv[6])
time.sleep(max(0.0, started - clock()))
sent = 0
while sent < len(lines):
    due = min(len(lines), int((clock() - started) * rate) + 1)
    if due <= sent:
        time.sleep(max(0.0, sent / rate - (clock() - started)))
        continue
    while sent < due:
        send(lines[sent])
        sent += 1
print(len(lines), started, clock())
"""


def sender_command() -> tuple[list[str], str]:
    """The C sender (compiled once into benchmarks/data), or the Python one without ``cc``."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    binary = DATA / "udp_sender"
    source = DATA / "udp_sender.c"
    if compiler is not None:
        DATA.mkdir(parents=True, exist_ok=True)
        if not binary.exists() or not source.exists() or source.read_text() != SENDER_C:
            source.write_text(SENDER_C)
            built = subprocess.run(
                [compiler, "-O2", "-o", str(binary), str(source)], capture_output=True, text=True
            )
            if built.returncode != 0:
                print(f"cc failed, the Python sender is used:\n{built.stderr}", flush=True)
                return [sys.executable, "-c", SENDER_PY], "Python (cc failed)"
        return [str(binary)], "C (sendmmsg)"
    return [sys.executable, "-c", SENDER_PY], "Python (no C compiler)"


def listen_file(datagrams: int) -> Path:
    """Single-sentence lines of the million-line NMEA mix, one datagram each (cached)."""
    path = DATA / f"ais_listen_{datagrams}.nmea"
    if path.exists():
        return path
    chosen: list[str] = []
    with nmea_file(1_000_000).open() as handle:
        for line in handle:
            fields = line.split("\\")[-1].split(",")
            if len(fields) > 2 and fields[1] == "1":  # one sentence: a whole message
                chosen.append(line.rstrip("\n"))
                if len(chosen) >= datagrams:
                    break
    path.write_text("\n".join(chosen) + "\n")
    return path


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rmem_max() -> int | None:
    try:
        return int(Path("/proc/sys/net/core/rmem_max").read_text())
    except (OSError, ValueError):
        return None


def _alive(listener: subprocess.Popen[bytes], deadline: float) -> None:
    if listener.poll() is not None or time.monotonic() > deadline:
        listener.kill()
        assert listener.stdout is not None
        output = listener.stdout.read().decode(errors="replace")
        listener.wait()
        raise SystemExit(f"the listener did not start or stalled:\n{output[-3000:]}")


def listen_at(
    lines_file: Path, rate: int, sender: list[str], processes: int, file_raws: set[str]
) -> dict[str, Any]:
    """Start a listener, send every line at ``rate`` per second, stop it; what it stored."""
    with fresh_data_dir() as data_dir:
        port = _free_port()
        listener = subprocess.Popen(
            [*PORTINTEL, "ais", "listen", "--udp", f"127.0.0.1:{port}", "--flush-seconds", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=_environment(data_dir),
        )
        # ready once a probe datagram has been read (the socket is bound before the store
        # and the land cache are opened); the probe is not AIS and is quarantined
        deadline = time.monotonic() + 300
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            while _udp_socket(port) is None:
                _alive(listener, deadline)
                time.sleep(0.05)
            probe.sendto(b"benchmark probe\r\n", ("127.0.0.1", port))
            while (state := _udp_socket(port)) is None or state[0] > 0:
                _alive(listener, deadline)
                time.sleep(0.05)
        time.sleep(1.5)  # the probe's flush, so the CPU below is the listening's
        cpu_ready = _cpu_seconds(listener.pid)
        load = os.getloadavg()[0]
        # several sender processes, each every k-th datagram at rate / k: on a loaded
        # machine one process waits for a core too often to keep a high rate
        share = str(rate / processes)
        start = str(time.monotonic() + 1.0)  # one schedule for all: none starts late
        senders = [
            subprocess.Popen(
                [*sender, str(port), share, str(lines_file), str(k), str(processes), start],
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(processes)
        ]
        reports = [process.communicate()[0].split() for process in senders]
        if any(process.returncode for process in senders):
            raise SystemExit(f"a sender failed: {reports}")
        sent = sum(int(r[0]) for r in reports)
        seconds = max(float(r[2]) for r in reports) - min(float(r[1]) for r in reports)
        while (state := _udp_socket(port)) is not None and state[0] > 0:
            _alive(listener, deadline + 900)
            time.sleep(0.1)
        dropped = state[1] if state else -1
        time.sleep(2.5)  # a flush after the last datagram
        listener.send_signal(signal.SIGTERM)
        assert listener.stdout is not None
        output = listener.stdout.read().decode(errors="replace")
        _pid, status, usage = os.wait4(listener.pid, 0)
        listener.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime - cpu_ready
        rows = stored_rows(data_dir)
        missing = len(file_raws - stored_raws(data_dir))
    match = re.search(r"stopped; ([\d,]+) positions stored", output)
    if match is None:
        raise SystemExit(f"the listener did not report:\n{output[-3000:]}")
    buffer = re.search(r"receive buffer ([\d,]+) bytes", output)
    return {
        "rate_asked": rate,
        "sentences_sent": sent,
        "rate_sent": round(sent / seconds),
        "sender_processes": processes,
        "positions_stored": int(match.group(1).replace(",", "")),
        "kernel_drops": dropped,
        "rows": rows,
        "lines_missing": missing,
        "load_average_1m": round(load, 2),
        "listener_cpu_s": round(cpu, 3),
        "cpu_us_per_message": round(cpu / max(sent, 1) * 1e6, 1),
        "receive_buffer_bytes": int(buffer.group(1).replace(",", "")) if buffer else None,
        "buffer_capped": "net.core.rmem_max" in output,
    }


def stored_raws(data_dir: Path) -> set[str]:
    """Every distinct raw text the track store holds, in any dataset (quarantine included)."""
    import polars as pl

    raws: set[str] = set()
    for dataset in ("positions", "statics", "other", "quarantine"):
        for file in sorted((data_dir / "tracks" / dataset).glob("day=*/*.parquet")):
            raws.update(pl.read_parquet(file, columns=["raw"])["raw"].drop_nulls().to_list())
    return raws


def expected(path: Path) -> tuple[dict[str, Any], set[str]]:
    """What a file ingest of ``path`` stores: rows per dataset, and its raw texts."""
    with fresh_data_dir() as data_dir:
        timed([*PORTINTEL, "ais", "ingest", str(path)], data_dir)
        return stored_rows(data_dir), stored_raws(data_dir)


def live(
    datagrams: int, rates: list[int], sender: list[str], processes: int
) -> list[dict[str, Any]]:
    """Every rate with the same datagrams; rows expected from one file ingest of them."""
    path = listen_file(datagrams)
    file_rows, file_raws = expected(path)
    total = sum(file_rows[k] for k in ("positions", "statics", "other", "quarantine"))
    runs = []
    for rate in rates:
        run = listen_at(path, rate, sender, processes, file_raws)
        run["positions_expected"] = file_rows["positions"]
        run["file_rows"] = file_rows
        heard = sum(run["rows"][k] for k in ("positions", "statics", "other", "quarantine"))
        run["rows_lost"] = total - (heard - 1)  # the probe datagram is one quarantined row
        run["lost"] = max(run["rows_lost"], run["lines_missing"], run["kernel_drops"])
        runs.append(run)
        print(
            f"listen {rate:>7,} msg/s asked, {run['rate_sent']:>7,} sent:"
            f" {run['positions_stored']:,} of {file_rows['positions']:,} positions stored,"
            f" {run['rows_lost']:,} rows missing, {run['lines_missing']:,} lines missing,"
            f" {run['kernel_drops']:,} kernel drops,"
            f" {run['cpu_us_per_message']} µs CPU a message (load {run['load_average_1m']})",
            flush=True,
        )
    return runs


def render(result: dict[str, Any]) -> str:
    machine = result["machine"]
    runs = result["runs"]
    rows = [
        "| asked msg/s | sent msg/s | datagrams | positions expected | positions stored"
        " | rows missing | lines missing | kernel drops | listener CPU µs/msg | load |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        rows.append(
            f"| {r['rate_asked']:,} | {r['rate_sent']:,} | {r['sentences_sent']:,}"
            f" | {r['positions_expected']:,} | {r['positions_stored']:,} | {r['rows_lost']:,}"
            f" | {r['lines_missing']:,}"
            f" | {r['kernel_drops']:,} | {r['cpu_us_per_message']} | {r['load_average_1m']} |"
        )
    lossless = [r["rate_sent"] for r in runs if r["lost"] <= 0]
    buffers = {r["receive_buffer_bytes"] for r in runs}
    lines = [
        "# AIS live listener over UDP on 127.0.0.1",
        "",
        "Run: `python3 benchmarks/ais_listen.py` (`portintel ais listen --udp 127.0.0.1:PORT"
        " --flush-seconds 1`, one process a rate, fresh data directory; the same"
        f" {runs[0]['sentences_sent']:,} single-sentence lines of the NMEA mix at every rate,"
        f" one datagram each, sent by {runs[0]['sender_processes']} {result['sender']} sender"
        " processes (each every k-th datagram at the rate's k-th part) on a fixed schedule,"
        " from one common start instant, what is due sent in a burst; sent msg/s = all"
        " datagrams over the time from that instant to the last sender's end).",
        "",
        "Positions expected and rows: a file ingest of the same lines; rows missing = its rows"
        " (stored or quarantined) minus the listener's (less the probe; negative: the listener"
        " stored more rows); lines missing = distinct raw texts in the file ingest's store (any"
        " dataset) that are nowhere in the listener's; kernel drops = the"
        " socket's drop counter in /proc/net/udp; listener CPU = user + system time of the"
        " listener process from ready to exit (its final flush included) over the datagrams;"
        " load = 1-minute load average at the start of sending, on"
        f" {machine['nproc']} cores.",
        "",
        *rows,
        "",
        f"Highest sent rate with nothing lost: {max(lossless, default=0):,} msg/s (goal 50,000).",
        "",
        f"Receive buffer granted: {', '.join(f'{b:,}' for b in buffers if b) or 'unknown'}"
        f" bytes (net.core.rmem_max {result['rmem_max']:,}; the listener asks past it with"
        " SO_RCVBUFFORCE when privileged, and says so when the kernel caps it).",
        "",
        f"Machine: {machine['nproc']} cores, {machine['cpu']}; Python {machine['python']};"
        f" compiled kernel {machine['native_kernel']}. Date {machine['date']},"
        f" commit {machine['commit']}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datagrams", type=int, default=300_000, help="datagrams sent at every rate"
    )
    parser.add_argument("--rates", default="10000,30000,50000,75000,100000")
    parser.add_argument("--quick", action="store_true", help="20,000 datagrams")
    parser.add_argument("--senders", type=int, default=4, help="sender processes")
    parser.add_argument("--python-sender", action="store_true", help="skip the C sender")
    parser.add_argument("--output", default="ais_listen", help="results file stem")
    args = parser.parse_args()
    datagrams = 20_000 if args.quick else args.datagrams
    rates = [int(r) for r in args.rates.split(",")]
    ensure_land_cache()
    if args.python_sender:
        sender, kind = [sys.executable, "-c", SENDER_PY], "Python"
    else:
        sender, kind = sender_command()
    runs = live(datagrams, rates, sender, args.senders)
    result = {
        "machine": _machine(),
        "sender": kind,
        "rmem_max": _rmem_max() or 0,
        "runs": runs,
        "highest_lossless_rate": max((r["rate_sent"] for r in runs if r["lost"] <= 0), default=0),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(result, indent=2) + "\n")
    text = render(result)
    markdown = RESULTS / f"{args.output}.md"
    if markdown.exists() and NOTES in (previous := markdown.read_text()):
        text += "\n" + previous[previous.index(NOTES) :]
    markdown.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
